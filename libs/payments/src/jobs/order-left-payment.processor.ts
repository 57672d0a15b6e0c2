import { Injectable } from '@nestjs/common';
import type { RequestContext } from '@campus/core';
import { Db } from '@campus/database';
import { ConsumesEvent, JobEnvelope, JobHandler, QueueName } from '@campus/queue';
import { AttemptsRepository } from '../attempts.repository';
import { PaymentAttemptsService } from '../payment-attempts.service';

/**
 * An order that can no longer be paid (cancelled by the customer or staff, paid another way) closes
 * its open attempts, so the customer cannot pay an open cashier page for nothing. The deadline,
 * `choose_cod` and payments close them in their own transaction already; this catches every other path.
 */
@Injectable()
@ConsumesEvent(QueueName.Payments, 'order.status_changed')
export class OrderLeftPaymentProcessor implements JobHandler<'order.status_changed'> {
  constructor(
    private readonly db: Db,
    private readonly attempts: AttemptsRepository,
    private readonly payments: PaymentAttemptsService,
  ) {}

  async handle(ctx: RequestContext, job: JobEnvelope<'order.status_changed'>): Promise<void> {
    const { action, orderId } = job.payload;
    if (action !== 'cancel' && action !== 'pay') return;
    await this.db.transaction(ctx, async (tx) => {
      const open = await this.attempts.openOf(tx, orderId);
      await this.payments.closeAttempts(
        tx,
        open.map((a) => a.id),
        action === 'cancel' ? 'order_cancelled' : 'order_paid',
      );
    });
  }
}
