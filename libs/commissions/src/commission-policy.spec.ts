import {
  CommissionRule,
  CommissionTier,
  isValidAt,
  lineCommission,
  orderCommission,
  selectRule,
  selectTier,
  validityBound,
} from './commission-policy';

const at = new Date('2026-11-15T04:00:00Z');
const d = (s: string) => new Date(s);

function rule(over: Partial<CommissionRule> & { id: string }): CommissionRule {
  return {
    sku: null,
    category: null,
    rateBps: 0,
    fixedCents: 0,
    validFrom: null,
    validTo: null,
    createdAt: d('2026-01-01T00:00:00Z'),
    ...over,
  };
}

function tier(
  over: Partial<CommissionTier> & { id: string; fromOrder: number; bonusBps: number },
): CommissionTier {
  return { regionId: 'r', validFrom: null, validTo: null, createdAt: d('2026-01-01T00:00:00Z'), ...over };
}

const usb = {
  sku: 'USB-32G',
  category: 'accessories',
  quantity: 2,
  unitPriceCents: 3900,
  lineTotalCents: 7800,
};

describe('selectRule', () => {
  const def = rule({ id: 'default', rateBps: 100 });
  const cat = rule({ id: 'cat', category: 'accessories', rateBps: 300 });
  const sku = rule({ id: 'sku', sku: 'USB-32G', rateBps: 500 });
  const otherSku = rule({ id: 'other', sku: 'PEN', rateBps: 900 });

  it('prefers SKU over category over the default', () => {
    expect(selectRule([def, cat, sku, otherSku], usb, at)?.id).toBe('sku');
    expect(selectRule([def, cat, otherSku], usb, at)?.id).toBe('cat');
    expect(selectRule([def, otherSku], usb, at)?.id).toBe('default');
    expect(selectRule([otherSku], usb, at)).toBeNull();
  });

  it('ignores rules outside their validity: from inclusive, to exclusive', () => {
    const expired = rule({ id: 'sku-old', sku: 'USB-32G', validTo: at });
    const future = rule({ id: 'sku-new', sku: 'USB-32G', validFrom: d('2026-11-15T04:00:00.001Z') });
    expect(selectRule([cat, expired, future], usb, at)?.id).toBe('cat');
    const starting = rule({ id: 'sku-now', sku: 'USB-32G', validFrom: at });
    expect(selectRule([cat, starting], usb, at)?.id).toBe('sku-now');
  });

  it('among equally specific rules the latest start wins, then the latest created', () => {
    const older = rule({ id: 'a', category: 'accessories', validFrom: d('2026-10-01T00:00:00Z') });
    const newer = rule({ id: 'b', category: 'accessories', validFrom: d('2026-11-01T00:00:00Z') });
    expect(selectRule([newer, older], usb, at)?.id).toBe('b');
    expect(selectRule([older, newer], usb, at)?.id).toBe('b');
    const later = rule({ id: 'c', category: 'accessories', createdAt: d('2026-06-01T00:00:00Z') });
    const earlier = rule({ id: 'd', category: 'accessories', createdAt: d('2026-05-01T00:00:00Z') });
    expect(selectRule([later, earlier], usb, at)?.id).toBe('c');
  });
});

describe('isValidAt', () => {
  it('treats open ends as unbounded', () => {
    expect(isValidAt({ validFrom: null, validTo: null }, at)).toBe(true);
    expect(isValidAt({ validFrom: at, validTo: null }, at)).toBe(true);
    expect(isValidAt({ validFrom: null, validTo: at }, at)).toBe(false);
  });
});

describe('selectTier', () => {
  const t51 = tier({ id: 't51', fromOrder: 51, bonusBps: 100 });
  const t101 = tier({ id: 't101', fromOrder: 101, bonusBps: 250 });

  it('applies from the threshold order on, the highest threshold reached', () => {
    expect(selectTier([t51, t101], 50, at)).toBeNull();
    expect(selectTier([t51, t101], 51, at)?.id).toBe('t51');
    expect(selectTier([t51, t101], 100, at)?.id).toBe('t51');
    expect(selectTier([t101, t51], 101, at)?.id).toBe('t101');
  });

  it('ignores tiers outside their validity', () => {
    const ended = tier({ id: 'x', fromOrder: 2, bonusBps: 50, validTo: at });
    expect(selectTier([ended], 10, at)).toBeNull();
  });
});

describe('lineCommission', () => {
  it('rounds the rate once, half-up, and adds the fixed amount per unit', () => {
    // 7800 × 125 bps = 97.5 → 98; + 2 × 50
    const r = rule({ id: 'r', rateBps: 125, fixedCents: 50 });
    expect(lineCommission(usb, r, 0).amountCents).toBe(98 + 100);
    // 7800 × 124 bps = 96.72 → 97
    expect(lineCommission(usb, rule({ id: 'r', rateBps: 124 }), 0).amountCents).toBe(97);
  });

  it('adds the tier bonus to the rate before rounding (not per part)', () => {
    const line = { ...usb, quantity: 1, unitPriceCents: 150, lineTotalCents: 150 };
    // 150 × 150 bps = 2.25 → 2; each part separately: 150×50=0.75→1 + 150×100=1.5→2 = 3
    expect(lineCommission(line, rule({ id: 'r', rateBps: 50 }), 100).amountCents).toBe(2);
  });

  it('is computed on the paid amount: the line total after discounts, not the list price', () => {
    // 2 × 39.00 listed, 12.34 off (promotion + coupon share): 65.66 paid; 500 bps → 3.283 → 3.28
    const discounted = { ...usb, unitPriceCents: 3900, lineTotalCents: 7800 - 1234 };
    expect(lineCommission(discounted, rule({ id: 'r', rateBps: 500 }), 0).amountCents).toBe(328);
  });

  it('a free line (a gift) earns nothing, not even the fixed amount per unit', () => {
    const gift = { ...usb, quantity: 1, unitPriceCents: 0, lineTotalCents: 0 };
    expect(lineCommission(gift, rule({ id: 'r', rateBps: 500, fixedCents: 200 }), 100).amountCents).toBe(0);
  });

  it('earns only the tier bonus without a rule', () => {
    const c = lineCommission(usb, null, 100);
    expect(c).toMatchObject({ ruleId: null, scope: null, rateBps: 0, tierBonusBps: 100, amountCents: 78 });
  });
});

describe('orderCommission', () => {
  const rules = [
    rule({ id: 'sku', sku: 'USB-32G', rateBps: 500 }),
    rule({ id: 'cat', category: 'network', fixedCents: 1000 }),
  ];
  const router = {
    sku: 'ROUTER',
    category: 'network',
    quantity: 1,
    unitPriceCents: 29900,
    lineTotalCents: 29900,
  };

  it('sums the lines and records every rule applied and the tier', () => {
    const tiers = [tier({ id: 't', fromOrder: 51, bonusBps: 100 })];
    const below = orderCommission({ lines: [usb, router], rules, tiers, rank: 50, at });
    expect(below.amountCents).toBe(390 + 1000);
    expect(below.ruleIds).toEqual(['sku', 'cat']);
    expect(below.tierId).toBeNull();
    const above = orderCommission({ lines: [usb, router], rules, tiers, rank: 51, at });
    // usb: 600 bps of 7800 = 468; router: 100 bps of 29900 = 299 + 1000
    expect(above.amountCents).toBe(468 + 1299);
    expect(above.tierId).toBe('t');
    expect(above.description).toContain('tier +100 bps from order 51 (this is #51)');
    expect(above.lines.map((l) => l.scope)).toEqual(['sku', 'category']);
  });
});

describe('validityBound', () => {
  it('reads a date as that day in Asia/Shanghai, validTo inclusive', () => {
    expect(validityBound('2026-11-01', 'from')).toEqual(d('2026-10-31T16:00:00Z'));
    expect(validityBound('2026-11-30', 'to')).toEqual(d('2026-11-30T16:00:00Z'));
    expect(validityBound('2026-11-15T12:00:00Z', 'to')).toEqual(d('2026-11-15T12:00:00Z'));
    expect(validityBound(undefined, 'from')).toBeNull();
  });
});
