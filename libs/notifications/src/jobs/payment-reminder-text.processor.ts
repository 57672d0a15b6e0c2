import { Injectable } from '@nestjs/common';
import { RequestContext } from '@campus/core';
import { ConsumesEvent, JobEnvelope, JobHandler, QueueName } from '@campus/queue';
import { NotificationsService } from '../notifications.service';

/** Reminds the customer of an unpaid order (a reminder: not sent to opted-out numbers). */
@Injectable()
@ConsumesEvent(QueueName.Notifications, 'order.payment_reminder')
export class PaymentReminderTextProcessor implements JobHandler<'order.payment_reminder'> {
  constructor(private readonly notifications: NotificationsService) {}

  async handle(ctx: RequestContext, job: JobEnvelope<'order.payment_reminder'>): Promise<void> {
    const o = job.payload;
    await this.notifications.send(ctx, {
      to: o.customerPhone,
      template: 'payment_reminder',
      params: { number: o.number, totalCents: o.totalCents, minutes: o.minutesLeft },
      orderId: o.orderId,
      customerId: o.customerId,
      dedupeKey: `order.payment_reminder:${job.outboxId}`,
    });
  }
}
