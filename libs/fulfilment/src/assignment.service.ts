import { Injectable } from '@nestjs/common';
import { NotFoundError, RequestContext } from '@campus/core';
import { Db } from '@campus/database';
import { AgentsService } from '@campus/network';
import { NotificationsService, render } from '@campus/notifications';
import { OrderService, OrderView } from '@campus/orders';
import { ProcessedJobs } from '@campus/queue';
import { AgentLoad, chooseAgent, OPEN_DELIVERY_STATUSES } from './assignment-policy';
import { AgentUnavailableError } from './fulfilment.errors';

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
  ) {}

  /**
   * Gives a confirmed, unassigned order to the least-loaded active agent of its campus. Without an
   * active agent the order stays confirmed and unassigned (the manager's pool) and its timeline says
   * why. Does nothing to orders that were assigned, moved on or need no agent. Returns the agent id.
   *
   * `job` is the consumer's idempotency record (processed_jobs), claimed in the first statement —
   * which also decides whether the order waits for an agent and locks the campus's active agents
   * (issue 18: the old peek, claim and lock were four round trips). The loads are counted in the
   * next statement, so under READ COMMITTED they include every assignment committed by whoever held
   * the agent locks before us. Returns null as well when the job had already run.
   */
  async autoAssign(
    ctx: RequestContext,
    orderId: string,
    job?: { consumer: string; key: string },
  ): Promise<string | null> {
    return this.db.transaction(ctx, async (tx) => {
      const claim = job ? this.processed.claimSql(job.consumer, job.key, 2) : null;
      const [head] = await this.db.query<{ claimed: boolean; campus_id: string | null; agents: number }>(
        tx,
        `WITH ${claim ? `j AS (${claim.sql}),` : ''}
         o AS (
           SELECT campus_id FROM orders
            WHERE id = $1 AND status = 'confirmed' AND assigned_agent_id IS NULL
              AND NOT (fulfilment_type = 'counter' AND channel = 'pickup_point')
              ${claim ? 'AND EXISTS (SELECT 1 FROM j)' : ''}),
         ag AS (
           SELECT id FROM agents WHERE campus_id = (SELECT campus_id FROM o) AND status = 'active'
            ORDER BY id FOR UPDATE)
         SELECT ${claim ? 'EXISTS (SELECT 1 FROM j)' : 'true'} AS claimed, (SELECT campus_id FROM o) AS campus_id,
                (SELECT count(*) FROM ag)::int AS agents`,
        [orderId, ...(claim?.params ?? [])],
      );
      if (!head.claimed || !head.campus_id) return null;
      const candidates = head.agents > 0 ? await this.loadsOf(tx, head.campus_id) : [];
      const chosen = chooseAgent(candidates);
      if (!chosen) {
        await this.orders.note(tx, orderId, 'assignment_pending', {
          campusId: head.campus_id,
          cause: 'no_active_agent',
        });
        return null;
      }
      await this.assignTo(tx, orderId, chosen.id, {
        mode: 'auto',
        openDeliveries: chosen.openDeliveries,
        candidates: candidates.length,
      });
      return chosen.id;
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
   * The campus's active agents with their open deliveries and last assignment, in one statement run
   * after their rows were locked (see autoAssign).
   */
  private async loadsOf(ctx: RequestContext, campusId: string): Promise<AgentLoad[]> {
    const rows = await this.db.query<{ id: string; last_assigned_at: Date | null; n: number }>(
      ctx,
      `SELECT a.id, a.last_assigned_at,
              (SELECT count(*) FROM orders o WHERE o.assigned_agent_id = a.id AND o.status = ANY($2::text[]))::int AS n
         FROM agents a WHERE a.campus_id = $1 AND a.status = 'active' ORDER BY a.id`,
      [campusId, OPEN_DELIVERY_STATUSES],
      { prepare: 'fulfilment_agent_loads' },
    );
    return rows.map((a) => ({ id: a.id, openDeliveries: a.n, lastAssignedAt: a.last_assigned_at }));
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
    const key = `agent_assigned:order:${order.id}:${order.assignedAt!.toISOString()}`;
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
