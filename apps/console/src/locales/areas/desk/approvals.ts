import { areaBundle } from '../../shape';

/** Four-eyes money approvals (issue 17.6). */
const en = {
  approvals: {
    otherApprover: 'You drew this settlement up: another manager of the region, or an admin, approves it.',
  },
};

export const bundle = areaBundle(en, {
  approvals: {
    otherApprover: '本结算单由您创建：需由本区域的另一位经理或管理员审批。',
  },
});
