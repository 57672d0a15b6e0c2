import { Injectable } from '@nestjs/common';
import { BusinessRuleError, ConflictError, NotFoundError, RequestContext } from '@campus/core';
import { Db, pgErrorCode } from '@campus/database';
import { PaymentNoticeDto } from './dto/payment-notice.dto';
import { OrderService } from './order.service';
import type { OrderStatus } from './order-state-machine';

export interface PaymentOutcome {
  /** applied: the order is now confirmed; duplicate: this notice was seen before (nothing done);
   *  refund_required: money arrived for an order that can no longer take it (cancelled, paid twice). */
  status: 'applied' | 'duplicate' | 'refund_required';
  orderId: string;
  orderStatus: OrderStatus;
}

export class AmountMismatchError extends BusinessRuleError {
  constructor(expected: number, got: number) {
    super('amount_mismatch', `The order total is ${expected} cents; the notice says ${got}`, {
      expected,
      got,
    });
  }
}

/**
 * Payment notices from the provider (already authenticated by its signature). One row per provider
 * reference makes replays harmless; the order is locked while deciding, so two notices for one order
 * cannot both confirm it.
 */
@Injectable()
export class PaymentsService {
  constructor(
    private readonly db: Db,
    private readonly orders: OrderService,
  ) {}

  async notify(ctx: RequestContext, notice: PaymentNoticeDto): Promise<PaymentOutcome> {
    const sys = ctx.asSystem();
    try {
      return await this.db.transaction(sys, async (tx) => {
        const order = await this.orders.find(tx, notice.orderId, { lock: true });
        if (!order) throw new NotFoundError('order', notice.orderId);
        const seen = await this.db.query<{ order_id: string; amount_cents: string }>(
          tx,
          `SELECT order_id, amount_cents FROM payments WHERE provider_ref = $1`,
          [notice.providerRef],
        );
        if (seen[0]) return this.replay(seen[0], notice, order.status);
        if (order.paymentMethod !== 'online') {
          throw new BusinessRuleError('not_an_online_order', `Order ${order.number} is not paid online`);
        }
        if (notice.amountCents !== order.totalCents)
          throw new AmountMismatchError(order.totalCents, notice.amountCents);

        const applies = order.status === 'pending_payment';
        await this.db.query(
          tx,
          `INSERT INTO payments (provider_ref, order_id, amount_cents, paid_at, outcome) VALUES ($1, $2, $3, $4, $5)`,
          [
            notice.providerRef,
            order.id,
            notice.amountCents,
            notice.paidAt,
            applies ? 'applied' : 'refund_required',
          ],
        );
        if (applies) {
          const paid = await this.orders.transition(tx, order.id, 'pay', {
            data: { providerRef: notice.providerRef, amountCents: notice.amountCents, paidAt: notice.paidAt },
          });
          return { status: 'applied', orderId: order.id, orderStatus: paid.status };
        }
        await this.orders.note(tx, order.id, 'payment_refund_required', {
          providerRef: notice.providerRef,
          amountCents: notice.amountCents,
          statusWhenPaid: order.status,
        });
        return { status: 'refund_required', orderId: order.id, orderStatus: order.status };
      });
    } catch (err) {
      // The same reference arriving twice at the same moment: the second sees the first's row.
      if (pgErrorCode(err) === '23505') return this.notify(ctx, notice);
      throw err;
    }
  }

  private replay(
    seen: { order_id: string; amount_cents: string },
    notice: PaymentNoticeDto,
    status: OrderStatus,
  ): PaymentOutcome {
    if (seen.order_id !== notice.orderId || Number(seen.amount_cents) !== notice.amountCents) {
      throw new ConflictError(
        'provider_ref_reused',
        `Payment ${notice.providerRef} was already recorded for another order or amount`,
      );
    }
    return { status: 'duplicate', orderId: notice.orderId, orderStatus: status };
  }
}
