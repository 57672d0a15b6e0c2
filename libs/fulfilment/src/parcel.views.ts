import { maskPhone } from '@campus/core';
import type { CompartmentRef, CompartmentSize } from '@campus/network';
import type { OrderView } from '@campus/orders';
import { resendsLeftToday } from './cash-up-policy';
import type { HeldParcelRow, LockerParcelRow, WaitingParcelRow } from './parcel.repository';

export interface ParcelView {
  id: string;
  orderId: string;
  orderNumber: string;
  pickupPointId: string;
  lockerId: string | null;
  compartment: { id: string; label: string; size: CompartmentSize } | null;
  state: 'held' | 'collected' | 'expired';
  depositedAt: Date;
  expiresAt: Date;
}

/** A parcel waiting at a pickup point, as its desk lists it. */
export interface WaitingParcelView extends ParcelView {
  lockerCode: string | null;
  /** The customer's number, masked (+86138****8000): enough to tell parcels apart, not to call. */
  maskedPhone: string;
  paymentMethod: string;
  totalCents: number;
  /** Cash to take at hand-out: the total of an unpaid COD order, else 0. */
  collectCents: number;
  /** Replacement codes that may still be sent today. */
  codeResendsLeft: number;
}

/** A replacement pickup code was texted. */
export interface CodeResentView {
  orderId: string;
  orderNumber: string;
  parcelId: string;
  /** The masked number the code went to. */
  sentTo: string;
  /** Replacement codes still allowed today for this parcel. */
  resendsLeft: number;
}

/** A collected order, with the compartment to open (null at a counter). */
export type PickedUp = OrderView & { compartment: { id: string; label: string } | null };

/** Where a parcel is collected: a locker (by compartment) or a pickup point's counter. */
export type PickupPlace = { kind: 'locker'; lockerId: string } | { kind: 'counter'; pickupPointId: string };

/** A waiting parcel as the desk shows it on Shanghai day `today` (for the resends left). */
export function toWaitingParcelView(r: WaitingParcelRow, today: string): WaitingParcelView {
  return {
    id: r.id,
    orderId: r.order_id,
    orderNumber: r.number,
    pickupPointId: r.pickup_point_id,
    lockerId: r.locker_id,
    lockerCode: r.locker_code,
    compartment: r.compartment_id ? { id: r.compartment_id, label: r.label!, size: r.size! } : null,
    state: 'held',
    depositedAt: r.deposited_at,
    expiresAt: r.expires_at,
    maskedPhone: maskPhone(r.customer_phone),
    paymentMethod: r.payment_method,
    totalCents: Number(r.total_cents),
    collectCents: r.payment_method === 'cod' && !r.paid_at ? Number(r.total_cents) : 0,
    codeResendsLeft: resendsLeftToday(r.code_resends, r.code_resend_day, today),
  };
}

export function toLockerParcelView(r: LockerParcelRow): ParcelView {
  return {
    id: r.id,
    orderId: r.order_id,
    orderNumber: r.number,
    pickupPointId: r.pickup_point_id,
    lockerId: r.locker_id,
    compartment: r.compartment_id ? { id: r.compartment_id, label: r.label!, size: r.size! } : null,
    state: r.state,
    depositedAt: r.deposited_at,
    expiresAt: r.expires_at,
  };
}

/** A parcel just deposited: its view and the data the order's `deposit` event records. */
export function depositedParcel(p: {
  parcelId: string;
  orderId: string;
  orderNumber: string;
  pickupPointId: string;
  locker: { id: string; code: string } | null;
  compartment: CompartmentRef | null;
  depositedAt: Date;
  expiresAt: Date;
}): { view: ParcelView; data: Record<string, unknown> } {
  const { locker, compartment } = p;
  return {
    view: {
      id: p.parcelId,
      orderId: p.orderId,
      orderNumber: p.orderNumber,
      pickupPointId: p.pickupPointId,
      lockerId: locker?.id ?? null,
      compartment,
      state: 'held',
      depositedAt: p.depositedAt,
      expiresAt: p.expiresAt,
    },
    data: {
      parcelId: p.parcelId,
      pickupPointId: p.pickupPointId,
      lockerId: locker?.id ?? null,
      lockerCode: locker?.code ?? null,
      compartmentId: compartment?.id ?? null,
      compartmentLabel: compartment?.label ?? null,
      size: compartment?.size ?? null,
      expiresAt: p.expiresAt.toISOString(),
    },
  };
}

/** "Dorm 3 lobby L1-S03" for a compartment, "Dorm 3 lobby" for the counter. */
export function placeName(point: string, lockerCode: string | null, label: string | null): string {
  return lockerCode && label ? `${point} ${lockerCode}-${label}` : point;
}

/** The place of a held parcel as an order event's data records it. */
export function whereOf(parcel: HeldParcelRow): Record<string, unknown> {
  return {
    parcelId: parcel.id,
    pickupPointId: parcel.pickup_point_id,
    lockerId: parcel.locker_id,
    lockerCode: parcel.locker_code,
    compartmentId: parcel.compartment_id,
    compartmentLabel: parcel.label,
  };
}
