import { Injectable } from '@nestjs/common';
import { RequestContext } from '@campus/core';
import { Db } from '@campus/database';
import { ADMIN_INBOX, AlertsService, NotificationsService, render } from '@campus/notifications';
import { ConsumesEvent, JobEnvelope, JobHandler, QueueName } from '@campus/queue';
import { SalesFootprintService } from '@campus/reports';

/**
 * One low-stock crossing tells the admins (their inbox in the message log, and an alert) and the
 * managers of every region that sells the product (an alert each): the regions with orders of it
 * in the last 90 days, or every region when it has not sold lately. Composed here because the
 * alerts belong to notifications, which may not read orders (DESIGN.md §3); "where it sells" is a
 * read-only query of reports. Every write is keyed by the outbox id, so a redelivery adds nothing.
 */
@Injectable()
@ConsumesEvent(QueueName.Notifications, 'stock.low')
export class LowStockAlertsProcessor implements JobHandler<'stock.low'> {
  constructor(
    private readonly db: Db,
    private readonly notifications: NotificationsService,
    private readonly alerts: AlertsService,
    private readonly footprint: SalesFootprintService,
  ) {}

  async handle(ctx: RequestContext, job: JobEnvelope<'stock.low'>): Promise<void> {
    const s = job.payload;
    const params = { sku: s.sku, name: s.name, available: s.available, threshold: s.threshold };
    const where = await this.footprint.regionsSelling(ctx, s.productId);
    const body = render('low_stock', 'zh-CN', params);
    const alert = {
      kind: 'low_stock',
      subject: `库存预警 ${s.sku}`,
      body,
      data: { productId: s.productId, ...params, regionIds: where.regionIds, basis: where.basis },
    };
    await this.db.transaction(ctx, async (tx) => {
      await this.notifications.send(tx, {
        to: ADMIN_INBOX,
        template: 'low_stock',
        language: 'zh-CN',
        params,
        dedupeKey: `stock.low:${job.outboxId}`,
      });
      await this.alerts.raise(tx, {
        ...alert,
        audience: 'admins',
        dedupeKey: `stock.low:${job.outboxId}:admins`,
      });
      for (const regionId of where.regionIds) {
        await this.alerts.raise(tx, {
          ...alert,
          audience: 'region',
          regionId,
          dedupeKey: `stock.low:${job.outboxId}:region:${regionId}`,
        });
      }
    });
  }
}
