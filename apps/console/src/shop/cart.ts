/**
 * The cart kept on the device: pure functions over a plain value, so the rules (quantities, caps by
 * what is available, buying an old order again) are tested without a browser.
 */

/** At most this many of one product in one order line (the public availability never shows more). */
export const MAX_LINE_QUANTITY = 99;

export interface CartLine {
  sku: string;
  name: string;
  /** The price when it was added (shown only; the order is priced by the API). */
  priceCents: number;
  quantity: number;
}

export interface Cart {
  lines: CartLine[];
}

/** What the catalogue says about a product now (null: no longer sold). */
export interface Availability {
  sku: string;
  name: string;
  priceCents: number;
  available: number;
}

export const EMPTY_CART: Cart = { lines: [] };

function clamp(quantity: number, available: number): number {
  const cap = Math.min(MAX_LINE_QUANTITY, Math.max(0, Math.floor(available)));
  return Math.max(0, Math.min(Math.floor(quantity), cap));
}

export interface CartChange {
  cart: Cart;
  /** The quantity asked for was more than could be had: it was lowered to the cap. */
  capped: boolean;
}

/** Adds `quantity` of a product (merging with its line), never beyond what is available. */
export function addToCart(cart: Cart, product: Availability, quantity = 1): CartChange {
  const existing = cart.lines.find((l) => l.sku === product.sku);
  const wanted = (existing?.quantity ?? 0) + Math.max(0, Math.floor(quantity));
  const q = clamp(wanted, product.available);
  const capped = q < wanted;
  if (q === 0) return { cart: removeLine(cart, product.sku), capped };
  const line: CartLine = {
    sku: product.sku,
    name: product.name,
    priceCents: product.priceCents,
    quantity: q,
  };
  return {
    cart: {
      lines: existing ? cart.lines.map((l) => (l.sku === product.sku ? line : l)) : [...cart.lines, line],
    },
    capped,
  };
}

/** Sets a line's quantity (0 removes it), capped by what is available when that is known. */
export function setQuantity(
  cart: Cart,
  sku: string,
  quantity: number,
  available = MAX_LINE_QUANTITY,
): CartChange {
  const q = clamp(quantity, available);
  if (q === 0) return { cart: removeLine(cart, sku), capped: quantity > 0 };
  return {
    cart: { lines: cart.lines.map((l) => (l.sku === sku ? { ...l, quantity: q } : l)) },
    capped: q < Math.floor(quantity),
  };
}

export function removeLine(cart: Cart, sku: string): Cart {
  return { lines: cart.lines.filter((l) => l.sku !== sku) };
}

export interface Reconciled {
  cart: Cart;
  /** Lines whose quantity was lowered to what is available now. */
  capped: string[];
  /** Lines removed: sold out or no longer sold. */
  removed: string[];
}

/**
 * The cart checked against the catalogue as it is now: quantities lowered to what is available,
 * lines of products sold out or withdrawn removed, names and prices refreshed. Products not in
 * `now` (not looked up) are left as they are.
 */
export function reconcile(cart: Cart, now: Map<string, Availability | null>): Reconciled {
  const capped: string[] = [];
  const removed: string[] = [];
  const lines: CartLine[] = [];
  for (const line of cart.lines) {
    if (!now.has(line.sku)) {
      lines.push(line);
      continue;
    }
    const p = now.get(line.sku);
    const q = p ? clamp(line.quantity, p.available) : 0;
    if (q === 0) removed.push(line.sku);
    else {
      if (q < line.quantity) capped.push(line.sku);
      lines.push({ ...line, name: p!.name, priceCents: p!.priceCents, quantity: q });
    }
  }
  return { cart: { lines }, capped, removed };
}

export interface BuyAgain extends Reconciled {
  /** SKUs of the old order now in the cart. */
  added: string[];
}

/**
 * "Buy again": the lines of an old order merged into the cart (a SKU already there gets the old
 * quantity on top), each checked against what is available now: lowered when short, left out when
 * sold out or no longer sold.
 */
export function buyAgain(
  cart: Cart,
  orderLines: readonly { sku: string; quantity: number }[],
  now: Map<string, Availability | null>,
): BuyAgain {
  let next = cart;
  const added: string[] = [];
  const capped: string[] = [];
  const removed: string[] = [];
  // Several lines of one SKU in the old order count together.
  const wanted = new Map<string, number>();
  for (const l of orderLines) wanted.set(l.sku, (wanted.get(l.sku) ?? 0) + l.quantity);
  for (const [sku, quantity] of wanted) {
    const p = now.get(sku);
    if (!p || p.available <= 0) {
      removed.push(sku);
      continue;
    }
    const change = addToCart(next, p, quantity);
    next = change.cart;
    if (change.capped) capped.push(sku);
    added.push(sku);
  }
  return { cart: next, added, capped, removed };
}

export function cartCount(cart: Cart): number {
  return cart.lines.reduce((n, l) => n + l.quantity, 0);
}

export function cartTotalCents(cart: Cart): number {
  return cart.lines.reduce((sum, l) => sum + l.priceCents * l.quantity, 0);
}

/** The order's lines as POST /api/orders takes them. */
export function orderLines(cart: Cart): { sku: string; quantity: number }[] {
  return cart.lines.map((l) => ({ sku: l.sku, quantity: l.quantity }));
}

/** A cart read back from storage: anything malformed (an old version, a hand edit) is dropped. */
export function parseCart(raw: string | null): Cart {
  if (!raw) return EMPTY_CART;
  try {
    const value = JSON.parse(raw) as { lines?: unknown };
    if (!Array.isArray(value.lines)) return EMPTY_CART;
    const lines = value.lines.filter(
      (l): l is CartLine =>
        !!l &&
        typeof l.sku === 'string' &&
        l.sku.length > 0 &&
        typeof l.name === 'string' &&
        Number.isSafeInteger(l.priceCents) &&
        l.priceCents >= 0 &&
        Number.isSafeInteger(l.quantity) &&
        l.quantity >= 1 &&
        l.quantity <= MAX_LINE_QUANTITY,
    );
    const seen = new Set<string>();
    return { lines: lines.filter((l) => !seen.has(l.sku) && seen.add(l.sku)) };
  } catch {
    return EMPTY_CART;
  }
}
