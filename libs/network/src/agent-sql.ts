import { Sql, sql } from '@campus/database';

/**
 * An agent was given an order (`last_assigned_at`, the assignment policy's tie-break), as a CTE
 * (`agent_mark`) for the assigning context's own statement (issue 18: no round trip of its own).
 * `when` guards it (e.g. "the order's move matched"). Returns the agent's `user_id` and `phone`.
 * The statement-of-its-own form is `AgentsService.markAssigned`.
 */
export function markAgentAssignedSql(agentId: string, when: Sql = sql.raw('TRUE')): Sql {
  return sql`agent_mark AS (
      UPDATE agents SET last_assigned_at = now() WHERE id = ${agentId}::uuid AND ${when}
      RETURNING id, user_id, phone)`;
}
