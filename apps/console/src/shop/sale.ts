import { shanghaiIso } from '../lib/time';

/** A product as the shop lists it: the list price, and a flash-sale price while a sale runs. */
export interface Priced {
  priceCents: number;
  salePriceCents?: number;
  saleEndsAt?: string;
}

/** What one unit costs now (the order statement decides for good: a sale can sell out meanwhile). */
export function effectivePrice(p: Priced): number {
  return p.salePriceCents !== undefined && p.salePriceCents < p.priceCents ? p.salePriceCents : p.priceCents;
}

/** True while the product is on a flash sale. */
export function onSale(p: Priced): p is Priced & { salePriceCents: number; saleEndsAt: string } {
  return effectivePrice(p) !== p.priceCents && p.saleEndsAt !== undefined;
}

/** "18:30" today, else "12-06 18:30", in campus time (Asia/Shanghai). */
export function saleEnds(iso: string, now = new Date()): string {
  const end = shanghaiIso(new Date(iso));
  return end.slice(0, 10) === shanghaiIso(now).slice(0, 10)
    ? end.slice(11, 16)
    : `${end.slice(5, 10)} ${end.slice(11, 16)}`;
}
