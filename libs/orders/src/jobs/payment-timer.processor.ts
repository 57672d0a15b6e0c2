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
import { OrderService, orderFacts } from '../order.service';

/**
 * The two timers of an unpaid online order: a reminder halfway through the payment window and
 * cancellation (with stock release) at its end. Both do nothing if the order was paid or cancelled
 * meanwhile, and each acts at most once however often it is delivered.
 */
@Injectable()
@ConsumesEvent(QueueName.Orders, 'order.payment_timer')
export class PaymentTimerProcessor implements JobHandler<'order.payment_timer'> {
  constructor(
    private readonly orders: OrderService,
    private readonly outbox: OutboxService,
    private readonly processed: ProcessedJobs,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  async handle(ctx: RequestContext, job: JobEnvelope<'order.payment_timer'>): Promise<void> {
    const { orderId, kind } = job.payload;
    await this.processed.once(ctx, `payment-timer:${kind}`, orderId, async (tx) => {
      const order = await this.orders.find(tx, orderId, { lock: true });
      if (!order || order.status !== 'pending_payment') return;
      if (kind === 'reminder') {
        const minutesLeft = Math.max(1, Math.ceil(this.config.paymentWindowMinutes / 2));
        await this.outbox.append(tx, [
          event('order.payment_reminder', { ...orderFacts(order), minutesLeft }, { aggregateId: orderId }),
        ]);
        await this.orders.note(tx, orderId, 'payment_reminder', { minutesLeft });
      } else {
        await this.orders.transition(tx, orderId, 'cancel', {
          reason: 'payment window expired',
          data: { cause: 'unpaid_timeout' },
        });
      }
    });
  }
}
