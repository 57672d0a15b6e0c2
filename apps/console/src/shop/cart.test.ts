import { describe, expect, it } from 'vitest';
import {
  addToCart,
  buyAgain,
  cartCount,
  cartTotalCents,
  EMPTY_CART,
  MAX_LINE_QUANTITY,
  orderLines,
  parseCart,
  reconcile,
  removeLine,
  setQuantity,
  type Availability,
} from './cart';

const usb: Availability = { sku: 'USB-32G', name: 'USB stick', priceCents: 3900, available: 5 };
const pen: Availability = { sku: 'PEN', name: 'Pen', priceCents: 500, available: 99 };

describe('cart', () => {
  it('adds products, merging a second add of the same SKU into its line', () => {
    let cart = addToCart(EMPTY_CART, usb).cart;
    cart = addToCart(cart, pen, 3).cart;
    cart = addToCart(cart, usb, 2).cart;
    expect(cart.lines).toEqual([
      { sku: 'USB-32G', name: 'USB stick', priceCents: 3900, quantity: 3 },
      { sku: 'PEN', name: 'Pen', priceCents: 500, quantity: 3 },
    ]);
    expect(cartCount(cart)).toBe(6);
    expect(cartTotalCents(cart)).toBe(3 * 3900 + 3 * 500);
    expect(orderLines(cart)).toEqual([
      { sku: 'USB-32G', quantity: 3 },
      { sku: 'PEN', quantity: 3 },
    ]);
  });

  it('caps quantities by what is available, and says so', () => {
    const first = addToCart(EMPTY_CART, usb, 4);
    expect(first.capped).toBe(false);
    const second = addToCart(first.cart, usb, 4);
    expect(second.capped).toBe(true);
    expect(second.cart.lines[0].quantity).toBe(5);
    expect(addToCart(EMPTY_CART, { ...usb, available: 0 })).toEqual({ cart: EMPTY_CART, capped: true });
    // Never more than one line can hold, whatever the stock.
    expect(addToCart(EMPTY_CART, { ...pen, available: 10_000 }, 500).cart.lines[0].quantity).toBe(
      MAX_LINE_QUANTITY,
    );
  });

  it('sets a quantity within 0..available; 0 removes the line; fractions and negatives are refused', () => {
    const cart = addToCart(EMPTY_CART, usb, 2).cart;
    expect(setQuantity(cart, 'USB-32G', 4, 5).cart.lines[0].quantity).toBe(4);
    expect(setQuantity(cart, 'USB-32G', 9, 5)).toMatchObject({
      capped: true,
      cart: { lines: [{ quantity: 5 }] },
    });
    expect(setQuantity(cart, 'USB-32G', 0).cart).toEqual(EMPTY_CART);
    expect(setQuantity(cart, 'USB-32G', -3).cart).toEqual(EMPTY_CART);
    expect(setQuantity(cart, 'USB-32G', 2.7, 5).cart.lines[0].quantity).toBe(2);
    expect(removeLine(cart, 'USB-32G')).toEqual(EMPTY_CART);
  });

  it('reconciles with the catalogue: lowers to what is left, drops what is sold out or withdrawn', () => {
    let cart = addToCart(EMPTY_CART, usb, 5).cart;
    cart = addToCart(cart, pen, 2).cart;
    cart = addToCart(cart, { sku: 'GONE', name: 'Gone', priceCents: 100, available: 3 }, 1).cart;
    const now = new Map<string, Availability | null>([
      ['USB-32G', { ...usb, available: 2, priceCents: 3500 }],
      ['GONE', null],
    ]);
    const r = reconcile(cart, now);
    expect(r.capped).toEqual(['USB-32G']);
    expect(r.removed).toEqual(['GONE']);
    expect(r.cart.lines).toEqual([
      { sku: 'USB-32G', name: 'USB stick', priceCents: 3500, quantity: 2 },
      { sku: 'PEN', name: 'Pen', priceCents: 500, quantity: 2 }, // not looked up: unchanged
    ]);
  });

  it('buys again: merges an old order into the cart, checking availability line by line', () => {
    const cart = addToCart(EMPTY_CART, pen, 1).cart;
    const now = new Map<string, Availability | null>([
      ['PEN', pen],
      ['USB-32G', { ...usb, available: 3 }],
      ['GONE', null],
      ['SOLD-OUT', { sku: 'SOLD-OUT', name: 'Sold out', priceCents: 100, available: 0 }],
    ]);
    const r = buyAgain(
      cart,
      [
        { sku: 'PEN', quantity: 2 },
        { sku: 'USB-32G', quantity: 2 },
        { sku: 'USB-32G', quantity: 2 }, // two lines of one SKU count together: 4 > 3 available
        { sku: 'GONE', quantity: 1 },
        { sku: 'SOLD-OUT', quantity: 1 },
      ],
      now,
    );
    expect(r.added).toEqual(['PEN', 'USB-32G']);
    expect(r.capped).toEqual(['USB-32G']);
    expect(r.removed).toEqual(['GONE', 'SOLD-OUT']);
    expect(r.cart.lines.map((l) => [l.sku, l.quantity])).toEqual([
      ['PEN', 3],
      ['USB-32G', 3],
    ]);
  });

  it('survives a reload: parses what it stored and drops anything malformed', () => {
    const cart = addToCart(addToCart(EMPTY_CART, usb, 2).cart, pen).cart;
    expect(parseCart(JSON.stringify(cart))).toEqual(cart);
    expect(parseCart(null)).toEqual(EMPTY_CART);
    expect(parseCart('{not json')).toEqual(EMPTY_CART);
    expect(parseCart('{"lines":"x"}')).toEqual(EMPTY_CART);
    expect(
      parseCart(
        JSON.stringify({
          lines: [
            { sku: 'A', name: 'A', priceCents: 100, quantity: 1 },
            { sku: 'A', name: 'A again', priceCents: 100, quantity: 2 },
            { sku: 'B', name: 'B', priceCents: 1.5, quantity: 1 },
            { sku: 'C', name: 'C', priceCents: 100, quantity: 0 },
            { sku: 'D', name: 'D', priceCents: 100, quantity: 100 },
            null,
          ],
        }),
      ),
    ).toEqual({ lines: [{ sku: 'A', name: 'A', priceCents: 100, quantity: 1 }] });
  });
});
