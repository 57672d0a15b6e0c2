import { areaBundle } from '../shape';

/** After-sales tickets as the customer sees them in the shop (issue 16.3). */
const en = {
  tickets: {
    title: 'Help with this order',
    mine: 'My tickets',
    none: 'No tickets yet.',
    open: 'Report a problem or ask a question',
    kind: 'What is it about?',
    kinds: { complaint: 'Complaint', enquiry: 'Question', repair: 'Repair' },
    body: 'Tell us what happened',
    send: 'Send',
    sent: 'Sent: we reply by text within {{hours}} h',
    reply: 'Your reply',
    replySend: 'Reply',
    statuses: { open: 'Open', resolved: 'Resolved' },
    from: { customer: 'You', staff: 'Customer service' },
    ref: 'Ticket {{ref}}',
    order: 'Order {{number}}',
    outcomes: {
      answered: 'Answered',
      repair_arranged: 'Repair arranged',
      compensated: 'Compensated',
      no_fault: 'No fault found',
    },
    compensation: 'Compensation {{amount}}, refunded the way you paid',
    waiting: 'Waiting for our reply',
  },
};

export const bundle = areaBundle(en, {
  tickets: {
    title: '订单售后',
    mine: '我的服务单',
    none: '暂无服务单。',
    open: '反馈问题或咨询',
    kind: '类型',
    kinds: { complaint: '投诉', enquiry: '咨询', repair: '报修' },
    body: '请描述具体情况',
    send: '提交',
    sent: '已提交：我们会在{{hours}}小时内短信回复',
    reply: '您的回复',
    replySend: '回复',
    statuses: { open: '处理中', resolved: '已处理' },
    from: { customer: '我', staff: '客服' },
    ref: '服务单 {{ref}}',
    order: '订单 {{number}}',
    outcomes: {
      answered: '已答复',
      repair_arranged: '已安排维修',
      compensated: '已补偿',
      no_fault: '未发现问题',
    },
    compensation: '补偿{{amount}}，将原路退回',
    waiting: '等待客服回复',
  },
});
