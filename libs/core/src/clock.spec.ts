import { periodBounds, shanghaiIso, shanghaiPeriod } from './clock';

describe('shanghaiPeriod', () => {
  it('uses the Shanghai calendar month', () => {
    expect(shanghaiPeriod(new Date('2026-10-31T15:59:59Z'))).toBe('2026-10');
    expect(shanghaiPeriod(new Date('2026-10-31T16:00:00Z'))).toBe('2026-11');
    expect(shanghaiPeriod(new Date('2026-12-31T16:00:00Z'))).toBe('2027-01');
  });

  it('gives the UTC bounds of a period', () => {
    const { start, end } = periodBounds('2026-11');
    expect(start.toISOString()).toBe('2026-10-31T16:00:00.000Z');
    expect(end.toISOString()).toBe('2026-11-30T16:00:00.000Z');
    expect(() => periodBounds('2026-13')).toThrow(RangeError);
  });
});

describe('shanghaiIso', () => {
  it('reads an instant on a Shanghai wall clock (UTC+8, across midnight)', () => {
    expect(shanghaiIso(new Date('2026-11-30T16:30:00Z'))).toBe('2026-12-01T00:30:00.000');
    expect(shanghaiIso(new Date('2026-11-30T15:59:59.999Z'))).toBe('2026-11-30T23:59:59.999');
  });
});
