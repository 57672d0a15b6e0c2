import type { RequestContext } from '@campus/core';

/**
 * The SQL condition limiting orders (alias `o`) to what the caller may see (DESIGN.md §2):
 * admins and call-centre staff everything, managers their region, agents the orders of their campus
 * that they deliver or earn on, pickup staff their point's orders, customers their own.
 */
export function orderScopeSql(ctx: RequestContext, params: unknown[]): string {
  const p = ctx.principal;
  const add = (v: unknown) => {
    params.push(v);
    return `$${params.length}`;
  };
  switch (p.role) {
    case 'admin':
    case 'call_center':
    case 'system':
      return 'TRUE';
    case 'regional_manager':
      return `o.region_id = ${add(p.regionId)}`;
    case 'agent': {
      const me = add(p.agentId);
      return `(o.campus_id = ${add(p.campusId)} AND (o.assigned_agent_id = ${me} OR o.agent_id = ${me}))`;
    }
    case 'pickup_staff':
      return `o.pickup_point_id = ${add(p.pickupPointId)}`;
    case 'customer':
      return `o.customer_id = ${add(p.id)}`;
    default:
      return 'FALSE';
  }
}
