import { AGENT_METRIC_SOURCES, agentMetricsSql } from './agent-metrics';

describe('agentMetricsSql', () => {
  const scoped = 'SELECT id FROM agents';

  it('sums each metric over the sources that provide it and makes the others 0', () => {
    const sut = agentMetricsSql(scoped, [
      { name: 'a', sql: 'SELECT 1', columns: { tasksDone: 'x' } },
      { name: 'b', sql: 'SELECT 2', columns: { tasksDone: 'y', earningsCents: 'e' } },
    ]);
    expect(sut).toContain('(COALESCE(src_a.x, 0) + COALESCE(src_b.y, 0))::bigint AS "tasksDone"');
    expect(sut).toContain('(COALESCE(src_b.e, 0))::bigint AS "earningsCents"');
    expect(sut).toContain('(0)::bigint AS "codHeldCents"');
    expect(sut).toContain('LEFT JOIN src_b ON src_b.agent_id = a.id');
  });

  it('reads earnings from the commissions ledger, one source per metric family', () => {
    expect(agentMetricsSql(scoped)).toContain(
      '(COALESCE(src_earnings.earned, 0))::bigint AS "earningsCents"',
    );
    expect(AGENT_METRIC_SOURCES.map((s) => s.name)).toEqual(['handoffs', 'task_work', 'cod', 'earnings']);
  });
});
