import type { RequestContext } from '@campus/core';
import { Sql, sql } from '@campus/database';
import type { OutboxService } from '@campus/queue';
import { orderStateMachine, STATUS_TIMESTAMPS } from './order-state-machine';

/**
 * The facts of an order row (alias `m`, all columns of `orders`) as the jsonb `orderFacts` builds for
 * its events: same keys, same types. `installation` is read from the lines.
 */
const ORDER_FACTS_JSON = `jsonb_build_object(
  'orderId', m.id, 'number', m.number, 'channel', m.channel, 'status', m.status,
  'customerId', m.customer_id, 'customerPhone', m.customer_phone, 'totalCents', m.total_cents,
  'paymentMethod', m.payment_method, 'fulfilmentType', m.fulfilment_type, 'regionId', m.region_id,
  'campusId', m.campus_id, 'pickupPointId', m.pickup_point_id, 'agentId', m.agent_id,
  'assignedAgentId', m.assigned_agent_id,
  'installation', EXISTS (SELECT 1 FROM order_lines l WHERE l.order_id = m.id AND l.requires_installation))`;

/** An order given to an agent from the dispatch pool, as part of another context's statement. */
export interface PoolAssignMove {
  orderId: string;
  /** The agent: an id, or an expression of the caller's statement (e.g. `(SELECT id FROM chosen)`). */
  agentId: string | Sql;
  reason?: string | null;
  /** The move's facts for the timeline and the event (`agentId` is added). */
  data?: Record<string, unknown>;
  /** Facts only known inside the statement: a jsonb expression merged into `data`. */
  dataSql?: Sql;
}

/**
 * The `assign` move of a confirmed, unassigned order (the dispatch pool) as CTEs for the caller's
 * statement — what `OrderService.transition(…, 'assign', { set: { assignedAgentId } })` writes, in no
 * round trip of its own (issue 18): the UPDATE guarded by the status (a concurrent move — a cancel, a
 * manual assignment — makes it a no-op: PostgreSQL re-checks the guard on the row's latest version),
 * its `order_events` row and its `order.status_changed` outbox row (the payload `orderFacts` + the
 * move's fields), all written only when the UPDATE matched (and the agent is not null). The assign
 * move has no stock or money effect.
 *
 * CTEs: `order_move` (the order after the move, all columns; no row when the guard failed),
 * `order_move_args`, `order_move_event`, `order_move_outbox`. Compose with `WITH ${…}, …` (the SQL
 * builder numbers the parameters).
 */
export function poolAssignMoveSql(
  ctx: RequestContext,
  outbox: Pick<OutboxService, 'insertSelectSql'>,
  move: PoolAssignMove,
): Sql {
  const from = 'confirmed' as const;
  const to = orderStateMachine.next(from, 'assign');
  const stamp = STATUS_TIMESTAMPS[to];
  const agent = typeof move.agentId === 'string' ? sql`${move.agentId}::uuid` : move.agentId;
  const reason = move.reason ?? null;
  const tail = {
    action: 'assign',
    fromStatus: from,
    toStatus: to,
    actorId: ctx.actorId,
    actorRole: ctx.role,
    reason,
  };
  const data = sql`${JSON.stringify(move.data ?? {})}::jsonb || jsonb_build_object('agentId', ${agent})
    || ${move.dataSql ?? sql.raw(`'{}'::jsonb`)}`;
  const insertOutbox = outbox.insertSelectSql(
    'order.status_changed',
    `SELECT m.id, ${ORDER_FACTS_JSON} || a.tail FROM order_move m, order_move_args a`,
  );
  return sql`order_move AS (
      UPDATE orders o SET status = ${to}, updated_at = now(), ${sql.raw(stamp ? `${stamp} = now(), ` : '')}
             assigned_agent_id = ${agent}
       WHERE o.id = ${move.orderId}::uuid AND o.status = ${from} AND o.assigned_agent_id IS NULL
         AND ${agent} IS NOT NULL
      RETURNING o.*),
    order_move_args AS (
      SELECT ${ctx.actorId}::uuid AS actor_id, ${ctx.role}::text AS actor_role, ${reason}::text AS reason,
             d.data, ${JSON.stringify(tail)}::jsonb || jsonb_build_object('data', d.data) AS tail
        FROM (SELECT ${data} AS data) d),
    order_move_event AS (
      INSERT INTO order_events (order_id, type, from_status, to_status, actor_id, actor_role, channel, reason, data)
      SELECT m.id, 'assign', ${from}, ${to}, a.actor_id, a.actor_role, m.channel, a.reason, a.data
        FROM order_move m, order_move_args a),
    order_move_outbox AS (${sql.raw(insertOutbox)})`;
}

/**
 * A non-status entry on an order's timeline (what `OrderService.note` writes) as a CTE (`order_note`)
 * of the caller's statement, written only when `when` holds; `data` is a jsonb expression.
 */
export function orderNoteSql(ctx: RequestContext, orderId: string, type: string, data: Sql, when: Sql): Sql {
  return sql`order_note AS (
      INSERT INTO order_events (order_id, type, actor_id, actor_role, channel, data)
      SELECT ${orderId}::uuid, ${type}::text, ${ctx.actorId}::uuid, ${ctx.role}::text, NULL, ${data}
       WHERE ${when})`;
}
