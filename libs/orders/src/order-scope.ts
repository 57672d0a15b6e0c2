import type { RequestContext } from '@campus/core';
import { roleScopeSql, RoleScopeRules, SqlParams } from '@campus/database';

/**
 * Orders (alias `o`) the caller may see (DESIGN.md §2): admins and call-centre staff everything,
 * managers their region, agents the orders of their campus that they deliver or earn on, pickup
 * staff their point's orders, customers their own.
 */
export const ORDER_SCOPE: RoleScopeRules = {
  admin: 'all',
  call_center: 'all',
  system: 'all',
  regional_manager: 'o.region_id',
  agent: (p, bind) => {
    const me = bind(p.agentId);
    return `(o.campus_id = ${bind(p.campusId)} AND (o.assigned_agent_id = ${me} OR o.agent_id = ${me}))`;
  },
  pickup_staff: 'o.pickup_point_id',
  customer: 'o.customer_id',
};

export function orderScopeSql(ctx: RequestContext, params: SqlParams | unknown[]): string {
  return roleScopeSql(ctx, ORDER_SCOPE, params);
}
