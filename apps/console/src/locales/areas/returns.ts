import { areaBundle } from '../shape';

/** Returns: the customer's side in the shop's "my orders" (the desks' side is areas/desk/returns.ts). */
const en = {
  returns: {
    title: 'Return items',
    ask: 'Return items',
    hint: 'Choose how many of each item to send back (within 7 days of delivery).',
    quantity: 'Units of {{name}} to return',
    reason: 'Why are you returning them?',
    reasonRequired: 'Tell us why',
    nothingChosen: 'Choose at least one item',
    submit: 'Ask for a return',
    cancel: 'Close',
    sent: 'Return requested',
    requests: 'Returns',
    returned: '{{count}} returned',
    refund: 'Refund {{amount}}',
    note: 'Note: {{note}}',
    statuses: {
      open: 'Waiting for approval',
      approved: 'Approved: we will collect it',
      rejected: 'Rejected',
      received: 'Received and refunded',
    },
  },
};

export const bundle = areaBundle(en, {
  returns: {
    title: '申请退货',
    ask: '申请退货',
    hint: '请选择每件商品要退回的数量（签收后 7 天内）。',
    quantity: '{{name}} 退回数量',
    reason: '退货原因',
    reasonRequired: '请填写退货原因',
    nothingChosen: '请至少选择一件商品',
    submit: '提交退货申请',
    cancel: '关闭',
    sent: '已提交退货申请',
    requests: '退货',
    returned: '已退 {{count}} 件',
    refund: '退款 {{amount}}',
    note: '备注：{{note}}',
    statuses: {
      open: '等待审核',
      approved: '已同意，将上门取件',
      rejected: '已拒绝',
      received: '已收货并退款',
    },
  },
});
