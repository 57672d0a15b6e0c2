import { Injectable } from '@nestjs/common';
import { AppConfig, InjectConfig, RequestContext } from '@campus/core';
import {
  ConsumesEvent,
  event,
  JobEnvelope,
  JobHandler,
  OutboxService,
  ProcessedJobs,
  QueueName,
} from '@campus/queue';
import { orderFacts } from '../order-facts';
import { OrderService } from '../order.service';

/**
 * The reminder of an unpaid online order, halfway through its payment window; it does nothing if the
 * order was paid or cancelled meanwhile and acts at most once however often it is delivered. The
 * other kind of `order.payment_timer`, the expiry, is decided by the payments context (which first
 * asks the provider whether the order was paid after all).
 */
@Injectable()
@ConsumesEvent(QueueName.Orders, 'order.payment_timer')
export class PaymentReminderProcessor implements JobHandler<'order.payment_timer'> {
  constructor(
    private readonly orders: OrderService,
    private readonly outbox: OutboxService,
    private readonly processed: ProcessedJobs,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  async handle(ctx: RequestContext, job: JobEnvelope<'order.payment_timer'>): Promise<void> {
    const { orderId, kind } = job.payload;
    if (kind !== 'reminder') return;
    await this.processed.once(ctx, 'payment-timer:reminder', orderId, async (tx) => {
      const order = await this.orders.find(tx, orderId, { lock: true });
      if (!order || order.status !== 'pending_payment') return;
      const minutesLeft = Math.max(1, Math.ceil(this.config.paymentWindowMinutes / 2));
      await this.outbox.append(tx, [
        event('order.payment_reminder', { ...orderFacts(order), minutesLeft }, { aggregateId: orderId }),
      ]);
      await this.orders.note(tx, orderId, 'payment_reminder', { minutesLeft });
    });
  }
}
