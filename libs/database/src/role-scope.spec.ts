import { Principal, RequestContext } from '@campus/core';
import { roleScope, roleScopeSql, RoleScopeRules } from './role-scope';
import { sql, SqlParams } from './sql';

const ctxOf = (p: Partial<Principal>) =>
  new RequestContext({ kind: 'user', id: 'u1', role: 'admin', ...p } as Principal, 'req');

describe('roleScopeSql', () => {
  const rules: RoleScopeRules = {
    admin: 'all',
    system: 'all',
    regional_manager: 't.region_id',
    agent: 't.agent_id',
    pickup_staff: { 't.pickup_point_id': 'pickupPointId', 't.campus_id': 'campusId' },
    customer: (p, bind) => `t.customer_id = ${bind(p.id)}`,
  };
  const run = (p: Partial<Principal>, params = new SqlParams()) => ({
    text: roleScopeSql(ctxOf(p), rules, params),
    values: params.values,
  });

  it('lets the roles marked all see everything, binding nothing', () => {
    expect(run({ role: 'admin' })).toEqual({ text: 'TRUE', values: [] });
    expect(run({ role: 'system', kind: 'system' })).toEqual({ text: 'TRUE', values: [] });
  });

  it("binds a column to the role's own id", () => {
    expect(run({ role: 'regional_manager', regionId: 'r1' })).toEqual({
      text: 't.region_id = $1',
      values: ['r1'],
    });
    expect(run({ role: 'agent', agentId: 'a1', campusId: 'c1' })).toEqual({
      text: 't.agent_id = $1',
      values: ['a1'],
    });
  });

  it('ANDs several columns, each bound to the named field', () => {
    expect(run({ role: 'pickup_staff', pickupPointId: 'p1', campusId: 'c1' })).toEqual({
      text: '(t.pickup_point_id = $1 AND t.campus_id = $2)',
      values: ['p1', 'c1'],
    });
  });

  it('hands the odd case to its function with the binder', () => {
    expect(run({ role: 'customer', kind: 'customer', id: 'cu1' })).toEqual({
      text: 't.customer_id = $1',
      values: ['cu1'],
    });
  });

  it('continues the numbering of parameters already bound', () => {
    const params = new SqlParams(['x']);
    expect(run({ role: 'regional_manager', regionId: 'r9' }, params)).toEqual({
      text: 't.region_id = $2',
      values: ['x', 'r9'],
    });
  });

  it('shows nothing to a role without a rule, to anonymous callers, and to a principal missing its id', () => {
    expect(run({ role: 'call_center' })).toEqual({ text: 'FALSE', values: [] });
    expect(run({ role: 'anonymous', kind: 'anonymous' })).toEqual({ text: 'FALSE', values: [] });
    expect(run({ role: 'regional_manager', regionId: null })).toEqual({ text: 'FALSE', values: [] });
    expect(run({ role: 'pickup_staff', pickupPointId: 'p1' })).toEqual({ text: 'FALSE', values: [] });
  });
});

describe('roleScope (the builder fragment)', () => {
  const rules: RoleScopeRules = {
    admin: 'all',
    regional_manager: 't.region_id',
    pickup_staff: { 't.pickup_point_id': 'pickupPointId', 't.campus_id': 'campusId' },
    customer: (p, bind) => `(t.customer_id = ${bind(p.id)} OR t.payer_id = ${bind(p.id)})`,
  };

  it('is numbered wherever it lands in a statement', () => {
    const scope = roleScope(ctxOf({ role: 'pickup_staff', pickupPointId: 'pp1', campusId: 'c1' }), rules);
    const q = sql`SELECT * FROM t WHERE t.id = ${'id1'} AND ${scope} AND t.kind = ${'k'}`.toQuery();
    expect(q.text).toBe(
      'SELECT * FROM t WHERE t.id = $1 AND (t.pickup_point_id = $2 AND t.campus_id = $3) AND t.kind = $4',
    );
    expect(q.values).toEqual(['id1', 'pp1', 'c1', 'k']);
  });

  it("keeps a function rule's own binds, and is TRUE or FALSE with nothing bound", () => {
    const own = sql`WHERE ${roleScope(ctxOf({ role: 'customer', id: 'c9' }), rules)}`.toQuery(
      new SqlParams(['x']),
    );
    expect(own.text).toBe('WHERE (t.customer_id = $2 OR t.payer_id = $3)');
    expect(own.values).toEqual(['x', 'c9', 'c9']);
    expect(sql`${roleScope(ctxOf({ role: 'admin' }), rules)}`.toQuery()).toEqual({
      text: 'TRUE',
      values: [],
    });
    expect(sql`${roleScope(ctxOf({ role: 'agent', agentId: 'a1' }), rules)}`.toQuery()).toEqual({
      text: 'FALSE',
      values: [],
    });
  });
});
