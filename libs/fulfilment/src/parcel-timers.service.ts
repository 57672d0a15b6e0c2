import { Injectable } from '@nestjs/common';
import { AppConfig, InjectConfig, RequestContext } from '@campus/core';
import { Db } from '@campus/database';
import { CompartmentRepository } from '@campus/network';
import { OrderService } from '@campus/orders';
import { ParcelTexts } from './parcel-texts.service';
import { ParcelRepository } from './parcel.repository';
import { placeName, whereOf } from './parcel.views';

/**
 * The timers of a held parcel (outbox events scheduled at deposit): reminders, then the expiry.
 * Each acts only while the parcel is still held, under its row lock; a parcel collected meanwhile
 * makes them no-ops.
 */
@Injectable()
export class ParcelTimers {
  constructor(
    private readonly db: Db,
    private readonly parcels: ParcelRepository,
    private readonly orders: OrderService,
    private readonly compartments: CompartmentRepository,
    private readonly texts: ParcelTexts,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  /** Reminder timer: texts the customer if the parcel still waits; otherwise nothing. */
  async remind(ctx: RequestContext, parcelId: string, hour: number): Promise<boolean> {
    return this.db.transaction(ctx, async (tx) => {
      const parcel = await this.parcels.lockHeld(tx, parcelId);
      if (!parcel) return false;
      const order = (await this.orders.find(tx, parcel.order_id))!;
      await this.texts.reminder(tx, order, {
        parcelId,
        hour,
        place: placeName(parcel.point_name, parcel.locker_code, parcel.label),
        until: parcel.expires_at,
      });
      await this.orders.note(tx, order.id, 'pickup_reminder', { parcelId, hour });
      return true;
    });
  }

  /**
   * Expiry timer: an uncollected parcel's order is returned (`expire`: stock released), its
   * compartment freed, the delivering agent texted to take the goods back and the customer told.
   * A parcel collected meanwhile is left alone.
   */
  async expire(ctx: RequestContext, parcelId: string): Promise<boolean> {
    return this.db.transaction(ctx, async (tx) => {
      const parcel = await this.parcels.lockHeld(tx, parcelId);
      if (!parcel) return false;
      await this.parcels.close(tx, parcel.id, 'expired');
      if (parcel.compartment_id) {
        await this.compartments.release(tx, parcel.compartment_id, parcel.order_id);
      }
      const place = placeName(parcel.point_name, parcel.locker_code, parcel.label);
      const order = await this.orders.transition(tx, parcel.order_id, 'expire', {
        reason: `not collected within ${this.config.lockerHoldHours} hours`,
        data: whereOf(parcel),
      });
      const agentPhone = order.assignedAgentId
        ? await this.parcels.agentPhone(tx, order.assignedAgentId)
        : null;
      if (agentPhone) await this.texts.retrieve(tx, agentPhone, order, { parcelId, place });
      await this.texts.returned(tx, order, { parcelId, place });
      return true;
    });
  }
}
