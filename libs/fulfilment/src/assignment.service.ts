import { Injectable } from '@nestjs/common';
import { NotFoundError, RequestContext } from '@campus/core';
import { Db, sql } from '@campus/database';
import { AgentsService, markAgentAssignedSql } from '@campus/network';
import { ClaimedText, NotificationsService, render } from '@campus/notifications';
import { orderNoteSql, OrderService, OrderView, poolAssignMoveSql } from '@campus/orders';
import { OutboxService, ProcessedJobs } from '@campus/queue';
import { AGENT_ORDER_SQL, OPEN_DELIVERY_STATUSES } from './assignment-policy';
import { AgentUnavailableError } from './fulfilment.errors';

/** What `autoAssign` did (see there). */
export interface AutoAssignResult {
  /** The agent given the order; null when none was (already handled, no active agent, moved on). */
  agentId: string | null;
  /** The agent's text, claimed for sending (`agentText: 'claimed'`): send it after the commit. */
  text: ClaimedText | null;
  /** The job had already run: the dedupe key of the text of the order's current assignment. */
  replayedTextKey: string | null;
}

/** The agent's text of one assignment: once per order and assignment time. */
export function agentTextKey(orderId: string, assignedAt: Date): string {
  return `agent_assigned:order:${orderId}:${assignedAt.toISOString()}`;
}

/** The agent's text of an automatic assignment: once per order and the job that assigned it. */
export function autoAssignTextKey(orderId: string, jobKey: string): string {
  return `agent_assigned:order:${orderId}:job:${jobKey}`;
}

interface OrderHead {
  waiting: boolean;
  region_id: string;
  number: string;
  fulfilment_type: string;
  address: string | null;
  payment_method: string;
  paid_at: Date | null;
  total_cents: string;
  point_name: string | null;
  install: boolean;
}

/**
 * Who delivers an order. Every assignment locks the agent rows it reads before it locks the order
 * (auto: all active agents of the campus; manual: the chosen agent), so two assignments on one
 * campus run one after the other and each counts open deliveries that include the other's, and a
 * suspension (which locks the agent row) is never raced by a stale read.
 */
@Injectable()
export class AssignmentService {
  constructor(
    private readonly db: Db,
    private readonly orders: OrderService,
    private readonly agents: AgentsService,
    private readonly notifications: NotificationsService,
    private readonly processed: ProcessedJobs,
    private readonly outbox: OutboxService,
  ) {}

  /**
   * Gives a confirmed, unassigned order to the least-loaded active agent of its campus. Without an
   * active agent the order stays confirmed and unassigned (the manager's pool) and its timeline says
   * why. Does nothing to orders that were assigned, moved on or need no agent.
   *
   * Two statements, no transaction of its own (issue 18; it was ~11 round trips, then 5):
   * 1. a read of what the agent's text will say (number, destination, cash to collect, installation);
   * 2. ONE statement, atomic on its own: `job`'s idempotency record (processed_jobs) is claimed; the
   *    order is checked (does it still wait for an agent?); `fulfilment_agent_loads` locks the
   *    campus's active agents and only then counts their open deliveries (a VOLATILE function: its
   *    count takes a fresh snapshot, so it includes every assignment committed by whoever held the
   *    locks before — the reason this could not be one plain statement); the agent is chosen by
   *    `chooseAgent`'s order (AGENT_ORDER_SQL); the order's move (a fragment from orders: the UPDATE
   *    guarded by the status, its event, its outbox row), the agent's `last_assigned_at` (from
   *    network) and the agent's text with its alert (from notifications) are written, all only if the
   *    move matched — or, with no active agent, the `assignment_pending` note. The locks are held for
   *    that one statement only.
   *
   * With `agentText: 'claimed'` (the assignment job) the text is written already claimed for sending
   * and comes back in `text`: the caller sends it after the commit (`TextDelivery.deliver`); without,
   * it waits `queued` for the notifications queue. When the job had already run, `replayedTextKey`
   * names the text that run wrote, for the caller to re-drive (`TextDelivery.resend`: a crash after
   * the commit, or a transient provider failure).
   */
  async autoAssign(
    ctx: RequestContext,
    orderId: string,
    job: { consumer: string; key: string },
    opts: { agentText?: 'queued' | 'claimed' } = {},
  ): Promise<AutoAssignResult> {
    const none: AutoAssignResult = { agentId: null, text: null, replayedTextKey: null };
    const key = autoAssignTextKey(orderId, job.key);
    const replayed: AutoAssignResult = { ...none, replayedTextKey: key };
    const [head] = await this.db.query<OrderHead>(
      ctx,
      `SELECT o.status = 'confirmed' AND o.assigned_agent_id IS NULL
                AND NOT (o.fulfilment_type = 'counter' AND o.channel = 'pickup_point') AS waiting,
              o.region_id, o.number, o.fulfilment_type, o.address, o.payment_method, o.paid_at, o.total_cents,
              (SELECT name FROM pickup_points p WHERE p.id = o.pickup_point_id) AS point_name,
              EXISTS (SELECT 1 FROM order_lines l WHERE l.order_id = o.id AND l.requires_installation) AS install
         FROM orders o WHERE o.id = $1`,
      [orderId],
      { prepare: 'fulfilment_assign_head' },
    );
    if (!head?.waiting) {
      // Nothing to do — unless this job did it before: record the job, or re-drive its text.
      const claimed = await this.db.query(ctx, this.processed.claimFragment(job.consumer, job.key));
      return claimed.length ? none : replayed;
    }
    const params = {
      number: head.number,
      destination: head.fulfilment_type === 'delivery' ? (head.address ?? '') : (head.point_name ?? ''),
      collectCents: head.payment_method === 'cod' && !head.paid_at ? Number(head.total_cents) : 0,
      install: head.install ? 'yes' : '',
    };
    const chosen = (column: string) => sql.raw(`(SELECT ${column} FROM chosen)`);
    const moved = sql.raw('EXISTS (SELECT 1 FROM order_move)');
    const move = poolAssignMoveSql(ctx, this.outbox, {
      orderId,
      agentId: chosen('id'),
      data: { mode: 'auto' },
      dataSql: sql`jsonb_build_object('openDeliveries', ${chosen('open_deliveries')},
                                      'candidates', (SELECT count(*) FROM loads))`,
    });
    const pending = orderNoteSql(
      ctx,
      orderId,
      'assignment_pending',
      sql`jsonb_build_object('campusId', (SELECT campus_id FROM o), 'cause', 'no_active_agent')`,
      sql.raw('EXISTS (SELECT 1 FROM o) AND NOT EXISTS (SELECT 1 FROM chosen)'),
    );
    const text = this.notifications.notifyStaffSql(
      {
        to: chosen('phone'),
        template: 'agent_order_assigned',
        params,
        orderId,
        dedupeKey: key,
        alert: {
          kind: 'order_assigned',
          audience: 'user',
          userIdSql: chosen('user_id'),
          regionId: head.region_id,
          subject: `新配送 ${params.number}`,
          body: render('agent_order_assigned', 'zh-CN', params),
          data: { orderId, ...params, install: params.install !== '' },
          dataSql: sql`jsonb_build_object('agentId', ${chosen('id')})`,
          dedupeKey: key,
        },
      },
      { when: moved, mode: opts.agentText ?? 'queued' },
    );
    const [row] = await this.db.query<
      { claimed: boolean; moved: boolean; agent_id: string | null } & Partial<ClaimedText> & {
          status: string | null;
        }
    >(
      ctx,
      sql`WITH j AS (${this.processed.claimFragment(job.consumer, job.key)}),
        o AS (
          SELECT o.campus_id FROM orders o
           WHERE o.id = ${orderId}::uuid AND o.status = 'confirmed' AND o.assigned_agent_id IS NULL
             AND NOT (o.fulfilment_type = 'counter' AND o.channel = 'pickup_point')
             AND EXISTS (SELECT 1 FROM j)),
        loads AS MATERIALIZED (
          SELECT * FROM fulfilment_agent_loads((SELECT campus_id FROM o), ${OPEN_DELIVERY_STATUSES}::text[])),
        chosen AS (SELECT * FROM loads ORDER BY ${sql.raw(AGENT_ORDER_SQL)} LIMIT 1),
        ${move}, ${markAgentAssignedSql(chosen('id'), moved)}, ${text}, ${pending}
        SELECT EXISTS (SELECT 1 FROM j) AS claimed, ${moved} AS moved, ${chosen('id')} AS agent_id,
               t.id, t.to_phone, t.body, t.sealed_body, t.attempts, t.provider_id, t.created_at, t.status
          FROM (SELECT 1) x LEFT JOIN staff_text t ON true`,
    );
    if (!row.claimed) return replayed;
    // The order moved on between the read and the statement (cancelled, assigned by hand), or no agent.
    if (!row.moved) return none;
    return {
      agentId: row.agent_id,
      text: row.id && row.status === 'sending' ? (row as ClaimedText) : null,
      replayedTextKey: null,
    };
  }

  /**
   * A manager (or admin) assigns or reassigns an undispatched order to an active agent of its
   * campus. The order and the agent must both be in the caller's scope (else 404).
   */
  async assign(ctx: RequestContext, orderId: string, agentId: string, reason?: string): Promise<OrderView> {
    return this.db.transaction(ctx, async (tx) => {
      const order = await this.orders.get(tx, orderId);
      await this.agents.get(tx, agentId);
      const [agent] = await this.db.query<{ status: string; campus_id: string }>(
        tx,
        `SELECT status, campus_id FROM agents WHERE id = $1 FOR UPDATE`,
        [agentId],
      );
      if (agent.status !== 'active') throw new AgentUnavailableError(agentId, 'is suspended');
      if (agent.campus_id !== order.campusId) {
        throw new AgentUnavailableError(agentId, 'works on another campus than this order');
      }
      if (order.status === 'assigned' && order.assignedAgentId === agentId) return order;
      return this.assignTo(
        tx,
        orderId,
        agentId,
        { mode: 'manual', previousAgentId: order.assignedAgentId },
        reason,
      );
    });
  }

  /**
   * Returns an agent's undispatched orders to the pool (`unassign`); each then gets a new agent
   * through the `order.status_changed` event it publishes. With `campusId`, only orders of that
   * campus (an agent who moved keeps nothing from the old one). Idempotent.
   */
  async releaseOrdersOf(
    ctx: RequestContext,
    agentId: string,
    cause: 'suspended' | 'moved',
    campusId?: string,
  ): Promise<string[]> {
    const params: unknown[] = [agentId];
    let sql = `SELECT id FROM orders WHERE assigned_agent_id = $1 AND status = 'assigned'`;
    if (campusId) {
      params.push(campusId);
      sql += ` AND campus_id = $2`;
    }
    const rows = await this.db.query<{ id: string }>(ctx, `${sql} ORDER BY assigned_at, id`, params);
    const released: string[] = [];
    for (const { id } of rows) {
      const done = await this.db.transaction(ctx, async (tx) => {
        const order = await this.orders.find(tx, id, { lock: true });
        if (!order || order.status !== 'assigned' || order.assignedAgentId !== agentId) return false;
        await this.orders.transition(tx, id, 'unassign', {
          reason: cause === 'suspended' ? 'agent suspended' : 'agent moved to another campus',
          set: { assignedAgentId: null },
          data: { agentId, cause },
        });
        return true;
      });
      if (done) released.push(id);
    }
    return released;
  }

  /**
   * The move itself, then the agent is told: a text to their own phone (STOP honoured like any
   * customer's) and an alert, written with the assignment in one statement, so it exists exactly
   * when the assignment commits — once per assignment (keyed by the order and its assignment time),
   * however often the event that caused it is delivered.
   */
  private async assignTo(
    tx: RequestContext,
    orderId: string,
    agentId: string,
    data: Record<string, unknown>,
    reason?: string,
  ): Promise<OrderView> {
    const order = await this.orders.transition(tx, orderId, 'assign', {
      reason: reason ?? null,
      set: { assignedAgentId: agentId },
      data: { agentId, ...data },
    });
    const agent = await this.agents.markAssigned(tx, agentId, order.fulfillment.pickupPointId);
    if (!agent) throw new NotFoundError('agent', agentId);
    const params = {
      number: order.number,
      destination:
        order.fulfillment.type === 'delivery' ? (order.fulfillment.address ?? '') : (agent.point_name ?? ''),
      collectCents: order.paymentMethod === 'cod' && !order.paidAt ? order.totalCents : 0,
      install: order.lines.some((l) => l.requiresInstallation) ? 'yes' : '',
    };
    const key = agentTextKey(order.id, order.assignedAt!);
    await this.notifications.notifyStaff(tx, {
      to: agent.phone,
      template: 'agent_order_assigned',
      params,
      orderId: order.id,
      dedupeKey: key,
      alert: {
        kind: 'order_assigned',
        audience: 'user',
        userId: agent.user_id,
        regionId: order.regionId,
        subject: `新配送 ${order.number}`,
        body: render('agent_order_assigned', 'zh-CN', params),
        data: { orderId: order.id, agentId, ...params, install: params.install !== '' },
        dedupeKey: key,
      },
    });
    return order;
  }
}
