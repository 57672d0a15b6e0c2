import { applyBps, divideRounded, sumCents } from '@campus/core';

/** A commission rule: for one SKU, one category, or the default (neither). */
export interface CommissionRule {
  id: string;
  sku: string | null;
  category: string | null;
  rateBps: number;
  fixedCents: number;
  validFrom: Date | null;
  validTo: Date | null;
  createdAt: Date;
}

/** A monthly volume tier of a region: from the `fromOrder`-th completed order of a month, +`bonusBps`. */
export interface CommissionTier {
  id: string;
  regionId: string;
  fromOrder: number;
  bonusBps: number;
  validFrom: Date | null;
  validTo: Date | null;
  createdAt: Date;
}

export interface CommissionLine {
  sku: string;
  category: string;
  quantity: number;
  unitPriceCents: number;
  lineTotalCents: number;
}

export type RuleScope = 'sku' | 'category' | 'default';

export interface LineCommission {
  sku: string;
  category: string;
  quantity: number;
  lineTotalCents: number;
  ruleId: string | null;
  scope: RuleScope | null;
  rateBps: number;
  tierBonusBps: number;
  fixedCents: number;
  amountCents: number;
}

export interface OrderCommission {
  amountCents: number;
  ruleIds: string[];
  tierId: string | null;
  /** The agent's rank of this order among their completed orders of the month (1 = first). */
  rank: number;
  lines: LineCommission[];
  description: string;
}

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * A validity bound from the API: a date means that day in Asia/Shanghai (a `validFrom` day starts at
 * its midnight; a `validTo` day is included, so it ends at the next midnight); a timestamp is taken as is.
 */
export function validityBound(value: string | undefined, edge: 'from' | 'to'): Date | null {
  if (value === undefined) return null;
  if (DATE_ONLY.test(value)) {
    const start = new Date(`${value}T00:00:00+08:00`);
    return edge === 'from' ? start : new Date(start.getTime() + 24 * 3600_000);
  }
  return new Date(value);
}

/** Validity is [validFrom, validTo): from inclusive, to exclusive; open ends are unbounded. */
export function isValidAt(v: { validFrom: Date | null; validTo: Date | null }, at: Date): boolean {
  const t = at.getTime();
  return (
    (v.validFrom === null || v.validFrom.getTime() <= t) && (v.validTo === null || t < v.validTo.getTime())
  );
}

export function ruleScope(rule: Pick<CommissionRule, 'sku' | 'category'>): RuleScope {
  return rule.sku !== null ? 'sku' : rule.category !== null ? 'category' : 'default';
}

/** Newer wins among equally specific rules: the later start, then the later creation, then the id. */
function newer<T extends { id: string; validFrom: Date | null; createdAt: Date }>(a: T, b: T): T {
  const fa = a.validFrom?.getTime() ?? -Infinity;
  const fb = b.validFrom?.getTime() ?? -Infinity;
  if (fa !== fb) return fa > fb ? a : b;
  if (a.createdAt.getTime() !== b.createdAt.getTime()) return a.createdAt > b.createdAt ? a : b;
  return a.id > b.id ? a : b;
}

/**
 * The rule for a line at an instant: the most specific valid rule wins (SKU over category over the
 * default); among equally specific ones the newest (latest `validFrom`, then latest created). Null
 * when no rule applies.
 */
export function selectRule(
  rules: readonly CommissionRule[],
  line: Pick<CommissionLine, 'sku' | 'category'>,
  at: Date,
): CommissionRule | null {
  const order: RuleScope[] = ['sku', 'category', 'default'];
  for (const scope of order) {
    let best: CommissionRule | null = null;
    for (const r of rules) {
      if (ruleScope(r) !== scope || !isValidAt(r, at)) continue;
      if (scope === 'sku' && r.sku !== line.sku) continue;
      if (scope === 'category' && r.category !== line.category) continue;
      best = best ? newer(best, r) : r;
    }
    if (best) return best;
  }
  return null;
}

/**
 * The tier of a region that applies to the agent's `rank`-th completed order of the month: the valid
 * tier with the highest threshold not above the rank (the newest on a tie). Null below every tier.
 */
export function selectTier(tiers: readonly CommissionTier[], rank: number, at: Date): CommissionTier | null {
  let best: CommissionTier | null = null;
  for (const t of tiers) {
    if (t.fromOrder > rank || !isValidAt(t, at)) continue;
    if (!best || t.fromOrder > best.fromOrder || (t.fromOrder === best.fromOrder && newer(best, t) === t)) {
      best = t;
    }
  }
  return best;
}

/**
 * One line's commission: (rule rate + tier bonus) in basis points of the line total, rounded half-up
 * once, plus the rule's fixed amount per unit. A line without a rule earns only the tier bonus.
 * Commission is on the PAID amount: `lineTotalCents` is after every discount (promotions, flash-sale
 * price, the line's share of spend-and-save and coupons), and a free line (a gift, or a line whose
 * discounts cover it) earns nothing, not even the fixed amount — nothing was sold.
 */
export function lineCommission(
  line: CommissionLine,
  rule: CommissionRule | null,
  tierBonusBps: number,
): LineCommission {
  const rateBps = rule?.rateBps ?? 0;
  const fixedCents = line.lineTotalCents > 0 ? (rule?.fixedCents ?? 0) : 0;
  const amountCents = applyBps(line.lineTotalCents, rateBps + tierBonusBps) + fixedCents * line.quantity;
  return {
    sku: line.sku,
    category: line.category,
    quantity: line.quantity,
    lineTotalCents: line.lineTotalCents,
    ruleId: rule?.id ?? null,
    scope: rule ? ruleScope(rule) : null,
    rateBps,
    tierBonusBps,
    fixedCents,
    amountCents,
  };
}

/** The commission an order earns for its attributed agent, line by line, with a readable account. */
export function orderCommission(input: {
  lines: readonly CommissionLine[];
  rules: readonly CommissionRule[];
  tiers: readonly CommissionTier[];
  rank: number;
  at: Date;
}): OrderCommission {
  const tier = selectTier(input.tiers, input.rank, input.at);
  const bonus = tier?.bonusBps ?? 0;
  const lines = input.lines.map((l) => lineCommission(l, selectRule(input.rules, l, input.at), bonus));
  const ruleIds = [...new Set(lines.flatMap((l) => (l.ruleId ? [l.ruleId] : [])))];
  const parts = lines.map((l) => {
    const how = l.ruleId ? `${l.scope} rule ${l.rateBps} bps + ${l.fixedCents}/unit` : 'no rule';
    return `${l.sku}×${l.quantity}: ${how} = ${l.amountCents}`;
  });
  const tierText = tier
    ? `; tier +${tier.bonusBps} bps from order ${tier.fromOrder} (this is #${input.rank})`
    : '';
  return {
    amountCents: sumCents(lines.map((l) => l.amountCents)),
    ruleIds,
    tierId: tier?.id ?? null,
    rank: input.rank,
    lines,
    description: `${parts.join('; ')}${tierText}`,
  };
}

/** One returned line of a partial return, as the order booked it. */
export interface ReturnedCommissionLine {
  lineIndex: number;
  quantity: number;
  returnedBefore: number;
  lineQuantity: number;
}

/**
 * What a partial return takes back of an order's commission: for each returned line, the returned
 * units' share of that line's commission (tier bonus included, as it was earned on the line), by
 * cumulative proration — the share of all units returned so far minus what earlier returns took —
 * rounded half-up once, so a line returned in several goes reverses exactly its commission.
 */
export function partialReversal(
  earned: readonly LineCommission[],
  returned: readonly ReturnedCommissionLine[],
): {
  amountCents: number;
  lines: { lineIndex: number; sku: string; quantity: number; amountCents: number }[];
} {
  const lines = returned.map((r) => {
    const line = earned[r.lineIndex];
    if (!line || line.quantity !== r.lineQuantity) {
      throw new RangeError(`line ${r.lineIndex} of the commission does not match the returned line`);
    }
    const upTo = (n: number) => divideRounded(line.amountCents * n, line.quantity);
    return {
      lineIndex: r.lineIndex,
      sku: line.sku,
      quantity: r.quantity,
      amountCents: upTo(r.returnedBefore + r.quantity) - upTo(r.returnedBefore),
    };
  });
  return { amountCents: lines.reduce((n, l) => n + l.amountCents, 0), lines };
}
