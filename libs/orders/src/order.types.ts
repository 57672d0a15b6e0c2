import type { Channel } from '@campus/core';
import type { OrderStatus } from './order-state-machine';

export const FULFILMENT_TYPES = ['delivery', 'locker', 'counter'] as const;
export type FulfilmentType = (typeof FULFILMENT_TYPES)[number];
export const PAYMENT_METHODS = ['online', 'cod', 'counter'] as const;
export type PaymentMethod = (typeof PAYMENT_METHODS)[number];

/** What every channel turns its input into. `OrderService.place` is the only way an order is made. */
export interface PlaceOrderCommand {
  channel: Channel;
  customer: { id: string; phone: string };
  lines: readonly { sku: string; quantity: number }[];
  fulfilment: {
    type: FulfilmentType;
    regionId: string;
    campusId: string;
    pickupPointId: string | null;
    address: string | null;
  };
  paymentMethod: PaymentMethod;
  /** The attributed agent (earns the commission), if any. */
  agentId: string | null;
  note: string | null;
  /** Claimed for the calling principal; the hash is of the request as the client sent it. */
  idempotency: { key: string; requestHash: string };
  /** Extra facts for the "placed" event (e.g. the SMS quote it came from). */
  eventData?: Record<string, unknown>;
}

export interface OrderLineView {
  sku: string;
  name: string;
  quantity: number;
  unitPriceCents: number;
  lineTotalCents: number;
  requiresInstallation: boolean;
  installFeeCents: number;
}

/** An order line with its product's category (for commission rules). */
export interface OrderLineWithCategory {
  sku: string;
  category: string;
  quantity: number;
  unitPriceCents: number;
  lineTotalCents: number;
}

export interface OrderView {
  id: string;
  number: string;
  channel: Channel;
  status: OrderStatus;
  customer: { id: string; phone: string };
  agentId: string | null;
  assignedAgentId: string | null;
  regionId: string;
  campusId: string;
  lines: OrderLineView[];
  totalCents: number;
  paymentMethod: PaymentMethod;
  fulfillment: {
    type: FulfilmentType;
    pickupPointId: string | null;
    campusId: string;
    address: string | null;
  };
  note: string | null;
  codCollectedCents: number | null;
  createdById: string;
  createdAt: Date;
  updatedAt: Date;
  paidAt: Date | null;
  assignedAt: Date | null;
  dispatchedAt: Date | null;
  deliveredAt: Date | null;
  completedAt: Date | null;
  cancelledAt: Date | null;
  returnedAt: Date | null;
  /** When an unpaid online order is cancelled unless paid (null once paid, or for other orders). */
  paymentDueAt: Date | null;
}

export interface OrderEventView {
  id: string;
  type: string;
  fromStatus: OrderStatus | null;
  toStatus: OrderStatus | null;
  actor: { id: string | null; role: string | null };
  channel: string | null;
  reason: string | null;
  at: Date;
  data: Record<string, unknown>;
}
