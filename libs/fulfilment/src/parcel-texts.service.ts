import { Injectable } from '@nestjs/common';
import type { RequestContext } from '@campus/core';
import { NotificationsService } from '@campus/notifications';
import type { OrderView } from '@campus/orders';
import { campusTime } from './parcel-schedule';

type TextedOrder = Pick<OrderView, 'id' | 'number' | 'customer'>;

/**
 * The texts about a parcel waiting for pickup, each with the dedupe key that makes it go once.
 * `place` is the place's name as placeName() writes it.
 */
@Injectable()
export class ParcelTexts {
  constructor(private readonly notifications: NotificationsService) {}

  /** The customer's pickup code: where and until when. */
  async pickupCode(
    tx: RequestContext,
    order: TextedOrder,
    t: { place: string; code: string; until: Date; dedupeKey: string },
  ): Promise<void> {
    await this.notifications.send(tx, {
      to: order.customer.phone,
      template: 'pickup_code',
      params: { number: order.number, place: t.place, code: t.code, until: campusTime(t.until) },
      orderId: order.id,
      customerId: order.customer.id,
      dedupeKey: t.dedupeKey,
    });
  }

  /** The customer is reminded that the parcel still waits (once per reminder hour). */
  async reminder(
    tx: RequestContext,
    order: TextedOrder,
    t: { parcelId: string; hour: number; place: string; until: Date },
  ): Promise<void> {
    await this.notifications.send(tx, {
      to: order.customer.phone,
      template: 'pickup_reminder',
      params: { number: order.number, place: t.place, until: campusTime(t.until) },
      orderId: order.id,
      customerId: order.customer.id,
      dedupeKey: `pickup_reminder:${t.parcelId}:${t.hour}`,
    });
  }

  /** An expired parcel: the delivering agent takes the goods back. */
  async retrieve(
    tx: RequestContext,
    agentPhone: string,
    order: TextedOrder,
    t: { parcelId: string; place: string },
  ): Promise<void> {
    await this.notifications.send(tx, {
      to: agentPhone,
      template: 'parcel_retrieve',
      params: { number: order.number, place: t.place },
      orderId: order.id,
      dedupeKey: `parcel_retrieve:${t.parcelId}`,
    });
  }

  /** An expired parcel: the customer is told it went back. */
  async returned(
    tx: RequestContext,
    order: TextedOrder,
    t: { parcelId: string; place: string },
  ): Promise<void> {
    await this.notifications.send(tx, {
      to: order.customer.phone,
      template: 'parcel_returned',
      params: { number: order.number, place: t.place },
      orderId: order.id,
      customerId: order.customer.id,
      dedupeKey: `parcel_returned:${t.parcelId}`,
    });
  }
}
