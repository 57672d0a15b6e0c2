import { divideRounded } from '@campus/core';
import type { OrderStatus } from './order-state-machine';
import type { PaymentMethod, ReturnedLine } from './order.types';

/** How money reached an order: a provider's notice, an Alipay trade, cash at the door, a counter sale. */
export const RECEIPT_METHODS = ['notice', 'alipay', 'cash', 'counter'] as const;
export type ReceiptMethod = (typeof RECEIPT_METHODS)[number];

/**
 * How a refund goes back: through Alipay (automatic), in cash by whoever holds the cash, or by hand
 * through another provider's own console (`manual`, for money that came by the generic notice).
 */
export const REFUND_METHODS = ['alipay', 'cash', 'manual'] as const;
export type RefundMethod = (typeof REFUND_METHODS)[number];

export const REFUND_STATUSES = ['pending', 'succeeded', 'failed', 'owed', 'paid_out'] as const;
export type RefundStatus = (typeof REFUND_STATUSES)[number];

/**
 * Why a refund exists: the order left the book after money came in, money came too late, or a
 * complaint was settled with money back (`compensation`, an after-sales ticket resolved).
 */
export const REFUND_CAUSES = [
  'cancel',
  'return',
  'expire',
  'late_payment',
  'duplicate_payment',
  'compensation',
] as const;
export type RefundCause = (typeof REFUND_CAUSES)[number];

export interface CashHolder {
  agentId: string | null;
  pickupPointId: string | null;
}

/** A receipt as the refund planner needs it, with what its refunds (failed ones aside) already took. */
export interface ReceiptBalance {
  paymentId: string;
  method: ReceiptMethod;
  amountCents: number;
  refundedCents: number;
  holder: CashHolder;
  providerRef: string;
}

export interface PlannedRefund {
  paymentId: string;
  amountCents: number;
  method: RefundMethod;
  /** `pending` for Alipay (the payments queue executes it), `owed` for cash and manual refunds. */
  status: 'pending' | 'owed';
  holder: CashHolder | null;
  providerRef: string;
}

/** The refund that pays back (part of) a receipt the way the money came. */
export function refundMethodFor(method: ReceiptMethod): RefundMethod {
  if (method === 'alipay') return 'alipay';
  if (method === 'cash' || method === 'counter') return 'cash';
  return 'manual';
}

/**
 * The refunds that give back everything still held of an order's receipts: one per receipt with
 * money left on it, for what is left. Later partial refunds (some lines) take less and leave the rest.
 */
export function planFullRefund(receipts: readonly ReceiptBalance[]): PlannedRefund[] {
  return receipts
    .filter((r) => r.amountCents - r.refundedCents > 0)
    .map((r) => {
      const method = refundMethodFor(r.method);
      return {
        paymentId: r.paymentId,
        amountCents: r.amountCents - r.refundedCents,
        method,
        status: method === 'alipay' ? 'pending' : 'owed',
        holder: method === 'cash' ? r.holder : null,
        providerRef: r.providerRef,
      };
    });
}

/**
 * The share of a line's total that `quantity` returned units refund, when `before` units of it came
 * back already: cumulative proration (the total of all units returned so far, minus what earlier
 * returns took), rounded half-up once, so the parts of a line returned in several goes add up to the
 * line total exactly, to the fen.
 */
export function returnedShareCents(
  lineTotalCents: number,
  lineQuantity: number,
  before: number,
  quantity: number,
): number {
  if (quantity <= 0 || before < 0 || before + quantity > lineQuantity) {
    throw new RangeError(`cannot return ${quantity} of ${lineQuantity} units (${before} back already)`);
  }
  const upTo = (n: number) => divideRounded(lineTotalCents * n, lineQuantity);
  return upTo(before + quantity) - upTo(before);
}

/** The order as the receipt decision needs it. */
export interface PayableOrder {
  status: OrderStatus;
  paymentMethod: PaymentMethod;
  totalCents: number;
  paidAt: Date | null;
  codCollectedCents: number | null;
}

/** Before delivery, an unpaid cash-on-delivery order may still be paid online (an Alipay QR at the door). */
const COD_PREPAYABLE: readonly OrderStatus[] = ['confirmed', 'assigned', 'out_for_delivery'];

export type ReceiptDecision =
  { kind: 'pay' } | { kind: 'prepay_cod' } | { kind: 'refund'; cause: 'late_payment' | 'duplicate_payment' };

/**
 * What money arriving for an order does: it pays an unpaid online order (the full total), or an
 * unpaid COD order before delivery (no cash to collect any more); otherwise the order cannot take it
 * (cancelled, already paid, delivered, another amount) and it is owed back.
 */
export function decideReceipt(
  order: PayableOrder,
  amountCents: number,
  allowCodPrepay: boolean,
): ReceiptDecision {
  const fullAmount = amountCents === order.totalCents;
  if (fullAmount && order.status === 'pending_payment' && order.paymentMethod === 'online')
    return { kind: 'pay' };
  if (
    fullAmount &&
    allowCodPrepay &&
    order.paymentMethod === 'cod' &&
    order.paidAt === null &&
    order.codCollectedCents === null &&
    COD_PREPAYABLE.includes(order.status)
  ) {
    return { kind: 'prepay_cod' };
  }
  return { kind: 'refund', cause: order.paidAt !== null ? 'duplicate_payment' : 'late_payment' };
}

/** Moves that take an order out of the book and give back whatever it received. */
export const REFUNDING_ACTIONS = ['cancel', 'return', 'expire'] as const;
export type RefundingAction = (typeof REFUNDING_ACTIONS)[number];

/** Cash still to collect for an order at its hand-off: a COD order not already paid online. */
export function cashDueCents(order: {
  paymentMethod: PaymentMethod;
  paidAt: Date | null;
  totalCents: number;
}): number {
  return order.paymentMethod === 'cod' && order.paidAt === null ? order.totalCents : 0;
}

/**
 * The refunds that give back `amountCents` of an order's receipts, taken from the receipts in the
 * order they came (each the way its money came), never more than a receipt still holds. Null when the
 * receipts hold less than that (nothing is planned then).
 */
export function planPartialRefund(
  receipts: readonly ReceiptBalance[],
  amountCents: number,
): PlannedRefund[] | null {
  let left = amountCents;
  const planned: PlannedRefund[] = [];
  for (const full of planFullRefund(receipts)) {
    if (left <= 0) break;
    const take = Math.min(full.amountCents, left);
    planned.push({ ...full, amountCents: take });
    left -= take;
  }
  return left > 0 ? null : planned;
}

/** What an order's receipts still hold (received minus refunds that were not failed), in fen. */
export function refundableCents(receipts: readonly ReceiptBalance[]): number {
  return receipts.reduce((sum, r) => sum + Math.max(0, r.amountCents - r.refundedCents), 0);
}

/** An order line as the return allocation needs it (line_no order). */
export interface ReturnableLine {
  sku: string;
  name: string;
  quantity: number;
  returnedQuantity: number;
  lineTotalCents: number;
}

/**
 * Which lines of an order `requested` units come from (units of one SKU fill its lines in order, as
 * far as each has units not yet returned) and what each refunds; or the fields at fault (an SKU not
 * in the order, more units than are still there to return).
 */
export function allocateReturn(
  lines: readonly ReturnableLine[],
  requested: readonly { sku: string; quantity: number }[],
): { ok: true; lines: ReturnedLine[] } | { ok: false; errors: { field: string; message: string }[] } {
  const errors: { field: string; message: string }[] = [];
  const taken = lines.map(() => 0);
  requested.forEach((r, i) => {
    if (!Number.isInteger(r.quantity) || r.quantity <= 0) {
      errors.push({ field: `lines[${i}].quantity`, message: 'must be a whole number above 0' });
      return;
    }
    const idx = lines.map((l, j) => (l.sku === r.sku ? j : -1)).filter((j) => j >= 0);
    if (idx.length === 0) {
      errors.push({ field: `lines[${i}].sku`, message: `${r.sku} is not in this order` });
      return;
    }
    let left = r.quantity;
    for (const j of idx) {
      const free = lines[j].quantity - lines[j].returnedQuantity - taken[j];
      const take = Math.min(free, left);
      if (take > 0) {
        taken[j] += take;
        left -= take;
      }
    }
    if (left > 0) {
      errors.push({
        field: `lines[${i}].quantity`,
        message: `only ${r.quantity - left} unit(s) of ${r.sku} can still be returned`,
      });
    }
  });
  if (errors.length) return { ok: false, errors };
  const out = lines.flatMap((l, j) =>
    taken[j] > 0
      ? [
          {
            lineIndex: j,
            sku: l.sku,
            name: l.name,
            quantity: taken[j],
            returnedBefore: l.returnedQuantity,
            lineQuantity: l.quantity,
            lineTotalCents: l.lineTotalCents,
            refundCents: returnedShareCents(l.lineTotalCents, l.quantity, l.returnedQuantity, taken[j]),
          },
        ]
      : [],
  );
  return { ok: true, lines: out };
}
