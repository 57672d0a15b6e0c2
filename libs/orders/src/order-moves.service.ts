import { Injectable } from '@nestjs/common';
import { Clock, NotFoundError, RequestContext } from '@campus/core';
import { StockDelta, StockService } from '@campus/catalog';
import { PricingService } from '@campus/pricing';
import { Db } from '@campus/database';
import { event, OutboxEvent, OutboxService } from '@campus/queue';
import { MoneyLedgerRepository } from './money-ledger.repository';
import { planFullRefund, REFUNDING_ACTIONS, RefundingAction } from './money-policy';
import { orderFacts } from './order-facts';
import { OrderRepository } from './order.repository';
import {
  ACTION_TIMESTAMPS,
  OrderAction,
  orderStateMachine,
  STATUS_TIMESTAMPS,
  STOCK_EFFECTS,
} from './order-state-machine';
import type { OrderView, TransitionOptions } from './order.types';

type StockEffect = NonNullable<(typeof STOCK_EFFECTS)[OrderAction]>;

/**
 * An order's moves through its lifecycle and its timeline. Every move consults the one transition
 * table and writes the state change, its stock and money effects, its OrderEvent and its outbox
 * event in one transaction.
 */
@Injectable()
export class OrderMovesService {
  constructor(
    private readonly db: Db,
    private readonly repo: OrderRepository,
    private readonly stock: StockService,
    private readonly pricing: PricingService,
    private readonly outbox: OutboxService,
    private readonly money: MoneyLedgerRepository,
    private readonly clock: Clock,
  ) {}

  /**
   * Moves an order one step through its lifecycle. Locks the order (within the caller's scope: else
   * 404), asks the state machine (illegal → 409 with the current status), applies the move's stock
   * effect, and writes the OrderEvent and the outbox event, all in one transaction.
   */
  async transition(
    ctx: RequestContext,
    id: string,
    action: OrderAction,
    opts: TransitionOptions = {},
  ): Promise<OrderView> {
    return this.db.transaction(ctx, async (tx) => {
      const before = await this.repo.find(tx, id, { lock: true });
      if (!before) throw new NotFoundError('order', id);
      const to = orderStateMachine.next(before.status, action);
      opts.guard?.(before);

      // A move never changes the lines (a whole return only marks them returned, below): the order
      // after the move is the UPDATE's answer with the lines read under the lock (issue 18).
      const lines =
        action === 'return'
          ? before.lines.map((l) => ({ ...l, returnedQuantity: l.quantity }))
          : before.lines;
      const stamp = ACTION_TIMESTAMPS[action] ?? STATUS_TIMESTAMPS[to] ?? null;
      const after = await this.repo.applyMove(tx, id, { status: to, stamp, set: opts.set }, lines);

      const effect = STOCK_EFFECTS[action];
      if (effect) {
        await this.stock.move(tx, await this.stockDeltas(tx, id, effect), {
          kind: effect === 'consume' ? 'consumed' : 'restocked',
          reason: `order ${before.number}: ${action}`,
          orderId: id,
        });
        // Cancelled or returned as a whole: its coupon use, promotion uses and sale units go back.
        if (effect !== 'consume') await this.pricing.release(tx, id);
      }
      if (action === 'return') await this.repo.markAllReturned(tx, id);

      const money = await this.moneyEffects(tx, after, action, opts);
      const data = money.refunds.length
        ? { ...(opts.data ?? {}), refunds: money.refunds }
        : (opts.data ?? {});
      await this.repo.insertEvent(tx, id, {
        type: action,
        fromStatus: before.status,
        toStatus: to,
        channel: after.channel,
        reason: opts.reason ?? null,
        data,
      });
      await this.outbox.append(tx, [
        event(
          'order.status_changed',
          {
            ...orderFacts(after),
            action,
            fromStatus: before.status,
            toStatus: to,
            actorId: ctx.actorId,
            actorRole: ctx.role,
            reason: opts.reason ?? null,
            data,
          },
          { aggregateId: id },
        ),
        ...money.events,
        ...(opts.events?.(after) ?? []),
      ]);
      return after;
    });
  }

  /**
   * An unpaid cash-on-delivery order paid online before its hand-off (an Alipay QR shown at the door):
   * `paid_at` is set and the timeline says how; the payment method stays `cod` (as placed) and the
   * hand-off then collects nothing. Inside the caller's transaction, on an order it has locked.
   */
  async recordPrepayment(ctx: RequestContext, orderId: string, data: Record<string, unknown>): Promise<void> {
    await this.repo.markPrepaid(ctx, orderId);
    await this.note(ctx, orderId, 'cod_paid_online', data);
  }

  /** Appends a non-status entry to an order's timeline (texts in and out, notes). */
  async note(
    ctx: RequestContext,
    orderId: string,
    type: string,
    data: Record<string, unknown>,
    channel: string | null = null,
  ): Promise<void> {
    await this.repo.insertEvent(ctx, orderId, { type, channel, data });
  }

  /**
   * The money side of a move, in its transaction: cash collected at a hand-off is a receipt (held by
   * the delivering agent, or by the pickup point for cash taken at a counter or locker); a move that
   * takes the order out of the book (cancel, return, a parcel sent back) writes a refund for every
   * fen it still holds, the way the money came (DESIGN.md: the refund commits with the state change).
   */
  private async moneyEffects(
    tx: RequestContext,
    order: OrderView,
    action: OrderAction,
    opts: TransitionOptions,
  ): Promise<{ refunds: { id: string; amountCents: number; method: string }[]; events: OutboxEvent[] }> {
    const cash = opts.set?.codCollectedCents;
    if (cash && cash > 0) {
      await this.money.insertReceipt(tx, {
        orderId: order.id,
        method: 'cash',
        providerRef: `cash:${order.id}`,
        amountCents: cash,
        paidAt: this.clock.now(),
        outcome: 'applied',
        holder:
          action === 'deliver'
            ? { agentId: order.assignedAgentId, pickupPointId: null }
            : { agentId: null, pickupPointId: order.fulfillment.pickupPointId },
        data: { action },
      });
    }
    if (!(REFUNDING_ACTIONS as readonly string[]).includes(action)) return { refunds: [], events: [] };
    const planned = planFullRefund(await this.money.balances(tx, order.id));
    const { ids, events } = await this.money.insertRefunds(tx, order, planned, {
      cause: action as RefundingAction,
      reason: opts.reason ?? action,
    });
    return {
      refunds: planned.map((p, i) => ({ id: ids[i], amountCents: p.amountCents, method: p.method })),
      events,
    };
  }

  /**
   * The stock effect of a move on the units still out: units that came back in partial returns are
   * on the shelf already, so a later whole return restocks only what is left.
   */
  private async stockDeltas(tx: RequestContext, orderId: string, effect: StockEffect): Promise<StockDelta[]> {
    const lines = await this.repo.outstandingLines(tx, orderId);
    return lines.map((l) => ({
      productId: l.productId,
      onHand: effect === 'consume' ? -l.quantity : effect === 'restock' ? l.quantity : 0,
      reserved: effect === 'restock' ? 0 : -l.quantity,
    }));
  }
}
