import { describe, expect, it } from 'vitest';
import { centsToInput, formatCents, parseYuan } from './money';

describe('formatCents', () => {
  it('shows integer cents as yuan with two decimals', () => {
    expect(formatCents(1234)).toBe('¥12.34');
    expect(formatCents(5)).toBe('¥0.05');
    expect(formatCents(0)).toBe('¥0.00');
    expect(formatCents(29900)).toBe('¥299.00');
  });
  it('groups thousands and keeps the sign', () => {
    expect(formatCents(123456789)).toBe('¥1,234,567.89');
    expect(formatCents(-1234)).toBe('-¥12.34');
  });
  it('refuses what is not a whole number of cents', () => {
    expect(formatCents(12.5)).toBe('—');
    expect(formatCents(Number.NaN)).toBe('—');
  });
});

describe('parseYuan', () => {
  it('reads yuan amounts into cents without floating point', () => {
    expect(parseYuan('12.34')).toBe(1234);
    expect(parseYuan('¥12.3')).toBe(1230);
    expect(parseYuan('12')).toBe(1200);
    expect(parseYuan('0.29')).toBe(29);
    expect(parseYuan('1,234.56')).toBe(123456);
    // 0.1 + 0.2 style traps: 19.99 * 100 is 1998.9999999999998 in floating point.
    expect(parseYuan('19.99')).toBe(1999);
  });
  it('rejects more than two decimals and anything not a number', () => {
    expect(parseYuan('12.345')).toBeNull();
    expect(parseYuan('abc')).toBeNull();
    expect(parseYuan('')).toBeNull();
  });
  it('round-trips through the input form', () => {
    expect(centsToInput(123456)).toBe('1234.56');
    expect(parseYuan(centsToInput(123456))).toBe(123456);
  });
});
