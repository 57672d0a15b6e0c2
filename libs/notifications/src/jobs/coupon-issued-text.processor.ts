import { Injectable } from '@nestjs/common';
import { RequestContext, shanghaiIso } from '@campus/core';
import { ConsumesEvent, JobEnvelope, JobHandler, QueueName } from '@campus/queue';
import { NotificationsService } from '../notifications.service';

/** "yyyy-mm-dd hh:mm" in campus time (Asia/Shanghai, UTC+8 all year). */
function campusTime(iso: string): string {
  return shanghaiIso(new Date(iso)).slice(0, 16).replace('T', ' ');
}

/**
 * Texts an issued coupon code to its customer. A marketing text: a number that sent STOP gets it
 * logged as suppressed, never sent.
 */
@Injectable()
@ConsumesEvent(QueueName.Notifications, 'coupon.issued')
export class CouponIssuedTextProcessor implements JobHandler<'coupon.issued'> {
  constructor(private readonly notifications: NotificationsService) {}

  async handle(ctx: RequestContext, job: JobEnvelope<'coupon.issued'>): Promise<void> {
    const c = job.payload;
    await this.notifications.send(ctx, {
      to: c.phone,
      template: 'coupon_issued',
      params: { name: c.promotionName, code: c.code, until: campusTime(c.endsAt) },
      dedupeKey: `coupon.issued:${job.outboxId}`,
    });
  }
}
