import { Injectable } from '@nestjs/common';
import { RequestContext } from '@campus/core';
import { ConsumesEvent, JobEnvelope, JobHandler, QueueName } from '@campus/queue';
import { ADMIN_INBOX, NotificationsService } from '../notifications.service';

/** One alert per crossing below the threshold, to the admins' inbox in the message log. */
@Injectable()
@ConsumesEvent(QueueName.Notifications, 'stock.low')
export class LowStockAlertProcessor implements JobHandler<'stock.low'> {
  constructor(private readonly notifications: NotificationsService) {}

  async handle(ctx: RequestContext, job: JobEnvelope<'stock.low'>): Promise<void> {
    const s = job.payload;
    await this.notifications.send(ctx, {
      to: ADMIN_INBOX,
      template: 'low_stock',
      language: 'zh-CN',
      params: { sku: s.sku, name: s.name, available: s.available, threshold: s.threshold },
      dedupeKey: `stock.low:${job.outboxId}`,
    });
  }
}
