import { ValidationError } from '@campus/core';
import type { OrderView } from '@campus/orders';
import { checkMethodForRole, outTradeNoFor, payableUntil, returnUrlFor, reusable } from './payment-policy';
import type { AttemptRow } from './payment-attempt.types';

const now = new Date('2026-11-25T08:00:00Z');
const order = (o: Partial<OrderView> = {}): OrderView =>
  ({
    id: 'o1',
    number: '261125000001',
    status: 'pending_payment',
    paymentMethod: 'online',
    fulfillment: { type: 'delivery', pickupPointId: null, campusId: 'c', address: 'Dorm 1' },
    paidAt: null,
    codCollectedCents: null,
    paymentDueAt: new Date(now.getTime() + 20 * 60_000),
    totalCents: 3900,
    ...o,
  }) as OrderView;

describe('payment-policy', () => {
  it('lets customers open the cashier and agents show the QR, nobody else', () => {
    expect(() => checkMethodForRole('alipay_wap', 'customer')).not.toThrow();
    expect(() => checkMethodForRole('alipay_page', 'customer')).not.toThrow();
    expect(() => checkMethodForRole('alipay_qr', 'agent')).not.toThrow();
    expect(() => checkMethodForRole('alipay_qr', 'customer')).toThrow(/cannot start/);
    expect(() => checkMethodForRole('alipay_wap', 'agent')).toThrow(/cannot start/);
  });

  it('pays an unpaid online order until its deadline, never after', () => {
    expect(payableUntil(order(), 'alipay_wap', now)).toEqual(order().paymentDueAt);
    expect(() => payableUntil(order({ status: 'confirmed' }), 'alipay_wap', now)).toThrow(
      /not waiting for payment/,
    );
    expect(() =>
      payableUntil(order({ paymentMethod: 'cod', status: 'confirmed' }), 'alipay_page', now),
    ).toThrow();
    expect(() =>
      payableUntil(order({ paymentDueAt: new Date(now.getTime() + 30_000) }), 'alipay_wap', now),
    ).toThrow(/run out/);
  });

  it('takes a QR payment only for an unpaid COD order out for delivery to a door', () => {
    const atDoor = order({ paymentMethod: 'cod', status: 'out_for_delivery', paymentDueAt: null });
    expect(payableUntil(atDoor, 'alipay_qr', now).getTime()).toBe(now.getTime() + 15 * 60_000);
    expect(() => payableUntil({ ...atDoor, status: 'assigned' }, 'alipay_qr', now)).toThrow(
      /out for delivery/,
    );
    expect(() => payableUntil({ ...atDoor, paidAt: now }, 'alipay_qr', now)).toThrow();
    expect(() =>
      payableUntil({ ...atDoor, fulfillment: { ...atDoor.fulfillment, type: 'locker' } }, 'alipay_qr', now),
    ).toThrow();
    expect(() => payableUntil(order({ status: 'out_for_delivery' }), 'alipay_qr', now)).toThrow();
  });

  it('keeps the customer on our own site: no open redirect', () => {
    const base = 'https://shop.campus.test';
    expect(returnUrlFor(base, 'o1')).toBe('https://shop.campus.test/shop/orders/o1');
    expect(returnUrlFor(base, 'o1', '/shop/orders/o1?paid=1')).toBe(
      'https://shop.campus.test/shop/orders/o1?paid=1',
    );
    expect(returnUrlFor(base, 'o1', 'https://shop.campus.test/x#y')).toBe('https://shop.campus.test/x');
    for (const bad of [
      'https://evil.test/',
      '//evil.test/x',
      'http://shop.campus.test/x',
      'javascript:alert(1)',
    ]) {
      expect(() => returnUrlFor(base, 'o1', bad)).toThrow(ValidationError);
    }
  });

  it('hands out an open attempt again only with the same way back and time left', () => {
    const a = {
      status: 'open',
      return_url: 'u',
      expires_at: new Date(now.getTime() + 10 * 60_000),
    } as AttemptRow;
    expect(reusable(a, 'u', now)).toBe(true);
    expect(reusable(a, 'v', now)).toBe(false);
    expect(reusable({ ...a, expires_at: new Date(now.getTime() + 60_000) }, 'u', now)).toBe(false);
    expect(reusable({ ...a, status: 'closed' }, 'u', now)).toBe(false);
  });

  it('makes trade numbers Alipay accepts', () => {
    expect(outTradeNoFor('261125000001', 'a1b2c3d4')).toBe('261125000001_a1b2c3d4');
    expect(outTradeNoFor('CO-7K2Q', 'x')).toMatch(/^[A-Za-z0-9_]{1,64}$/);
  });
});
