import { Sql, sql } from '@campus/database';

/**
 * An agent was given an order (`last_assigned_at`, the assignment policy's tie-break), as a CTE
 * (`agent_mark`) for the assigning context's own statement (issue 18: no round trip of its own).
 * `agentId` is an id or an expression of that statement; `when` guards it (e.g. "the order's move
 * matched"). Returns the agent's `id`, `user_id` and `phone`. The statement-of-its-own form is
 * `AgentsService.markAssigned`.
 */
export function markAgentAssignedSql(agentId: string | Sql, when: Sql = sql.raw('TRUE')): Sql {
  const agent = typeof agentId === 'string' ? sql`${agentId}::uuid` : agentId;
  return sql`agent_mark AS (
      UPDATE agents SET last_assigned_at = now() WHERE id = ${agent} AND ${when}
      RETURNING id, user_id, phone)`;
}
