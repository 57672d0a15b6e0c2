/**
 * Money is integer minor units (fen). Percentages are basis points (1 bp = 0.01%).
 * Rounding happens here and nowhere else: half away from zero, on integers only.
 */
export type Cents = number;

export function assertCents(value: number, what = 'amount'): Cents {
  if (!Number.isSafeInteger(value)) {
    throw new RangeError(`${what} must be an integer number of cents, got ${value}`);
  }
  return value;
}

/** Integer division rounded half away from zero. */
export function divideRounded(numerator: number, denominator: number): number {
  if (!Number.isSafeInteger(numerator) || !Number.isSafeInteger(denominator) || denominator === 0) {
    throw new RangeError(`cannot divide ${numerator} by ${denominator}`);
  }
  const sign = Math.sign(numerator) * Math.sign(denominator);
  const n = Math.abs(numerator);
  const d = Math.abs(denominator);
  const q = Math.floor(n / d);
  const r = n - q * d;
  return sign * (r * 2 >= d ? q + 1 : q);
}

/** `cents × bps / 10 000`, rounded half-up once. */
export function applyBps(cents: Cents, bps: number): Cents {
  assertCents(cents);
  assertCents(bps, 'basis points');
  return divideRounded(cents * bps, 10_000);
}

export function sumCents(values: readonly Cents[]): Cents {
  let total = 0;
  for (const v of values) total += assertCents(v);
  return assertCents(total, 'sum');
}

/** ¥12.34 from 1234, for texts and exports; never parsed back. */
export function formatYuan(cents: Cents): string {
  assertCents(cents);
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  const yuan = Math.floor(abs / 100);
  const fen = String(abs % 100).padStart(2, '0');
  return `${sign}¥${yuan}.${fen}`;
}

/** "12.34" from 1234 (no currency sign), for CSV cells. */
export function formatDecimal(cents: Cents): string {
  return formatYuan(cents).replace('¥', '');
}
