import { Injectable } from '@nestjs/common';
import { AppConfig, InjectConfig, RequestContext } from '@campus/core';
import { ConsumesEvent, JobEnvelope, JobHandler, QueueName } from '@campus/queue';
import { TextDelivery } from '../text-delivery.service';

/** Channels where staff keyed the order for the customer, who then pays online from a texted link. */
const STAFF_CHANNELS = new Set(['phone', 'agent', 'pickup_point']);

/**
 * Tells the customer their order was taken (with the payment deadline for online orders). An online
 * order keyed by staff (call centre, agent, counter) carries the link to pay it in the shop, since
 * the customer never saw a checkout. Opted-out numbers get neither (logged as suppressed).
 * The text is written and sent from this job (two statements, no `notification.requested` hop).
 */
@Injectable()
@ConsumesEvent(QueueName.Notifications, 'order.placed')
export class OrderPlacedTextProcessor implements JobHandler<'order.placed'> {
  constructor(
    private readonly texts: TextDelivery,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  async handle(ctx: RequestContext, job: JobEnvelope<'order.placed'>): Promise<void> {
    const o = job.payload;
    // An SMS order was just confirmed in the reply to the customer's own text.
    if (o.channel === 'sms') return;
    const payByLink = o.paymentMethod === 'online' && STAFF_CHANNELS.has(o.channel);
    await this.texts.sendNow(
      ctx,
      {
        to: o.customerPhone,
        template: payByLink ? 'order_payment_link' : 'order_placed',
        params: {
          number: o.number,
          totalCents: o.totalCents,
          paymentMethod: o.paymentMethod,
          minutes: this.config.paymentWindowMinutes,
          link: `${this.config.publicBaseUrl}/shop/orders/${o.orderId}`,
        },
        orderId: o.orderId,
        customerId: o.customerId,
        dedupeKey: `order.placed:${job.outboxId}`,
      },
      job,
    );
  }
}
