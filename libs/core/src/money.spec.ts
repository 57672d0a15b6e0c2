import { applyBps, divideRounded, formatDecimal, formatYuan, sumCents } from './money';

describe('money', () => {
  it('rounds half away from zero exactly once', () => {
    expect(divideRounded(5, 10)).toBe(1);
    expect(divideRounded(4, 10)).toBe(0);
    expect(divideRounded(-5, 10)).toBe(-1);
    expect(divideRounded(15, 10)).toBe(2);
  });

  it('applies basis points on integer cents', () => {
    expect(applyBps(12_345, 500)).toBe(617); // 617.25
    expect(applyBps(10_001, 5_000)).toBe(5_001); // 5000.5 rounds up
    expect(applyBps(-10_001, 5_000)).toBe(-5_001);
    expect(applyBps(0, 9_999)).toBe(0);
  });

  it('refuses fractional cents', () => {
    expect(() => applyBps(10.5, 100)).toThrow(RangeError);
    expect(() => sumCents([1, 0.1])).toThrow(RangeError);
  });

  it('formats yuan from cents', () => {
    expect(formatYuan(1234)).toBe('¥12.34');
    expect(formatYuan(5)).toBe('¥0.05');
    expect(formatYuan(-250)).toBe('-¥2.50');
    expect(formatDecimal(100000)).toBe('1000.00');
  });
});
