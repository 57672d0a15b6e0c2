import type { Channel } from '@campus/core';
import type { OutboxEvent } from '@campus/queue';
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
  /** A coupon code the customer presented (agent codes too). */
  couponCode?: string | null;
  /** A sold-out flash sale: take the lines at the list price instead of refusing the order. */
  allowListPrice?: boolean;
  /** Extra facts for the "placed" event (e.g. the SMS quote it came from). */
  eventData?: Record<string, unknown>;
}

/** One discount on a line: a flash-sale price, a promotion, or a coupon (with its promotion). */
export interface LineDiscountView {
  source: 'flash_sale' | 'promotion' | 'coupon';
  id: string;
  promotionId: string | null;
  amountCents: number;
}

/**
 * A line with its price explained: lineTotal = quantity × listPrice − discount; unitPrice is the
 * flash-sale price (else the list price) before shared discounts; a gift line has unitPrice 0.
 */
export interface OrderLineView {
  sku: string;
  name: string;
  quantity: number;
  listPriceCents: number;
  unitPriceCents: number;
  discountCents: number;
  lineTotalCents: number;
  promotionId: string | null;
  flashSaleId: string | null;
  discounts: LineDiscountView[];
  requiresInstallation: boolean;
  installFeeCents: number;
  /** Units of this line that came back in received returns (after-sales); 0 ≤ returned ≤ quantity. */
  returnedQuantity: number;
}

/** An order line with its product's category (for commission rules). */
export interface OrderLineWithCategory {
  sku: string;
  category: string;
  quantity: number;
  unitPriceCents: number;
  lineTotalCents: number;
}

/** Units of some lines of a delivered order coming back (a received return request). */
export interface ReturnLinesCommand {
  /** The return request (after-sales) these lines belong to: refunds and events name it; once per order. */
  returnId: string;
  lines: readonly { sku: string; quantity: number }[];
  reason: string;
}

/** One line of a return as the order booked it: which line, how many units, what they refund. */
export interface ReturnedLine {
  /** 0-based position of the line in the order (line_no order): commission detail uses the same. */
  lineIndex: number;
  sku: string;
  name: string;
  quantity: number;
  /** Units of the line already returned before this return. */
  returnedBefore: number;
  lineQuantity: number;
  lineTotalCents: number;
  /** This return's share of the line total, exact to the fen (cumulative proration, so parts add up). */
  refundCents: number;
}

export interface ReturnLinesResult {
  order: OrderView;
  lines: ReturnedLine[];
  refundCents: number;
  refunds: { id: string; amountCents: number; method: string }[];
  /** Every unit of the order is back: the order moved to `returned`. */
  fullyReturned: boolean;
}

/** A recorded partial return of an order (from its timeline), as commissions needs it. */
export interface OrderLineReturn {
  returnId: string;
  lines: ReturnedLine[];
  fullyReturned: boolean;
  at: Date;
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
  /** Σ quantity × list price; totalCents = subtotalCents − discountCents. */
  subtotalCents: number;
  discountCents: number;
  totalCents: number;
  couponCode: string | null;
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

export interface PlaceResult {
  order: OrderView;
  /** True when the idempotency key had already produced this order. */
  replayed: boolean;
}

/** Something the caller should know about an order that went through (e.g. an attribution refused). */
export interface OrderNotice {
  code: 'agent_code_refused';
  detail: string;
  agentCode: string;
  reason: 'agent_suspended';
}

/** Columns other contexts may set on an order while moving it. */
export interface TransitionChanges {
  assignedAgentId?: string | null;
  /** Cash collected at the hand-off; a positive amount is also a receipt in the money ledger. */
  codCollectedCents?: number | null;
  /** `choose_cod`: an unpaid online order becomes cash on delivery. */
  paymentMethod?: 'cod';
}

export interface TransitionOptions {
  reason?: string | null;
  data?: Record<string, unknown>;
  set?: TransitionChanges;
  /** Extra checks on the locked order before the move (e.g. "only its assigned agent"). */
  guard?: (order: OrderView) => void;
  /** Further events to publish in the same transaction. */
  events?: (order: OrderView) => OutboxEvent[];
}
