import type { RequestContext } from '@campus/core';
import { roleScope, roleScopeSql, RoleScopeRules, Sql, SqlParams } from '@campus/database';

/**
 * Tasks (alias `t`) the caller may see (DESIGN.md §2): admins, call-centre staff and the system
 * everything, managers their region, agents the tasks given to them.
 */
export const TASK_SCOPE: RoleScopeRules = {
  admin: 'all',
  call_center: 'all',
  system: 'all',
  regional_manager: 't.region_id',
  agent: 't.agent_id',
};

export function taskScopeSql(ctx: RequestContext, params: SqlParams | unknown[]): string {
  return roleScopeSql(ctx, TASK_SCOPE, params);
}

/** The same predicate as a fragment of the SQL builder, numbered wherever it lands. */
export function taskScope(ctx: RequestContext): Sql {
  return roleScope(ctx, TASK_SCOPE);
}
