import { Injectable, Logger } from '@nestjs/common';
import { Clock, RequestContext } from '@campus/core';
import { OrderService } from '@campus/orders';
import {
  ConsumesEvent,
  event,
  JobEnvelope,
  JobHandler,
  OutboxService,
  ProcessedJobs,
  QueueName,
} from '@campus/queue';
import { PaymentAttemptsService } from '../payment-attempts.service';

/** Minutes until the next look when Alipay could not be asked, by how often it was put off already. */
export function deferralMinutes(deferrals: number): number {
  return Math.min(60, 2 ** Math.min(deferrals, 6));
}

/**
 * The payment deadline of an unpaid online order (`order.payment_timer`, kind `expiry`; the orders
 * queue sends the reminder). The decision is PaymentAttemptsService.expire: Alipay is asked first, the
 * order is cancelled only once it answered for every open attempt and none is paid. While it cannot be
 * asked, the job fails and Bull retries it with backoff; after the last try the expiry is put off by a
 * new timer (2, 4, 8 … at most 60 minutes later), so the order is never cancelled blindly.
 */
@Injectable()
@ConsumesEvent(QueueName.Payments, 'order.payment_timer')
export class PaymentExpiryProcessor implements JobHandler<'order.payment_timer'> {
  private readonly log = new Logger(PaymentExpiryProcessor.name);

  constructor(
    private readonly payments: PaymentAttemptsService,
    private readonly orders: OrderService,
    private readonly outbox: OutboxService,
    private readonly processed: ProcessedJobs,
    private readonly clock: Clock,
  ) {}

  async handle(ctx: RequestContext, job: JobEnvelope<'order.payment_timer'>): Promise<void> {
    const { orderId, kind } = job.payload;
    if (kind !== 'expiry') return;
    const outcome = await this.payments.expire(ctx, orderId);
    if (outcome !== 'unreachable') {
      // The deadline is decided for good (a later delivery finds the order no longer pending).
      await this.processed.once(ctx, 'payment-timer:expiry', orderId, async () => undefined);
      return;
    }
    if (!job.lastAttempt)
      throw new Error(`order ${orderId}: Alipay could not be asked before cancelling; retrying`);
    const deferrals = (job.payload.deferrals ?? 0) + 1;
    const retryAt = new Date(this.clock.now().getTime() + deferralMinutes(deferrals) * 60_000);
    this.log.warn(
      `order ${orderId}: Alipay unreachable at the payment deadline; looking again at ${retryAt.toISOString()}`,
    );
    await this.processed.once(ctx, 'payments:expiry-deferred', job.outboxId, async (tx) => {
      await this.outbox.append(tx, [
        event(
          'order.payment_timer',
          { orderId, kind: 'expiry', deferrals },
          { aggregateId: orderId, availableAt: retryAt },
        ),
      ]);
      await this.orders.note(tx, orderId, 'payment_check_deferred', {
        deferrals,
        retryAt: retryAt.toISOString(),
      });
    });
  }
}
