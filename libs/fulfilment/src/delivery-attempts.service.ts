import { Injectable } from '@nestjs/common';
import {
  AppConfig,
  BusinessRuleError,
  Clock,
  decodeCursor,
  DEFAULT_PAGE_SIZE,
  IllegalTransitionError,
  InjectConfig,
  NotFoundError,
  Page,
  RequestContext,
  toPage,
} from '@campus/core';
import { Db, SqlParams } from '@campus/database';
import { orderStateMachine, OrderService, OrderView } from '@campus/orders';
import { WrongFulfilmentError } from './fulfilment.errors';

export const FAILED_ATTEMPT_REASONS = ['unreachable', 'refused', 'wrong_address', 'other'] as const;
export type FailedAttemptReason = (typeof FAILED_ATTEMPT_REASONS)[number];

/** Failed attempts after which a COD order may be cancelled as undeliverable. */
export const ATTEMPTS_BEFORE_CANCEL = 2;

export interface FailedAttemptsView {
  orderId: string;
  attempts: {
    id: string;
    reason: FailedAttemptReason;
    note: string | null;
    agentId: string | null;
    at: Date;
  }[];
  /** True once the order may be cancelled as undeliverable (a COD order with enough failed attempts). */
  mayCancel: boolean;
}

export interface UnclaimedCodItem {
  order: OrderView;
  failedAttempts: number;
  /** Hours since the order was placed (by the app's clock). */
  ageHours: number;
}

/**
 * Cash-on-delivery orders nobody receives (issue 17.4). The assigned agent records each failed door
 * delivery (customer unreachable, refused, wrong address); after the second, the agent or a manager
 * may cancel the order as undeliverable — the order state machine's `abandon`, its stock back, the
 * customer texted. Managers see COD orders still not delivered COD_CONFIRM_HOURS after placement.
 */
@Injectable()
export class DeliveryAttemptsService {
  constructor(
    private readonly db: Db,
    private readonly orders: OrderService,
    private readonly clock: Clock,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  /** The assigned agent, at the door, could not hand the order over (another agent's order: 404). */
  async recordFailure(
    ctx: RequestContext,
    orderId: string,
    input: { reason: FailedAttemptReason; note?: string },
  ): Promise<FailedAttemptsView> {
    return this.db.transaction(ctx, async (tx) => {
      const order = await this.orders.find(tx, orderId, { lock: true });
      if (!order || (ctx.is('agent') && order.assignedAgentId !== ctx.principal.agentId)) {
        throw new NotFoundError('order', orderId);
      }
      if (order.fulfillment.type !== 'delivery') {
        throw new WrongFulfilmentError(
          order.fulfillment.type,
          'fail at the door; it waits at a pickup point',
        );
      }
      if (order.status !== 'out_for_delivery') {
        throw new IllegalTransitionError('order', order.status, 'record_failed_attempt');
      }
      await this.db.query(
        tx,
        `INSERT INTO delivery_attempts (order_id, agent_id, reason, note, recorded_by_id, recorded_by_role)
         VALUES ($1, $2, $3, $4, $5, $6)`,
        [orderId, order.assignedAgentId, input.reason, input.note ?? null, ctx.actorId, ctx.role],
      );
      const view = await this.attempts(tx, order);
      await this.orders.note(tx, orderId, 'delivery_failed', {
        attempt: view.attempts.length,
        reason: input.reason,
        note: input.note ?? null,
        agentId: order.assignedAgentId,
      });
      return view;
    });
  }

  /** The failed attempts of an order in the caller's scope. */
  async list(ctx: RequestContext, orderId: string): Promise<FailedAttemptsView> {
    return this.attempts(ctx, await this.orders.get(ctx, orderId));
  }

  /**
   * Cancels a COD order its agent could not deliver: the assigned agent, or a manager of its region
   * (admins too), after ATTEMPTS_BEFORE_CANCEL failed attempts (422 `delivery_attempts_needed`
   * before). Not COD: 422 `not_cod` (a paid order is refunded through after-sales instead).
   */
  async cancelUndeliverable(ctx: RequestContext, orderId: string, reason: string): Promise<OrderView> {
    return this.db.transaction(ctx, async (tx) => {
      const order = await this.orders.find(tx, orderId, { lock: true });
      if (!order || (ctx.is('agent') && order.assignedAgentId !== ctx.principal.agentId)) {
        throw new NotFoundError('order', orderId);
      }
      if (order.paymentMethod !== 'cod') {
        throw new BusinessRuleError(
          'not_cod',
          'Only a cash-on-delivery order is cancelled as undeliverable; a paid order goes back through a return',
          { paymentMethod: order.paymentMethod },
        );
      }
      const { attempts } = await this.attempts(tx, order);
      if (attempts.length < ATTEMPTS_BEFORE_CANCEL) {
        throw new BusinessRuleError(
          'delivery_attempts_needed',
          `Record ${ATTEMPTS_BEFORE_CANCEL} failed delivery attempts before cancelling (${attempts.length} so far)`,
          { attempts: attempts.length, needed: ATTEMPTS_BEFORE_CANCEL },
        );
      }
      return this.orders.transition(tx, orderId, 'abandon', {
        reason,
        data: { failedAttempts: attempts.length, agentId: order.assignedAgentId },
      });
    });
  }

  /**
   * COD orders still not in the customer's hands (confirmed, assigned or out for delivery)
   * COD_CONFIRM_HOURS after they were placed, oldest first: the manager's list to follow up (call
   * the customer, reassign, cancel). Managers see their region; admins and the call centre all.
   */
  async unclaimed(
    ctx: RequestContext,
    q: { limit?: number; cursor?: string },
  ): Promise<Page<UnclaimedCodItem>> {
    const params = new SqlParams([
      new Date(this.clock.now().getTime() - this.config.codConfirmHours * 3_600_000),
    ]);
    const where = [
      `o.payment_method = 'cod'`,
      `o.status IN ('confirmed', 'assigned', 'out_for_delivery')`,
      `o.created_at <= $1::timestamptz`,
    ];
    if (ctx.is('regional_manager')) {
      where.push(`o.region_id = ${params.add(ctx.principal.regionId)}`);
    } else if (!ctx.is('admin', 'call_center', 'system')) {
      where.push('FALSE');
    }
    if (q.cursor) {
      const [at, id] = decodeCursor(q.cursor, ['string', 'string']);
      where.push(`(o.created_at, o.id) > (${params.add(at)}::timestamptz, ${params.add(id)}::uuid)`);
    }
    const limit = q.limit ?? DEFAULT_PAGE_SIZE;
    const rows = await this.db.query<{ id: string; cursor_at: string; attempts: number }>(
      ctx,
      `SELECT o.id, o.created_at::text AS cursor_at,
              (SELECT count(*)::int FROM delivery_attempts a WHERE a.order_id = o.id) AS attempts
         FROM orders o WHERE ${where.join(' AND ')}
        ORDER BY o.created_at, o.id LIMIT ${limit + 1}`,
      params,
    );
    const page = toPage(rows, limit, (r) => [r.cursor_at, r.id]);
    const now = this.clock.now().getTime();
    const items: UnclaimedCodItem[] = [];
    for (const r of page.items) {
      const order = await this.orders.get(ctx, r.id);
      items.push({
        order,
        failedAttempts: r.attempts,
        ageHours: Math.floor((now - order.createdAt.getTime()) / 3_600_000),
      });
    }
    return { items, nextCursor: page.nextCursor };
  }

  private async attempts(ctx: RequestContext, order: OrderView): Promise<FailedAttemptsView> {
    const rows = await this.db.query<{
      id: string;
      reason: FailedAttemptReason;
      note: string | null;
      agent_id: string | null;
      created_at: Date;
    }>(
      ctx,
      `SELECT id, reason, note, agent_id, created_at FROM delivery_attempts WHERE order_id = $1 ORDER BY id`,
      [order.id],
    );
    return {
      orderId: order.id,
      attempts: rows.map((r) => ({
        id: String(r.id),
        reason: r.reason,
        note: r.note,
        agentId: r.agent_id,
        at: r.created_at,
      })),
      mayCancel:
        order.paymentMethod === 'cod' &&
        orderStateMachine.can(order.status, 'abandon') &&
        rows.length >= ATTEMPTS_BEFORE_CANCEL,
    };
  }
}
