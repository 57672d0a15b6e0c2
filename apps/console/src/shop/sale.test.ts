import { describe, expect, it } from 'vitest';
import { effectivePrice, onSale, saleEnds } from './sale';

describe('flash-sale prices in the shop', () => {
  it('takes the sale price while it is lower, else the list price', () => {
    expect(effectivePrice({ priceCents: 5000 })).toBe(5000);
    expect(
      effectivePrice({ priceCents: 5000, salePriceCents: 990, saleEndsAt: '2026-12-06T10:00:00Z' }),
    ).toBe(990);
    expect(effectivePrice({ priceCents: 500, salePriceCents: 990 })).toBe(500);
    expect(onSale({ priceCents: 5000, salePriceCents: 990, saleEndsAt: '2026-12-06T10:00:00Z' })).toBe(true);
    expect(onSale({ priceCents: 5000 })).toBe(false);
  });

  it('says when the sale ends in campus time', () => {
    const now = new Date('2026-12-06T02:00:00Z'); // 10:00 in Shanghai
    expect(saleEnds('2026-12-06T10:30:00Z', now)).toBe('18:30');
    expect(saleEnds('2026-12-07T10:30:00Z', now)).toBe('12-07 18:30');
  });
});
