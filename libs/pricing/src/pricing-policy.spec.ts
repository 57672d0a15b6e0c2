import {
  CouponOffer,
  FlashOffer,
  priceOrder,
  PricingInput,
  PromotionRule,
  splitByLargestRemainder,
} from './pricing-policy';
import {
  CouponDoesNotApplyError,
  CouponUsedError,
  FlashSaleLimitError,
  FlashSaleSoldOutError,
} from './pricing.errors';

const promo = (p: Partial<PromotionRule> & Pick<PromotionRule, 'id' | 'kind'>): PromotionRule => ({
  name: p.id,
  percentBps: null,
  amountCents: null,
  thresholdCents: 0,
  skus: [],
  categories: [],
  gift: null,
  ...p,
});
const line = (sku: string, quantity: number, listPriceCents: number, category = 'acc') => ({
  sku,
  category,
  quantity,
  listPriceCents,
});
const input = (p: Partial<PricingInput>): PricingInput => ({
  lines: [],
  promotions: [],
  flashSales: [],
  coupon: null,
  allowListPrice: false,
  ...p,
});
const coupon = (promotion: PromotionRule, c: Partial<CouponOffer> = {}): CouponOffer => ({
  id: 'coupon-1',
  code: 'SAVE',
  agentId: null,
  usesLeft: 1,
  customerUsesLeft: 1,
  promotionUsesLeft: null,
  promotion,
  ...c,
});
const flash = (f: Partial<FlashOffer> = {}): FlashOffer => ({
  id: 'fs-1',
  sku: 'A',
  priceCents: 600,
  remaining: 10,
  perCustomerLimit: 2,
  boughtByCustomer: 0,
  ...f,
});

describe('splitByLargestRemainder', () => {
  it('splits exactly, giving the leftover fen to the largest remainders', () => {
    // 1000 over 3000/2000/1000 = 500, 333.33, 166.67 → 500, 333, 167
    expect(splitByLargestRemainder(1000, [3000, 2000, 1000])).toEqual([500, 333, 167]);
  });

  it('breaks ties of equal remainders towards the earlier line (three lines)', () => {
    expect(splitByLargestRemainder(1000, [1001, 1001, 1001])).toEqual([334, 333, 333]);
    expect(splitByLargestRemainder(2, [1, 1, 1])).toEqual([1, 1, 0]);
  });

  it('always sums to the total and never gives a line more than its weight', () => {
    for (let t = 0; t <= 101; t++) {
      const weights = [37, 1, 63];
      const shares = splitByLargestRemainder(t, weights);
      expect(shares.reduce((s, v) => s + v, 0)).toBe(t);
      shares.forEach((s, i) => expect(s).toBeLessThanOrEqual(weights[i]));
    }
  });

  it('gives zero-weight lines nothing and refuses to split more than there is', () => {
    expect(splitByLargestRemainder(5, [0, 10, 0])).toEqual([0, 5, 0]);
    expect(() => splitByLargestRemainder(11, [10])).toThrow(RangeError);
  });

  it('stays exact on large amounts (integer arithmetic)', () => {
    const shares = splitByLargestRemainder(999_999_999, [2_000_000_001, 3_000_000_001, 7]);
    expect(shares.reduce((s, v) => s + v, 0)).toBe(999_999_999);
  });
});

describe('priceOrder', () => {
  it('prices at list price without promotions', () => {
    const o = priceOrder(input({ lines: [line('A', 2, 1000)] }));
    expect(o).toMatchObject({ subtotalCents: 2000, discountCents: 0, totalCents: 2000 });
    expect(o.lines[0]).toMatchObject({ unitPriceCents: 1000, discountCents: 0, lineTotalCents: 2000 });
  });

  it('percent_off rounds half-up once per line; amount_off is per unit and capped at the price', () => {
    const pct = promo({ id: 'p', kind: 'percent_off', percentBps: 1500, skus: ['A'] });
    const amt = promo({ id: 'q', kind: 'amount_off', amountCents: 800, skus: ['B'] });
    const o = priceOrder(input({ lines: [line('A', 3, 3333), line('B', 2, 500)], promotions: [pct, amt] }));
    expect(o.lines.map((l) => l.discountCents)).toEqual([1500, 1000]);
    expect(o.promotions).toEqual([
      { promotionId: 'p', discountCents: 1500 },
      { promotionId: 'q', discountCents: 1000 },
    ]);
  });

  it('uses at most one promotion of a kind (the one giving most; equal → smaller id)', () => {
    const a = promo({ id: 'b-10', kind: 'percent_off', percentBps: 1000 });
    const b = promo({ id: 'a-10', kind: 'percent_off', percentBps: 1000 });
    const c = promo({ id: 'c-5', kind: 'percent_off', percentBps: 500 });
    const o = priceOrder(input({ lines: [line('A', 1, 1000), line('B', 1, 1000)], promotions: [a, c, b] }));
    expect(o.promotions).toEqual([{ promotionId: 'a-10', discountCents: 200 }]);
  });

  it('gives each line the better of the percent_off and amount_off promotions', () => {
    const pct = promo({ id: 'pct', kind: 'percent_off', percentBps: 1000 });
    const amt = promo({ id: 'amt', kind: 'amount_off', amountCents: 150, skus: ['B'] });
    const o = priceOrder(input({ lines: [line('A', 1, 1000), line('B', 1, 1000)], promotions: [pct, amt] }));
    expect(o.lines.map((l) => l.promotionId)).toEqual(['pct', 'amt']);
    expect(o.lines.map((l) => l.discountCents)).toEqual([100, 150]);
  });

  it('applies spend-and-save on the discounted amounts, only once the threshold is reached', () => {
    const pct = promo({ id: 'pct', kind: 'percent_off', percentBps: 1000 });
    const save = promo({ id: 'save', kind: 'spend_and_save', thresholdCents: 10000, amountCents: 2000 });
    // 2 × 5500 = 11000, 10% → 9900 < 10000: no spend-and-save
    expect(priceOrder(input({ lines: [line('A', 2, 5500)], promotions: [pct, save] })).discountCents).toBe(
      1100,
    );
    // 2 × 6000 = 12000 → 10800 ≥ 10000: −2000
    const o = priceOrder(input({ lines: [line('A', 2, 6000)], promotions: [pct, save] }));
    expect(o.discountCents).toBe(1200 + 2000);
    expect(o.lines[0].discounts.map((d) => d.id)).toEqual(['pct', 'save']);
  });

  it('a flash-sale line takes no other discount and is outside the other promotions', () => {
    const pct = promo({ id: 'pct', kind: 'percent_off', percentBps: 5000 });
    const save = promo({ id: 'save', kind: 'spend_and_save', thresholdCents: 1000, amountCents: 100 });
    const o = priceOrder(
      input({
        lines: [line('A', 2, 1000), line('B', 1, 1000)],
        promotions: [pct, save],
        flashSales: [flash()],
      }),
    );
    expect(o.lines[0]).toMatchObject({
      unitPriceCents: 600,
      discountCents: 800,
      flashSaleId: 'fs-1',
      promotionId: null,
    });
    expect(o.lines[0].discounts).toEqual([
      { source: 'flash_sale', id: 'fs-1', promotionId: null, amountCents: 800 },
    ]);
    // B: 50% → 500, below the 1000 threshold of spend-and-save (A does not count towards it).
    expect(o.lines[1]).toMatchObject({ discountCents: 500 });
    expect(o.flashSales).toEqual([{ flashSaleId: 'fs-1', sku: 'A', quantity: 2, discountCents: 800 }]);
  });

  it('refuses over the per-customer limit and when sold out, unless the list price is allowed', () => {
    const lines = [line('A', 2, 1000)];
    expect(() => priceOrder(input({ lines, flashSales: [flash({ boughtByCustomer: 1 })] }))).toThrow(
      FlashSaleLimitError,
    );
    expect(() => priceOrder(input({ lines, flashSales: [flash({ remaining: 1 })] }))).toThrow(
      FlashSaleSoldOutError,
    );
    const o = priceOrder(input({ lines, flashSales: [flash({ remaining: 1 })], allowListPrice: true }));
    expect(o.lines[0]).toMatchObject({ unitPriceCents: 1000, flashSaleId: null });
    expect(o.listPriceFallbacks).toEqual(['fs-1']);
  });

  it('adds the gift of highest value among those whose threshold is reached', () => {
    const gift = (id: string, price: number, threshold: number) =>
      promo({
        id,
        kind: 'gift',
        thresholdCents: threshold,
        gift: {
          productId: id,
          sku: id,
          name: id,
          listPriceCents: price,
          requiresInstallation: false,
          installFeeCents: 0,
        },
      });
    const o = priceOrder(
      input({
        lines: [line('A', 1, 5000)],
        promotions: [gift('mouse', 2000, 5000), gift('bag', 9000, 6000)],
      }),
    );
    expect(o.gift?.promotionId).toBe('mouse');
    expect(o.totalCents).toBe(5000);
  });

  describe('coupons', () => {
    const lines = [line('A', 1, 3000), line('B', 1, 2000), line('C', 1, 1000)];

    it('comes last, on what is left, rounded once and split by largest remainder over three lines', () => {
      const pct = promo({ id: 'pct', kind: 'percent_off', percentBps: 1000, skus: ['A'] });
      const c = promo({ id: 'cp', kind: 'percent_off', percentBps: 1000 });
      const o = priceOrder(input({ lines, promotions: [pct], coupon: coupon(c) }));
      // After 10% on A: 2700/2000/1000 = 5700; 10% = 570 → 270/200/100
      expect(o.coupon).toMatchObject({ couponId: 'coupon-1', promotionId: 'cp', discountCents: 570 });
      expect(o.lines.map((l) => l.discountCents)).toEqual([300 + 270, 200, 100]);
      expect(o.totalCents).toBe(6000 - 870);
    });

    it('an order-level amount is split exactly (odd fen)', () => {
      const c = promo({ id: 'cp', kind: 'amount_off', amountCents: 1001 });
      const o = priceOrder(input({ lines, coupon: coupon(c) }));
      // 1001 × 3/6, 2/6, 1/6 = 500.5, 333.67, 166.83 → remainders .5 .67 .83 → +1 to C
      expect(o.lines.map((l) => l.discountCents)).toEqual([500, 334, 167]);
      expect(o.discountCents).toBe(1001);
    });

    it('is refused when used up, and does not apply to nothing or under its threshold', () => {
      const c = promo({ id: 'cp', kind: 'amount_off', amountCents: 100 });
      expect(() => priceOrder(input({ lines, coupon: coupon(c, { usesLeft: 0 }) }))).toThrow(CouponUsedError);
      expect(() => priceOrder(input({ lines, coupon: coupon(c, { customerUsesLeft: 0 }) }))).toThrow(
        CouponUsedError,
      );
      expect(() => priceOrder(input({ lines, coupon: coupon(c, { promotionUsesLeft: 0 }) }))).toThrow(
        CouponUsedError,
      );
      const other = promo({ id: 'x', kind: 'amount_off', amountCents: 100, skus: ['Z'] });
      expect(() => priceOrder(input({ lines, coupon: coupon(other) }))).toThrow(CouponDoesNotApplyError);
      const big = promo({ id: 's', kind: 'spend_and_save', thresholdCents: 10000, amountCents: 100 });
      expect(() => priceOrder(input({ lines, coupon: coupon(big) }))).toThrow(CouponDoesNotApplyError);
    });

    it('never discounts below zero', () => {
      const c = promo({ id: 'cp', kind: 'amount_off', amountCents: 1_000_000 });
      const o = priceOrder(input({ lines, coupon: coupon(c) }));
      expect(o.totalCents).toBe(0);
      expect(o.lines.every((l) => l.lineTotalCents === 0)).toBe(true);
    });
  });
});
