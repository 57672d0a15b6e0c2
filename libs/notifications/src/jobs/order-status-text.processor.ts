import { Injectable } from '@nestjs/common';
import { RequestContext } from '@campus/core';
import { ConsumesEvent, JobEnvelope, JobHandler, QueueName } from '@campus/queue';
import { TextDelivery } from '../text-delivery.service';
import { TemplateName } from '../templates';

/** Which order moves the customer hears about, and with which text. */
const TEXT_FOR_ACTION: Record<string, TemplateName | undefined> = {
  cancel: 'order_cancelled',
  abandon: 'order_cancelled',
  dispatch: 'out_for_delivery',
  deliver: 'delivered',
  pickup: 'delivered',
  hand_over: 'delivered',
};

/**
 * Keeps the customer informed at each step ("opaque delivery" is a conversion killer). The text is
 * written and sent from this job (TextDelivery.sendNow: two statements, no second outbox hop).
 */
@Injectable()
@ConsumesEvent(QueueName.Notifications, 'order.status_changed')
export class OrderStatusTextProcessor implements JobHandler<'order.status_changed'> {
  constructor(private readonly texts: TextDelivery) {}

  async handle(ctx: RequestContext, job: JobEnvelope<'order.status_changed'>): Promise<void> {
    const o = job.payload;
    const template = TEXT_FOR_ACTION[o.action];
    if (!template) return;
    // Counter sales handed over at the desk need no "delivered" text.
    if (o.action === 'hand_over') return;
    // A customer who cancelled by text already got the answer in the SMS reply.
    if (o.action === 'cancel' && o.channel === 'sms' && o.actorRole === 'customer') return;
    await this.texts.sendNow(
      ctx,
      {
        to: o.customerPhone,
        template,
        params: {
          number: o.number,
          totalCents: o.totalCents,
          paymentMethod: o.paymentMethod,
          reason: o.reason,
        },
        orderId: o.orderId,
        customerId: o.customerId,
        dedupeKey: `order.status_changed:${job.outboxId}`,
      },
      job,
    );
  }
}
