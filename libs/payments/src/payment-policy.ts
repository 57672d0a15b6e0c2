import { ValidationError } from '@campus/core';
import type { OrderView } from '@campus/orders';
import { MethodNotForRoleError, OrderNotPayableError, PaymentWindowClosedError } from './payments.errors';
import type { AttemptMethod, AttemptRow } from './payment-attempt.types';

/** How long a QR code shown at the door stays payable. */
export const QR_MINUTES = 15;
/** A cashier URL or QR code is offered only with at least this much time left to pay. */
export const MIN_TIME_LEFT_MS = 60_000;
/** An open attempt is handed out again only while it has this much time left. */
export const REUSE_MARGIN_MS = 2 * 60_000;

/** Who starts which payment: the customer on a phone (WAP) or desktop (page), the agent at the door (QR). */
export function checkMethodForRole(method: AttemptMethod, role: string): void {
  const allowed = method === 'alipay_qr' ? role === 'agent' : role === 'customer';
  if (!allowed) throw new MethodNotForRoleError(method, role);
}

/**
 * Whether the order can be paid by `method` now, and until when the attempt may live: an unpaid
 * online order until its payment deadline; for a QR at the door, an unpaid cash-on-delivery order
 * out for delivery to a door, for QR_MINUTES.
 */
export function payableUntil(order: OrderView, method: AttemptMethod, now: Date): Date {
  if (method === 'alipay_qr') {
    const payable =
      order.paymentMethod === 'cod' &&
      order.status === 'out_for_delivery' &&
      order.fulfillment.type === 'delivery' &&
      order.paidAt === null &&
      order.codCollectedCents === null;
    if (!payable) {
      throw new OrderNotPayableError(
        method,
        order.status,
        'Only an unpaid cash-on-delivery order out for delivery to a door can be paid by QR code',
      );
    }
    return new Date(now.getTime() + QR_MINUTES * 60_000);
  }
  if (order.status !== 'pending_payment' || order.paymentMethod !== 'online') {
    throw new OrderNotPayableError(
      method,
      order.status,
      `Order ${order.number} is ${order.status}, not waiting for payment`,
    );
  }
  const due = order.paymentDueAt;
  if (!due || due.getTime() - now.getTime() < MIN_TIME_LEFT_MS)
    throw new PaymentWindowClosedError(due ?? now);
  return due;
}

/** An open attempt can be handed out again (same method, same way back, time left). */
export function reusable(attempt: AttemptRow, returnUrl: string | null, now: Date): boolean {
  return (
    attempt.status === 'open' &&
    attempt.return_url === returnUrl &&
    attempt.expires_at.getTime() - now.getTime() >= REUSE_MARGIN_MS
  );
}

/**
 * Where Alipay sends the customer back: a URL on our own site (same origin as PUBLIC_BASE_URL, so
 * the cashier cannot be turned into an open redirect), by default the shop's page of the order.
 */
export function returnUrlFor(publicBaseUrl: string, orderId: string, given?: string): string {
  const base = new URL(publicBaseUrl);
  if (given === undefined) return `${publicBaseUrl}/shop/orders/${orderId}`;
  let url: URL;
  try {
    url = new URL(given, base);
  } catch {
    throw ValidationError.field('returnUrl', 'must be a URL');
  }
  if (url.origin !== base.origin || !/^https?:$/.test(url.protocol)) {
    throw ValidationError.field('returnUrl', `must be on ${base.origin}`);
  }
  url.hash = '';
  return url.toString();
}

/** Our trade number: the order's number and a random tail (Alipay: 1–64 letters, digits, "_"). */
export function outTradeNoFor(orderNumber: string, random: string): string {
  return `${orderNumber.replace(/[^A-Za-z0-9]/g, '')}_${random}`.slice(0, 64);
}
