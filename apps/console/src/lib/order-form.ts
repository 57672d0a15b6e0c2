import type { FieldPath } from '../api/problem';
import { normalizePhone } from './phone';

export const MAX_QUANTITY = 999;
export const MAX_LINES = 50;

export type FulfilmentType = 'delivery' | 'locker' | 'counter';
export type PaymentMethod = 'online' | 'cod' | 'counter';

/** The new-order form's values; field names mirror the API's body so its errors land on them. */
export interface OrderFormValues {
  customer?: { phone?: string; name?: string };
  lines?: { sku?: string; quantity?: number | null }[];
  fulfillment?: { type?: FulfilmentType; campusId?: string; address?: string; pickupPointId?: string };
  paymentMethod?: PaymentMethod;
  agentCode?: string;
  /** A coupon or agent code the customer read out. */
  couponCode?: string;
  note?: string;
}

export interface OrderFormOptions {
  /** Staff key orders for someone (call centre): the customer's phone is required. */
  needsCustomer: boolean;
  /** Payment methods this desk may use (pickup staff alone may take payment at the counter). */
  paymentMethods: readonly PaymentMethod[];
}

/** A field at fault, with an i18n key for its message. */
export interface FormError {
  name: FieldPath;
  message: string;
}

const blank = (s: string | undefined) => !s || !s.trim();

/** What the browser can check before sending (the API checks it all again). */
export function validateOrderForm(v: OrderFormValues, opts: OrderFormOptions): FormError[] {
  const errors: FormError[] = [];
  if (opts.needsCustomer) {
    if (blank(v.customer?.phone))
      errors.push({ name: ['customer', 'phone'], message: 'validation.required' });
    else if (!normalizePhone(v.customer!.phone!)) {
      errors.push({ name: ['customer', 'phone'], message: 'validation.phone' });
    }
  }
  const lines = v.lines ?? [];
  if (lines.length === 0) errors.push({ name: ['lines'], message: 'validation.noLines' });
  if (lines.length > MAX_LINES) errors.push({ name: ['lines'], message: 'validation.tooManyLines' });
  lines.forEach((line, i) => {
    if (blank(line.sku)) errors.push({ name: ['lines', i, 'sku'], message: 'validation.required' });
    const q = line.quantity;
    if (q === undefined || q === null)
      errors.push({ name: ['lines', i, 'quantity'], message: 'validation.required' });
    else if (!Number.isInteger(q) || q < 1 || q > MAX_QUANTITY) {
      errors.push({ name: ['lines', i, 'quantity'], message: 'validation.quantity' });
    }
  });
  const f = v.fulfillment;
  if (!f?.type) errors.push({ name: ['fulfillment', 'type'], message: 'validation.required' });
  else if (f.type === 'delivery') {
    if (!f.campusId) errors.push({ name: ['fulfillment', 'campusId'], message: 'validation.required' });
    if (blank(f.address)) errors.push({ name: ['fulfillment', 'address'], message: 'validation.required' });
  } else if (!f.pickupPointId) {
    errors.push({ name: ['fulfillment', 'pickupPointId'], message: 'validation.required' });
  }
  if (!v.paymentMethod) errors.push({ name: ['paymentMethod'], message: 'validation.required' });
  else if (!opts.paymentMethods.includes(v.paymentMethod)) {
    errors.push({ name: ['paymentMethod'], message: 'validation.paymentMethod' });
  }
  if (!blank(v.agentCode) && !/^[A-Z0-9][A-Z0-9_-]{0,31}$/i.test(v.agentCode!.trim())) {
    errors.push({ name: ['agentCode'], message: 'validation.agentCode' });
  }
  if (!blank(v.couponCode) && !/^[A-Z0-9][A-Z0-9_-]{2,31}$/i.test(v.couponCode!.trim())) {
    errors.push({ name: ['couponCode'], message: 'promotions.couponFormat' });
  }
  return errors;
}

/** The POST /api/orders body for valid form values (trimmed, only the fields the fulfilment needs). */
export function toPlaceOrderBody(v: OrderFormValues, opts: OrderFormOptions) {
  const f = v.fulfillment!;
  const phone = v.customer?.phone ? normalizePhone(v.customer.phone) : null;
  return {
    ...(opts.needsCustomer && phone
      ? { customer: { phone, ...(blank(v.customer?.name) ? {} : { name: v.customer!.name!.trim() }) } }
      : {}),
    lines: (v.lines ?? []).map((l) => ({ sku: l.sku!.trim().toUpperCase(), quantity: l.quantity! })),
    fulfillment:
      f.type === 'delivery'
        ? { type: f.type, campusId: f.campusId!, address: f.address!.trim() }
        : { type: f.type!, pickupPointId: f.pickupPointId! },
    paymentMethod: v.paymentMethod!,
    ...(blank(v.agentCode) ? {} : { agentCode: v.agentCode!.trim().toUpperCase() }),
    ...(blank(v.couponCode) ? {} : { couponCode: v.couponCode!.trim().toUpperCase() }),
    ...(blank(v.note) ? {} : { note: v.note!.trim() }),
  };
}
