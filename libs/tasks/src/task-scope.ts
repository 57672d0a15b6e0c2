import type { RequestContext } from '@campus/core';

/**
 * The SQL condition limiting tasks (alias `t`) to what the caller may see (DESIGN.md §2): admins,
 * call-centre staff and the system everything, managers their region, agents the tasks given to them.
 */
export function taskScopeSql(ctx: RequestContext, params: unknown[]): string {
  const p = ctx.principal;
  switch (p.role) {
    case 'admin':
    case 'call_center':
    case 'system':
      return 'TRUE';
    case 'regional_manager':
      params.push(p.regionId);
      return `t.region_id = $${params.length}`;
    case 'agent':
      params.push(p.agentId);
      return `t.agent_id = $${params.length}`;
    default:
      return 'FALSE';
  }
}
