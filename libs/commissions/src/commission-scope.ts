import type { RequestContext } from '@campus/core';

/**
 * The SQL condition limiting ledger rows (alias given) to the caller's scope: admins and the system
 * everything, managers the entries earned in their region, agents their own entries.
 */
export function entryScopeSql(ctx: RequestContext, alias: string, params: unknown[]): string {
  const p = ctx.principal;
  switch (p.role) {
    case 'admin':
    case 'system':
      return 'TRUE';
    case 'regional_manager':
      params.push(p.regionId);
      return `${alias}.region_id = $${params.length}`;
    case 'agent':
      params.push(p.agentId);
      return `${alias}.agent_id = $${params.length}`;
    default:
      return 'FALSE';
  }
}

/** Settlements (alias given): admins everything, managers their region's, nobody else. */
export function settlementScopeSql(ctx: RequestContext, alias: string, params: unknown[]): string {
  const p = ctx.principal;
  switch (p.role) {
    case 'admin':
    case 'system':
      return 'TRUE';
    case 'regional_manager':
      params.push(p.regionId);
      return `${alias}.region_id = $${params.length}`;
    default:
      return 'FALSE';
  }
}
