import { Injectable } from '@nestjs/common';
import { RequestContext } from '@campus/core';
import { NotificationsService } from '@campus/notifications';
import { OrderEventView, OrderService } from '@campus/orders';

/**
 * An order's timeline as the desks read it: its events (orders) and the texts sent about it
 * (notifications' message log, masked: numbers shortened, one-time codes hidden), in time order.
 * Composed here because orders may not import notifications (DESIGN.md §3). A customer sees only
 * the texts sent to their own number, not the agent's.
 */
@Injectable()
export class OrderTimelineService {
  constructor(
    private readonly orders: OrderService,
    private readonly notifications: NotificationsService,
  ) {}

  async timeline(ctx: RequestContext, orderId: string, opts: { texts: boolean }): Promise<OrderEventView[]> {
    if (!opts.texts) return this.orders.events(ctx, orderId);
    const order = await this.orders.get(ctx, orderId);
    const events = await this.orders.events(ctx, orderId);
    const texts = await this.notifications.textsForOrder(
      ctx,
      orderId,
      ctx.is('customer') ? { to: order.customer.phone } : {},
    );
    const entries: OrderEventView[] = [
      ...events,
      ...texts.map((t): OrderEventView => ({
        id: t.id,
        type: 'text',
        fromStatus: null,
        toStatus: null,
        actor: { id: null, role: 'system' },
        channel: 'sms',
        reason: null,
        at: t.createdAt,
        data: { template: t.template, to: t.to, body: t.body, status: t.status, language: t.language },
      })),
    ];
    // Stable: events keep their order among themselves, a text follows the event that caused it.
    return entries
      .map((e, i) => ({ e, i }))
      .sort((a, b) => a.e.at.getTime() - b.e.at.getTime() || a.i - b.i)
      .map(({ e }) => e);
  }
}
