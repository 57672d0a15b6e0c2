import type { RequestContext } from '@campus/core';
import { roleScopeSql, RoleScopeRules, Sql, sql, SqlParams } from '@campus/database';

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

/**
 * The same predicate as a fragment of the SQL builder, to place anywhere in a `sql` statement: the
 * role-scope helper binds its values, and each becomes a parameter of the fragment again, numbered
 * wherever the fragment lands.
 */
export function taskScope(ctx: RequestContext): Sql {
  const params = new SqlParams();
  const pieces = taskScopeSql(ctx, params).split(/\$(\d+)/);
  return sql.join(
    pieces.map((piece, i) => (i % 2 ? sql`${params.values[Number(piece) - 1]}` : sql.raw(piece))),
    '',
  );
}
