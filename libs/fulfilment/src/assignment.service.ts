import { Injectable } from '@nestjs/common';
import { NotFoundError, RequestContext } from '@campus/core';
import { Db, sql } from '@campus/database';
import { AgentsService, markAgentAssignedSql } from '@campus/network';
import { ClaimedText, NotificationsService, render } from '@campus/notifications';
import { OrderService, OrderView, poolAssignMoveSql } from '@campus/orders';
import { OutboxService, ProcessedJobs } from '@campus/queue';
import { AgentLoad, chooseAgent, OPEN_DELIVERY_STATUSES } from './assignment-policy';
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

interface OrderHead {
  claimed: boolean;
  campus_id: string | null;
  region_id: string | null;
  number: string | null;
  fulfilment_type: string | null;
  address: string | null;
  payment_method: string | null;
  paid_at: Date | null;
  total_cents: string | null;
  point_name: string | null;
  install: boolean | null;
  agents: number;
  at: Date;
  current_assigned_at: Date | null;
}

type CandidateAgent = AgentLoad & { userId: string; phone: string };

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
   * Three statements in one transaction (issue 18; it was ~9):
   * 1. `job`'s idempotency record (processed_jobs) is claimed, the order is checked (does it wait for
   *    an agent?) and read for the agent's text, and the campus's active agents are locked;
   * 2. their loads are counted — after the locks are held, so under READ COMMITTED the count includes
   *    every assignment committed by whoever held them before us — and `chooseAgent` picks one;
   * 3. one statement writes the order's move (a fragment from orders: the UPDATE guarded by the
   *    status, its event, its outbox row), the agent's `last_assigned_at` (from network) and the
   *    agent's text with its alert (from notifications), all only if the move matched.
   *
   * With `agentText: 'claimed'` (the assignment job) the text is written already claimed for sending
   * and comes back in `text`: the caller sends it after the commit (`TextDelivery.deliver`); without,
   * it waits `queued` for the notifications queue. When the job had already run, `replayedTextKey`
   * names the text of the order's current assignment, for the caller to re-drive
   * (`TextDelivery.resend`: a crash after the commit, or a transient provider failure).
   */
  async autoAssign(
    ctx: RequestContext,
    orderId: string,
    job?: { consumer: string; key: string },
    opts: { agentText?: 'queued' | 'claimed' } = {},
  ): Promise<AutoAssignResult> {
    const none: AutoAssignResult = { agentId: null, text: null, replayedTextKey: null };
    return this.db.transaction(ctx, async (tx) => {
      const claim = job ? this.processed.claimSql(job.consumer, job.key, 2) : null;
      const [head] = await this.db.query<OrderHead>(
        tx,
        `WITH ${claim ? `j AS (${claim.sql}),` : ''}
         o AS (
           SELECT o.campus_id, o.region_id, o.number, o.fulfilment_type, o.address, o.payment_method, o.paid_at,
                  o.total_cents, (SELECT name FROM pickup_points p WHERE p.id = o.pickup_point_id) AS point_name,
                  EXISTS (SELECT 1 FROM order_lines l WHERE l.order_id = o.id AND l.requires_installation) AS install
             FROM orders o
            WHERE o.id = $1 AND o.status = 'confirmed' AND o.assigned_agent_id IS NULL
              AND NOT (o.fulfilment_type = 'counter' AND o.channel = 'pickup_point')
              ${claim ? 'AND EXISTS (SELECT 1 FROM j)' : ''}),
         ag AS (
           SELECT id FROM agents WHERE campus_id = (SELECT campus_id FROM o) AND status = 'active'
            ORDER BY id FOR UPDATE)
         SELECT ${claim ? 'EXISTS (SELECT 1 FROM j)' : 'true'} AS claimed, o.*,
                (SELECT count(*) FROM ag)::int AS agents, now() AS at,
                (SELECT assigned_at FROM orders WHERE id = $1 AND status = 'assigned') AS current_assigned_at
           FROM (SELECT 1) x LEFT JOIN o ON true`,
        [orderId, ...(claim?.params ?? [])],
      );
      if (!head.claimed) {
        const at = head.current_assigned_at;
        return { ...none, replayedTextKey: at ? agentTextKey(orderId, at) : null };
      }
      if (!head.campus_id) return none;
      const candidates = head.agents > 0 ? await this.loadsOf(tx, head.campus_id) : [];
      const chosen = chooseAgent(candidates);
      if (!chosen) {
        await this.orders.note(tx, orderId, 'assignment_pending', {
          campusId: head.campus_id,
          cause: 'no_active_agent',
        });
        return none;
      }
      const params = {
        number: head.number!,
        destination: head.fulfilment_type === 'delivery' ? (head.address ?? '') : (head.point_name ?? ''),
        collectCents: head.payment_method === 'cod' && !head.paid_at ? Number(head.total_cents) : 0,
        install: head.install ? 'yes' : '',
      };
      const key = agentTextKey(orderId, head.at);
      const moved = sql.raw('EXISTS (SELECT 1 FROM order_move)');
      const move = poolAssignMoveSql(tx, this.outbox, {
        orderId,
        agentId: chosen.id,
        data: { mode: 'auto', openDeliveries: chosen.openDeliveries, candidates: candidates.length },
      });
      const text = this.notifications.notifyStaffSql(
        {
          to: chosen.phone,
          template: 'agent_order_assigned',
          params,
          orderId,
          dedupeKey: key,
          alert: {
            kind: 'order_assigned',
            audience: 'user',
            userId: chosen.userId,
            regionId: head.region_id,
            subject: `新配送 ${params.number}`,
            body: render('agent_order_assigned', 'zh-CN', params),
            data: { orderId, agentId: chosen.id, ...params, install: params.install !== '' },
            dedupeKey: key,
          },
        },
        { when: moved, mode: opts.agentText ?? 'queued' },
      );
      const [row] = await this.db.query<
        { moved: boolean } & Partial<ClaimedText> & { status: string | null }
      >(
        tx,
        sql`WITH ${move}, ${markAgentAssignedSql(chosen.id, moved)}, ${text}
            SELECT ${moved} AS moved, t.id, t.to_phone, t.body, t.sealed_body, t.attempts, t.provider_id,
                   t.created_at, t.status
              FROM (SELECT 1) x LEFT JOIN staff_text t ON true`,
      );
      // The order moved on between the first statement and the move (cancelled, assigned by hand).
      if (!row.moved) return none;
      return {
        agentId: chosen.id,
        text: row.id && row.status === 'sending' ? (row as ClaimedText) : null,
        replayedTextKey: null,
      };
    });
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
   * The campus's active agents with their open deliveries and last assignment (and what their text
   * needs), in one statement run after their rows were locked (see autoAssign).
   */
  private async loadsOf(ctx: RequestContext, campusId: string): Promise<CandidateAgent[]> {
    const rows = await this.db.query<{
      id: string;
      last_assigned_at: Date | null;
      n: number;
      user_id: string;
      phone: string;
    }>(
      ctx,
      `SELECT a.id, a.last_assigned_at, a.user_id, a.phone,
              (SELECT count(*) FROM orders o WHERE o.assigned_agent_id = a.id AND o.status = ANY($2::text[]))::int AS n
         FROM agents a WHERE a.campus_id = $1 AND a.status = 'active' ORDER BY a.id`,
      [campusId, OPEN_DELIVERY_STATUSES],
      { prepare: 'fulfilment_agent_loads_2' },
    );
    return rows.map((a) => ({
      id: a.id,
      openDeliveries: a.n,
      lastAssignedAt: a.last_assigned_at,
      userId: a.user_id,
      phone: a.phone,
    }));
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
