import { applyBps } from '@campus/core';
import {
  CouponDoesNotApplyError,
  CouponUsedError,
  FlashSaleLimitError,
  FlashSaleSoldOutError,
} from './pricing.errors';

export const PROMOTION_KINDS = ['percent_off', 'amount_off', 'spend_and_save', 'gift'] as const;
export type PromotionKind = (typeof PROMOTION_KINDS)[number];

/** A product as the gift of a promotion. */
export interface GiftProduct {
  productId: string;
  sku: string;
  name: string;
  listPriceCents: number;
  requiresInstallation: boolean;
  installFeeCents: number;
}

/** A running promotion, as the price read found it (window, place, channel and budget already checked). */
export interface PromotionRule {
  id: string;
  name: string;
  kind: PromotionKind;
  percentBps: number | null;
  amountCents: number | null;
  thresholdCents: number;
  /** Empty SKUs and categories: every product. */
  skus: readonly string[];
  categories: readonly string[];
  gift: GiftProduct | null;
}

export interface CartLine {
  sku: string;
  category: string;
  quantity: number;
  listPriceCents: number;
}

/** A running flash sale of a SKU, with what is left of it and what this customer already bought. */
export interface FlashOffer {
  id: string;
  sku: string;
  priceCents: number;
  remaining: number;
  perCustomerLimit: number;
  boughtByCustomer: number;
}

/** A coupon the customer presented, valid for this order's place, channel and time. */
export interface CouponOffer {
  id: string;
  code: string;
  agentId: string | null;
  /** Uses left on the code (null: no limit), for this customer, and on its promotion's budget. */
  usesLeft: number | null;
  customerUsesLeft: number;
  promotionUsesLeft: number | null;
  promotion: PromotionRule;
}

export interface PricingInput {
  lines: readonly CartLine[];
  promotions: readonly PromotionRule[];
  flashSales: readonly FlashOffer[];
  coupon: CouponOffer | null;
  /** A sold-out flash sale prices its lines at list price instead of refusing the order. */
  allowListPrice: boolean;
}

export interface LineDiscount {
  source: 'flash_sale' | 'promotion' | 'coupon';
  /** The flash sale, promotion or coupon. */
  id: string;
  promotionId: string | null;
  amountCents: number;
}

export interface PricedLine {
  sku: string;
  quantity: number;
  listPriceCents: number;
  /** The flash-sale price, else the list price: the unit price before shared discounts. */
  unitPriceCents: number;
  /** Everything off the list amount: flash-sale difference, line promotion, shares of shared discounts. */
  discountCents: number;
  /** quantity × listPriceCents − discountCents: what is paid for the line. */
  lineTotalCents: number;
  /** The promotion that explains the line's discount first (line promotion, spend-and-save, coupon). */
  promotionId: string | null;
  flashSaleId: string | null;
  discounts: LineDiscount[];
}

export interface PricedOrder {
  lines: PricedLine[];
  /** A free unit of the gift SKU, given only if its stock allows (decided in the order statement). */
  gift: { promotionId: string; product: GiftProduct } | null;
  /** Σ quantity × list price of the paid lines (a given gift adds its list price to both). */
  subtotalCents: number;
  discountCents: number;
  totalCents: number;
  /** Each automatic promotion applied (one use each), with the discount it gave. */
  promotions: { promotionId: string; discountCents: number }[];
  flashSales: { flashSaleId: string; sku: string; quantity: number; discountCents: number }[];
  coupon: {
    couponId: string;
    promotionId: string;
    code: string;
    agentId: string | null;
    discountCents: number;
  } | null;
  /** Flash sales that were sold out and priced at list price (allowListPrice). */
  listPriceFallbacks: string[];
}

/**
 * Splits `total` over `weights` in proportion, exactly: each share is floor(total × w / Σw), and the
 * fen left over go one each to the largest remainders; equal remainders go to the earlier line. A
 * share never exceeds its weight when total ≤ Σw. Integer arithmetic (BigInt) throughout.
 */
export function splitByLargestRemainder(total: number, weights: readonly number[]): number[] {
  if (!Number.isSafeInteger(total) || total < 0) throw new RangeError(`cannot split ${total}`);
  const sum = weights.reduce((s, w) => s + w, 0);
  if (weights.some((w) => !Number.isSafeInteger(w) || w < 0))
    throw new RangeError('weights must be cents ≥ 0');
  if (total === 0) return weights.map(() => 0);
  if (sum === 0) throw new RangeError('cannot split over nothing');
  if (total > sum) throw new RangeError(`cannot split ${total} over ${sum}`);
  const T = BigInt(total);
  const S = BigInt(sum);
  const shares = weights.map((w) => Number((T * BigInt(w)) / S));
  const remainders = weights.map((w, i) => ({ i, r: (T * BigInt(w)) % S }));
  let left = total - shares.reduce((s, v) => s + v, 0);
  remainders.sort((a, b) => (a.r === b.r ? a.i - b.i : a.r > b.r ? -1 : 1));
  for (const { i } of remainders) {
    if (left === 0) break;
    shares[i]++;
    left--;
  }
  return shares;
}

export function appliesTo(p: Pick<PromotionRule, 'skus' | 'categories'>, line: CartLine): boolean {
  if (p.skus.length === 0 && p.categories.length === 0) return true;
  return p.skus.includes(line.sku) || p.categories.includes(line.category);
}

/** The discount a percent_off or amount_off promotion gives one line on its own (list amount). */
export function lineDiscount(p: PromotionRule, line: CartLine): number {
  const amount = line.quantity * line.listPriceCents;
  if (p.kind === 'percent_off') return applyBps(amount, p.percentBps!);
  if (p.kind === 'amount_off') return Math.min(p.amountCents!, line.listPriceCents) * line.quantity;
  return 0;
}

/** Deterministic order among equals: the larger value, then the smaller id. */
function best<T extends { id: string }>(items: readonly T[], value: (t: T) => number): T | null {
  let out: T | null = null;
  let outValue = 0;
  for (const t of items) {
    const v = value(t);
    if (v <= 0) continue;
    if (!out || v > outValue || (v === outValue && t.id < out.id)) {
      out = t;
      outValue = v;
    }
  }
  return out;
}

/**
 * Prices an order. Precedence (at most one promotion of each kind per order):
 * 1. flash sale — its price replaces the list price; a flash-sale line takes no other discount;
 * 2. one percent_off and one amount_off promotion (each the one giving most); each line takes the
 *    better of the two that apply to it (amount_off is per unit);
 * 3. one spend_and_save (满减): if the eligible lines, after step 2, reach its threshold, its amount
 *    comes off them, split by largest remainder;
 * 4. one gift: if the eligible lines, after step 3, reach its threshold, one free unit of the gift SKU
 *    (the gift of highest list price among those that qualify);
 * 5. the coupon last, on what is left of its eligible lines: percent (rounded once, on their sum),
 *    amount, or spend-and-save; split by largest remainder.
 * Equal choices go to the smaller promotion id. Throws the coded refusals of the contract.
 */
export function priceOrder(input: PricingInput): PricedOrder {
  const lines = input.lines;
  const current = lines.map((l) => l.quantity * l.listPriceCents);
  const discounts: LineDiscount[][] = lines.map(() => []);
  const unit = lines.map((l) => l.listPriceCents);
  const flashOf: (string | null)[] = lines.map(() => null);
  const promotionOf: (string | null)[] = lines.map(() => null);
  const give = (i: number, d: LineDiscount) => {
    if (d.amountCents <= 0) return;
    discounts[i].push(d);
    current[i] -= d.amountCents;
    if (d.source !== 'flash_sale' && !promotionOf[i]) promotionOf[i] = d.promotionId;
  };

  // 1. Flash sales: all lines of the SKU together against the sale stock and the customer's limit.
  const flashSales: PricedOrder['flashSales'] = [];
  const listPriceFallbacks: string[] = [];
  for (const f of input.flashSales) {
    const idx = lines.map((l, i) => (l.sku === f.sku ? i : -1)).filter((i) => i >= 0);
    if (idx.length === 0) continue;
    const qty = idx.reduce((s, i) => s + lines[i].quantity, 0);
    if (f.priceCents >= lines[idx[0]].listPriceCents) continue; // the list price is already lower
    if (f.boughtByCustomer + qty > f.perCustomerLimit) {
      throw new FlashSaleLimitError(f.sku, f.perCustomerLimit, f.boughtByCustomer);
    }
    if (qty > f.remaining) {
      if (input.allowListPrice) {
        listPriceFallbacks.push(f.id);
        continue;
      }
      throw new FlashSaleSoldOutError(f.sku, Math.max(0, f.remaining));
    }
    let total = 0;
    for (const i of idx) {
      flashOf[i] = f.id;
      unit[i] = f.priceCents;
      const off = (lines[i].listPriceCents - f.priceCents) * lines[i].quantity;
      total += off;
      give(i, { source: 'flash_sale', id: f.id, promotionId: null, amountCents: off });
    }
    flashSales.push({ flashSaleId: f.id, sku: f.sku, quantity: qty, discountCents: total });
  }
  const open = (i: number) => flashOf[i] === null;
  const eligible = (p: Pick<PromotionRule, 'skus' | 'categories'>) =>
    lines.map((l, i) => (open(i) && appliesTo(p, l) ? i : -1)).filter((i) => i >= 0);
  const used = new Map<string, number>();
  const count = (id: string, amount: number) => used.set(id, (used.get(id) ?? 0) + amount);

  // 2. Line promotions: the best percent_off and the best amount_off, then the better one per line.
  const ofKind = (k: PromotionKind) => input.promotions.filter((p) => p.kind === k);
  const orderValue = (p: PromotionRule) => eligible(p).reduce((s, i) => s + lineDiscount(p, lines[i]), 0);
  const linePromos = [best(ofKind('percent_off'), orderValue), best(ofKind('amount_off'), orderValue)].filter(
    (p): p is PromotionRule => p !== null,
  );
  lines.forEach((l, i) => {
    if (!open(i)) return;
    const p = best(
      linePromos.filter((x) => appliesTo(x, l)),
      (x) => lineDiscount(x, l),
    );
    if (!p) return;
    const off = Math.min(lineDiscount(p, l), current[i]);
    if (off <= 0) return;
    give(i, { source: 'promotion', id: p.id, promotionId: p.id, amountCents: off });
    count(p.id, off);
  });

  // 3. Spend-and-save on the discounted amounts of its lines.
  const baseOf = (p: Pick<PromotionRule, 'skus' | 'categories'>) =>
    eligible(p).reduce((s, i) => s + current[i], 0);
  const saveValue = (p: PromotionRule) => {
    const base = baseOf(p);
    return base >= p.thresholdCents && base > 0 ? Math.min(p.amountCents!, base) : 0;
  };
  const save = best(ofKind('spend_and_save'), saveValue);
  if (save) {
    const amount = saveValue(save);
    const idx = eligible(save);
    const shares = splitByLargestRemainder(
      amount,
      idx.map((i) => current[i]),
    );
    idx.forEach((i, k) =>
      give(i, { source: 'promotion', id: save.id, promotionId: save.id, amountCents: shares[k] }),
    );
    count(save.id, amount);
  }

  // 4. A gift, when the eligible lines (after spend-and-save) reach its threshold.
  const giftPromo = best(ofKind('gift'), (p) => {
    const idx = eligible(p);
    const base = baseOf(p);
    return idx.length > 0 && base >= p.thresholdCents && p.gift ? p.gift.listPriceCents + 1 : 0;
  });

  // 5. The coupon, last.
  let coupon: PricedOrder['coupon'] = null;
  if (input.coupon) {
    const c = input.coupon;
    if (c.usesLeft === 0 || c.customerUsesLeft <= 0 || c.promotionUsesLeft === 0)
      throw new CouponUsedError(c.code);
    const p = c.promotion;
    const idx = eligible(p);
    const base = baseOf(p);
    if (idx.length === 0 || base === 0)
      throw new CouponDoesNotApplyError(c.code, 'applies to nothing in this order');
    let amount: number;
    if (p.kind === 'percent_off') amount = applyBps(base, p.percentBps!);
    else if (p.kind === 'amount_off') amount = Math.min(p.amountCents!, base);
    else if (p.kind === 'spend_and_save') {
      if (base < p.thresholdCents) {
        throw new CouponDoesNotApplyError(
          c.code,
          `needs ${p.thresholdCents} fen of eligible goods, has ${base}`,
          {
            thresholdCents: p.thresholdCents,
            eligibleCents: base,
          },
        );
      }
      amount = Math.min(p.amountCents!, base);
    } else throw new CouponDoesNotApplyError(c.code, 'is not a discount coupon');
    const shares = splitByLargestRemainder(
      amount,
      idx.map((i) => current[i]),
    );
    idx.forEach((i, k) => give(i, { source: 'coupon', id: c.id, promotionId: p.id, amountCents: shares[k] }));
    coupon = { couponId: c.id, promotionId: p.id, code: c.code, agentId: c.agentId, discountCents: amount };
  }

  const priced: PricedLine[] = lines.map((l, i) => {
    const discountCents = discounts[i].reduce((s, d) => s + d.amountCents, 0);
    return {
      sku: l.sku,
      quantity: l.quantity,
      listPriceCents: l.listPriceCents,
      unitPriceCents: unit[i],
      discountCents,
      lineTotalCents: l.quantity * l.listPriceCents - discountCents,
      promotionId: promotionOf[i],
      flashSaleId: flashOf[i],
      discounts: discounts[i],
    };
  });
  const subtotalCents = priced.reduce((s, l) => s + l.quantity * l.listPriceCents, 0);
  const discountCents = priced.reduce((s, l) => s + l.discountCents, 0);
  return {
    lines: priced,
    gift: giftPromo ? { promotionId: giftPromo.id, product: giftPromo.gift! } : null,
    subtotalCents,
    discountCents,
    totalCents: subtotalCents - discountCents,
    promotions: [...used.entries()].map(([promotionId, d]) => ({ promotionId, discountCents: d })),
    flashSales,
    coupon,
    listPriceFallbacks,
  };
}
