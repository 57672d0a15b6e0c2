import type { RequestContext } from '@campus/core';
import { roleScopeSql, SqlParams } from '@campus/database';

/**
 * Ledger rows (alias given) in the caller's scope: admins and the system everything, managers the
 * entries earned in their region, agents their own entries.
 */
export function entryScopeSql(ctx: RequestContext, alias: string, params: SqlParams | unknown[]): string {
  return roleScopeSql(
    ctx,
    { admin: 'all', system: 'all', regional_manager: `${alias}.region_id`, agent: `${alias}.agent_id` },
    params,
  );
}

/** Settlements (alias given): admins everything, managers their region's, nobody else. */
export function settlementScopeSql(
  ctx: RequestContext,
  alias: string,
  params: SqlParams | unknown[],
): string {
  return roleScopeSql(ctx, { admin: 'all', system: 'all', regional_manager: `${alias}.region_id` }, params);
}
