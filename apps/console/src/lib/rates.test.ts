import { describe, expect, it } from 'vitest';
import { bpsToPercent, formatBps } from './rates';

describe('formatBps', () => {
  it('shows basis points as a percentage with two decimals', () => {
    expect(formatBps(7143)).toBe('71.43%');
    expect(formatBps(10000)).toBe('100.00%');
    expect(formatBps(5)).toBe('0.05%');
    expect(formatBps(0)).toBe('0.00%');
  });
  it('shows a rate without a denominator as a dash', () => {
    expect(formatBps(null)).toBe('—');
    expect(formatBps(undefined)).toBe('—');
  });
  it('gives charts percent numbers', () => {
    expect(bpsToPercent(7143)).toBe(71.43);
    expect(bpsToPercent(null)).toBeNull();
  });
});
