/**
 * The numbers of the agent leaderboard, each summed over the sources that provide it (0 when no
 * source does). A source is one SQL query returning `agent_id` and some columns; it may use
 *   $1 period start, $2 period end (timestamptz, [start, end) in Asia/Shanghai), $3 now (the app's
 *   Clock), $4 the period text ('YYYY-MM'), and the CTE `scoped_agents(id)`: the agents in scope.
 * Adding a metric source is one entry in AGENT_METRIC_SOURCES; nothing else changes.
 */
export const AGENT_METRICS = [
  'doorDeliveries',
  'lockerDeposits',
  'counterDeposits',
  'tasksDone',
  'tasksOverdue',
  'codCollectedCents',
  'codHeldCents',
  'earningsCents',
] as const;
export type AgentMetric = (typeof AGENT_METRICS)[number];

export interface AgentMetricSource {
  /** CTE name (lower-case identifier, unique). */
  name: string;
  sql: string;
  /** Which response metric each column feeds. */
  columns: Partial<Record<AgentMetric, string>>;
}

export const AGENT_METRIC_SOURCES: AgentMetricSource[] = [
  {
    // The agent's hand-offs: at the door (`deliver`) or into a pickup point (`deposit`, locker or
    // counter). The customer's later pickup is not the agent's work, so a deposit counts when made.
    name: 'handoffs',
    sql: `SELECT o.assigned_agent_id AS agent_id,
                 count(*) FILTER (WHERE e.type = 'deliver') AS door,
                 count(*) FILTER (WHERE e.type = 'deposit' AND o.fulfilment_type = 'locker') AS locker,
                 count(*) FILTER (WHERE e.type = 'deposit' AND o.fulfilment_type <> 'locker') AS counter
            FROM order_events e JOIN orders o ON o.id = e.order_id
           WHERE e.type IN ('deliver', 'deposit') AND e.created_at >= $1 AND e.created_at < $2
             AND o.assigned_agent_id IN (SELECT id FROM scoped_agents)
           GROUP BY o.assigned_agent_id`,
    columns: { doorDeliveries: 'door', lockerDeposits: 'locker', counterDeposits: 'counter' },
  },
  {
    // Done: completed in the period. Overdue (INSTALL_SLA_HOURS, as libs/tasks sets `due_at`): the
    // SLA deadline fell in the period, before now, and the task was not done by then (done late,
    // failed, or still open). Cancelled tasks are nobody's fault and never count.
    name: 'task_work',
    sql: `SELECT t.agent_id,
                 count(*) FILTER (WHERE t.status = 'done' AND t.completed_at >= $1 AND t.completed_at < $2) AS done,
                 count(*) FILTER (WHERE t.status <> 'cancelled' AND t.due_at >= $1 AND t.due_at < $2
                                    AND t.due_at <= $3 AND (t.completed_at IS NULL OR t.completed_at > t.due_at))
                   AS overdue
            FROM tasks t
           WHERE t.agent_id IN (SELECT id FROM scoped_agents)
             AND ((t.completed_at >= $1 AND t.completed_at < $2) OR (t.due_at >= $1 AND t.due_at < $2))
           GROUP BY t.agent_id`,
    columns: { tasksDone: 'done', tasksOverdue: 'overdue' },
  },
  {
    // Cash collected on delivery in the period, and the cash held at the period's end: every entry
    // recorded before it, less what a settlement paid before it cleared (commission_cod.cleared_at).
    name: 'cod',
    sql: `SELECT c.agent_id,
                 sum(c.amount_cents) FILTER (WHERE c.created_at >= $1) AS collected,
                 sum(c.amount_cents) FILTER (WHERE d.cleared_at IS NULL OR d.cleared_at >= $2) AS held
            FROM cod_ledger c
            LEFT JOIN commission_cod d ON d.order_id = c.order_id
           WHERE c.agent_id IN (SELECT id FROM scoped_agents) AND c.created_at < $2
           GROUP BY c.agent_id`,
    columns: { codCollectedCents: 'collected', codHeldCents: 'held' },
  },
  {
    // Earnings of the period: the commissions ledger (signed entries: reversals are negative).
    name: 'earnings',
    sql: `SELECT ce.agent_id, sum(ce.amount_cents) AS earned
            FROM commission_entries ce
           WHERE ce.period = $4 AND ce.agent_id IN (SELECT id FROM scoped_agents)
           GROUP BY ce.agent_id`,
    columns: { earningsCents: 'earned' },
  },
];

/** The one SQL statement of the leaderboard: the scoped agents, each source as a CTE, left-joined. */
export function agentMetricsSql(
  scopedAgentsSql: string,
  sources: readonly AgentMetricSource[] = AGENT_METRIC_SOURCES,
): string {
  const ctes = sources.map((s) => `src_${s.name} AS (${s.sql})`);
  const joins = sources.map((s) => `LEFT JOIN src_${s.name} ON src_${s.name}.agent_id = a.id`);
  const metrics = AGENT_METRICS.map((m) => {
    const parts = sources
      .filter((s) => s.columns[m])
      .map((s) => `COALESCE(src_${s.name}.${s.columns[m]}, 0)`);
    return `(${parts.length ? parts.join(' + ') : '0'})::bigint AS "${m}"`;
  });
  return `WITH scoped_agents AS (${scopedAgentsSql}),
    ${ctes.join(',\n    ')}
    SELECT a.id, a.display_name, a.status, a.campus_id, a.campus_code, a.campus_name, a.region_id, $4::text AS period,
           ${metrics.join(',\n           ')}
      FROM scoped_agents a
      ${joins.join('\n      ')}`;
}
