import type { Principal, RequestContext, Role } from '@campus/core';
import { Sql, sql, SqlParams } from './sql';

type ScopedRole = Role | 'system';

/**
 * How one role is limited:
 * - `'all'`: sees every row;
 * - a column name: the row's column equals the principal's own id for that role (a manager's
 *   `regionId`, an agent's `agentId`, pickup staff's `pickupPointId`, a customer's `id`);
 * - `{ column: principalField }`: several columns, each equal to the named principal field (ANDed);
 * - a function of the principal and the binder, for the odd case.
 * A role not named sees nothing (`FALSE`).
 */
export type RoleRule =
  | 'all'
  | string
  | Partial<Record<string, PrincipalField>>
  | ((p: Principal, bind: (v: unknown) => string) => string);

type PrincipalField = 'id' | 'regionId' | 'campusId' | 'pickupPointId' | 'agentId';

export type RoleScopeRules = Partial<Record<ScopedRole, RoleRule>>;

const OWN_FIELD: Record<ScopedRole, PrincipalField> = {
  admin: 'id',
  system: 'id',
  call_center: 'id',
  regional_manager: 'regionId',
  agent: 'agentId',
  pickup_staff: 'pickupPointId',
  customer: 'id',
};

/**
 * The one role-scope helper (DESIGN.md §2: scoping is data-level): the SQL condition limiting rows to
 * what the caller may see, its values bound into `params`. Each lib states its rules once, e.g.
 * `{ admin: 'all', system: 'all', regional_manager: 't.region_id', agent: 't.agent_id' }`.
 * A principal missing the id a rule needs sees nothing rather than everything.
 */
export function roleScopeSql(
  ctx: RequestContext,
  rules: RoleScopeRules,
  params: SqlParams | unknown[],
): string {
  const p = ctx.principal;
  const rule = p.role === 'anonymous' ? undefined : rules[p.role];
  if (rule === undefined) return 'FALSE';
  if (rule === 'all') return 'TRUE';
  const binder = SqlParams.of(params);
  const bind = (v: unknown) => binder.add(v);
  if (typeof rule === 'function') return rule(p, bind);
  const pairs: [string, PrincipalField][] =
    typeof rule === 'string'
      ? [[rule, OWN_FIELD[p.role as ScopedRole]]]
      : (Object.entries(rule).filter(([, f]) => f) as [string, PrincipalField][]);
  if (!pairs.length) return 'FALSE';
  if (pairs.some(([, field]) => p[field] === undefined || p[field] === null)) return 'FALSE';
  const conds = pairs.map(([column, field]) => `${column} = ${bind(p[field])}`);
  return conds.length === 1 ? conds[0] : `(${conds.join(' AND ')})`;
}

/**
 * `roleScopeSql` as a fragment of the SQL builder (`sql`…`WHERE t.id = ${id} AND ${roleScope(ctx,
 * RULES)}`): the values become parameters of the fragment, numbered wherever it lands.
 */
export function roleScope(ctx: RequestContext, rules: RoleScopeRules): Sql {
  const markers = new MarkerParams();
  const pieces = roleScopeSql(ctx, rules, markers).split(/\uE000(\d+)\uE000/);
  return sql.join(
    pieces.map((piece, i) => (i % 2 ? sql`${markers.values[Number(piece)]}` : sql.raw(piece))),
    '',
  );
}

/** A binder handing out markers no SQL text contains; `roleScope` cuts the text at them. */
class MarkerParams extends SqlParams {
  override add(value: unknown): string {
    this.values.push(value);
    return `\uE000${this.values.length - 1}\uE000`;
  }
}
