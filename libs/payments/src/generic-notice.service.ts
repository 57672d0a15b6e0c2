import { Injectable } from '@nestjs/common';
import { BusinessRuleError, RequestContext } from '@campus/core';
import { MoneyLedgerService, OrderStatus } from '@campus/orders';
import { PaymentNoticeDto } from './dto/payment-notice.dto';
import { AmountMismatchError } from './payments.errors';

export interface PaymentOutcome {
  /** applied: the order is now confirmed; duplicate: this notice was seen before (nothing done);
   *  refund_required: money arrived for an order that can no longer take it (a refund was written). */
  status: 'applied' | 'duplicate' | 'refund_required';
  orderId: string;
  orderStatus: OrderStatus;
}

/**
 * The adapter for other payment providers: `POST /api/payments/notify`, HMAC-signed (checked by the
 * API before this runs). One receipt per provider reference makes replays harmless; the order is
 * locked while deciding. Money for an order that can no longer take it gets a refund row (`manual`:
 * paid back through that provider by finance, then marked paid out).
 */
@Injectable()
export class GenericNoticeService {
  constructor(private readonly ledger: MoneyLedgerService) {}

  async notify(ctx: RequestContext, notice: PaymentNoticeDto): Promise<PaymentOutcome> {
    const outcome = await this.ledger.receive(
      ctx,
      {
        orderId: notice.orderId,
        method: 'notice',
        providerRef: notice.providerRef,
        amountCents: notice.amountCents,
        paidAt: new Date(notice.paidAt),
        allowCodPrepay: false,
      },
      (order) => {
        if (order.paymentMethod !== 'online') {
          throw new BusinessRuleError('not_an_online_order', `Order ${order.number} is not paid online`);
        }
        if (notice.amountCents !== order.totalCents)
          throw new AmountMismatchError(order.totalCents, notice.amountCents);
      },
    );
    return { status: outcome.status, orderId: outcome.orderId, orderStatus: outcome.orderStatus };
  }
}
