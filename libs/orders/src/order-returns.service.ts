import { Injectable } from '@nestjs/common';
import {
  ConflictError,
  IllegalTransitionError,
  NotFoundError,
  RequestContext,
  ValidationError,
} from '@campus/core';
import { StockService } from '@campus/catalog';
import { PricingService } from '@campus/pricing';
import { Db } from '@campus/database';
import { event, OutboxEvent, OutboxService } from '@campus/queue';
import { MoneyLedgerRepository } from './money-ledger.repository';
import { allocateReturn, planPartialRefund } from './money-policy';
import { orderFacts } from './order-facts';
import { OrderMovesService } from './order-moves.service';
import { OrderRepository } from './order.repository';
import type { OrderLineReturn, ReturnLinesCommand, ReturnLinesResult } from './order.types';

/** Units of a delivered order coming back (after-sales returns): stock, pricing and money follow. */
@Injectable()
export class OrderReturnsService {
  constructor(
    private readonly db: Db,
    private readonly repo: OrderRepository,
    private readonly moves: OrderMovesService,
    private readonly stock: StockService,
    private readonly pricing: PricingService,
    private readonly outbox: OutboxService,
    private readonly money: MoneyLedgerRepository,
  ) {}

  /**
   * Some units of a delivered (or completed) order came back (a received return request), in the
   * caller's transaction, on the locked order: the lines' returned quantities grow, those units go
   * back on the shelf (catalog), their flash-sale units are released (pricing), and their share of the
   * lines' totals (exact to the fen) is refunded the way the money came — Alipay → `refund.requested`,
   * cash → `refund.cash_owed`, owed by whoever holds the cash. The timeline gets `lines_returned` and
   * the outbox `order.lines_returned` (commissions reverses those lines only). When every unit of the
   * order is back, the order moves to `returned` through the `return` move (which restocks and
   * refunds what is left, so the parts add up exactly). Once per `returnId` (409 otherwise).
   */
  async returnLines(
    ctx: RequestContext,
    orderId: string,
    cmd: ReturnLinesCommand,
  ): Promise<ReturnLinesResult> {
    return this.db.transaction(ctx, async (tx) => {
      const order = await this.repo.find(tx, orderId, { lock: true });
      if (!order) throw new NotFoundError('order', orderId);
      if (order.status !== 'delivered' && order.status !== 'completed') {
        throw new IllegalTransitionError('order', order.status, 'return');
      }
      if (await this.repo.returnBooked(tx, orderId, cmd.returnId)) {
        throw new ConflictError('return_already_booked', `Return ${cmd.returnId} was already booked`);
      }
      const allocation = allocateReturn(order.lines, cmd.lines);
      if (!allocation.ok) throw new ValidationError(allocation.errors);
      const lines = allocation.lines;
      const refundCents = lines.reduce((sum, l) => sum + l.refundCents, 0);
      const remaining = order.lines.reduce((n, l) => n + l.quantity - l.returnedQuantity, 0);
      const fullyReturned = lines.reduce((n, l) => n + l.quantity, 0) === remaining;
      const facts = { returnId: cmd.returnId, lines, refundCents, fullyReturned };

      let refunds: ReturnLinesResult['refunds'];
      const events: OutboxEvent[] = [];
      if (fullyReturned) {
        // The whole move restocks and refunds what is still out (quantity − returned), so the order's
        // earlier partial returns are not counted twice.
        await this.moves.transition(tx, orderId, 'return', { reason: cmd.reason, data: facts });
        refunds = await this.repo.lastReturnRefunds(tx, orderId);
      } else {
        const products = await this.repo.lineProducts(tx, orderId);
        await this.stock.move(
          tx,
          lines.map((l) => ({ productId: products[l.lineIndex], onHand: l.quantity, reserved: 0 })),
          { kind: 'restocked', reason: `order ${order.number}: return ${cmd.returnId}`, orderId },
        );
        await this.pricing.release(tx, orderId, lines);
        const planned = planPartialRefund(await this.money.balances(tx, orderId), refundCents);
        // The lines' share never exceeds what was paid for them: a shortfall is a bug, not a customer error.
        if (!planned)
          throw new RangeError(`order ${order.number}: the receipts hold less than ${refundCents} fen`);
        const written = await this.money.insertRefunds(tx, order, planned, {
          cause: 'return',
          reason: `${cmd.reason} (return ${cmd.returnId})`,
        });
        refunds = planned.map((p, i) => ({
          id: written.ids[i],
          amountCents: p.amountCents,
          method: p.method,
        }));
        events.push(...written.events);
        await this.repo.addReturned(tx, orderId, lines);
      }
      const after = (await this.repo.find(tx, orderId))!;
      await this.moves.note(tx, orderId, 'lines_returned', { ...facts, refunds, reason: cmd.reason });
      events.push(
        event(
          'order.lines_returned',
          {
            ...orderFacts(after),
            returnId: cmd.returnId,
            lines: lines.map((l) => ({
              lineIndex: l.lineIndex,
              sku: l.sku,
              quantity: l.quantity,
              returnedBefore: l.returnedBefore,
              lineQuantity: l.lineQuantity,
              refundCents: l.refundCents,
            })),
            refundCents,
            fullyReturned,
            statusAtReturn: order.status,
            reason: cmd.reason,
          },
          { aggregateId: orderId },
        ),
      );
      await this.outbox.append(tx, events);
      return { order: after, lines, refundCents, refunds, fullyReturned };
    });
  }

  /** The partial returns booked on an order, oldest first (system use: commissions reverses them). */
  lineReturns(ctx: RequestContext, orderId: string): Promise<OrderLineReturn[]> {
    return this.repo.lineReturns(ctx, orderId);
  }
}
