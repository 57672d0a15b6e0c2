import { Injectable } from '@nestjs/common';
import { AppConfig, InjectConfig, RequestContext } from '@campus/core';
import { ConsumesEvent, JobEnvelope, JobHandler, QueueName } from '@campus/queue';
import { NotificationsService } from '../notifications.service';

/** Tells the customer their order was taken (with the payment deadline for online orders). */
@Injectable()
@ConsumesEvent(QueueName.Notifications, 'order.placed')
export class OrderPlacedTextProcessor implements JobHandler<'order.placed'> {
  constructor(
    private readonly notifications: NotificationsService,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  async handle(ctx: RequestContext, job: JobEnvelope<'order.placed'>): Promise<void> {
    const o = job.payload;
    // An SMS order was just confirmed in the reply to the customer's own text.
    if (o.channel === 'sms') return;
    await this.notifications.send(ctx, {
      to: o.customerPhone,
      template: 'order_placed',
      params: {
        number: o.number,
        totalCents: o.totalCents,
        paymentMethod: o.paymentMethod,
        minutes: this.config.paymentWindowMinutes,
      },
      orderId: o.orderId,
      customerId: o.customerId,
      dedupeKey: `order.placed:${job.outboxId}`,
    });
  }
}
