import { areaBundle } from '../../shape';

/** COD orders nobody receives (issue 17.4): failed attempts, cancellation, the managers' list. */
const en = {
  attempts: {
    notDelivered: 'Could not deliver',
    title: 'Could not deliver order {{number}}',
    reason: 'Why',
    reasons: {
      unreachable: 'Customer unreachable',
      refused: 'Customer refused it',
      wrong_address: 'Wrong address',
      other: 'Other',
    },
    note: 'Note (optional)',
    record: 'Record the attempt',
    recorded: 'Attempt {{n}} recorded',
    count: 'Failed attempts: {{n}}',
    cancel: 'Cancel the order (stock back)',
    cancelReason: 'Reason for cancelling',
    cancelled: 'Order {{number}} cancelled',
    unclaimedTab: 'Unclaimed COD',
    unclaimedHelp:
      'Cash-on-delivery orders still not delivered {{hours}} h after they were placed, oldest first.',
    age: 'Age (h)',
    failed: 'Failed attempts',
    none: 'No COD order is waiting too long',
  },
};

export const bundle = areaBundle(en, {
  attempts: {
    notDelivered: '无法送达',
    title: '订单 {{number}} 无法送达',
    reason: '原因',
    reasons: {
      unreachable: '联系不上客户',
      refused: '客户拒收',
      wrong_address: '地址错误',
      other: '其他',
    },
    note: '备注（选填）',
    record: '记录本次尝试',
    recorded: '已记录第 {{n}} 次尝试',
    count: '失败尝试：{{n}} 次',
    cancel: '取消订单（库存退回）',
    cancelReason: '取消原因',
    cancelled: '订单 {{number}} 已取消',
    unclaimedTab: '待认领货到付款',
    unclaimedHelp: '下单超过 {{hours}} 小时仍未送达的货到付款订单，最早的在前。',
    age: '时长（小时）',
    failed: '失败尝试',
    none: '没有等待过久的货到付款订单',
  },
});
