import { Principal, RequestContext } from '@campus/core';
import { sql } from '@campus/database';
import { taskScope } from './task-scope';

const ctxOf = (p: Partial<Principal>) =>
  new RequestContext({ kind: 'user', id: 'u-1', role: 'admin', ...p } as Principal, 'req');

describe(taskScope.name, () => {
  it('limits a manager to their region and an agent to their tasks, numbered where the fragment lands', () => {
    const managerQ = sql`SELECT 1 FROM tasks t WHERE t.id = ${'task'} AND ${taskScope(
      ctxOf({ role: 'regional_manager', regionId: 'r-1' }),
    )}`.toQuery();
    expect(managerQ).toEqual({
      text: 'SELECT 1 FROM tasks t WHERE t.id = $1 AND t.region_id = $2',
      values: ['task', 'r-1'],
    });
    const agentQ =
      sql`${taskScope(ctxOf({ role: 'agent', agentId: 'a-1' }))} AND t.kind = ${'training'}`.toQuery();
    expect(agentQ).toEqual({ text: 't.agent_id = $1 AND t.kind = $2', values: ['a-1', 'training'] });
  });

  it('lets admins, the call centre and the system see everything and nobody else anything', () => {
    for (const role of ['admin', 'call_center', 'system'] as const) {
      expect(taskScope(ctxOf({ role })).toQuery()).toEqual({ text: 'TRUE', values: [] });
    }
    expect(taskScope(ctxOf({ role: 'customer' })).toQuery().text).toBe('FALSE');
    expect(taskScope(ctxOf({ role: 'pickup_staff', pickupPointId: 'pp-1' })).toQuery().text).toBe('FALSE');
    expect(taskScope(ctxOf({ role: 'agent', agentId: null })).toQuery().text).toBe('FALSE');
  });
});
