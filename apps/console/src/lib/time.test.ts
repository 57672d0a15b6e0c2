import { describe, expect, it } from 'vitest';
import { ageOf, formatTime, previousPeriod, shanghaiDay, shanghaiPeriod, shanghaiToIso } from './time';

describe('time in Asia/Shanghai', () => {
  it('shows UTC instants as Shanghai wall-clock time (UTC+8)', () => {
    expect(formatTime('2026-11-25T23:45:00Z')).toBe('2026-11-26 07:45');
    expect(formatTime(null)).toBe('—');
    expect(formatTime('not a date')).toBe('—');
  });
  it('reads a Shanghai date and time as the UTC instant', () => {
    expect(shanghaiToIso('2026-11-27', '14:00')).toBe('2026-11-27T06:00:00.000Z');
    expect(shanghaiToIso('2026-11-27', '')).toBeNull();
  });
  it('puts an instant in its Shanghai month, also across the UTC month end', () => {
    expect(shanghaiPeriod(new Date('2026-11-30T16:30:00Z'))).toBe('2026-12');
    expect(shanghaiPeriod(new Date('2026-11-30T15:30:00Z'))).toBe('2026-11');
  });
  it('names the month before, across the year end', () => {
    expect(previousPeriod(new Date('2026-11-10T00:00:00Z'))).toBe('2026-10');
    expect(previousPeriod(new Date('2026-01-10T00:00:00Z'))).toBe('2025-12');
  });

  it('knows the Shanghai day and how long ago something was', () => {
    expect(shanghaiDay(new Date('2026-11-25T16:00:00Z'))).toBe('2026-11-26');
    const now = new Date('2026-11-26T12:00:00Z');
    expect(ageOf('2026-11-26T11:15:00Z', now)).toEqual({ unit: 'minutes', count: 45 });
    expect(ageOf('2026-11-26T02:00:00Z', now)).toEqual({ unit: 'hours', count: 10 });
    expect(ageOf('2026-11-23T12:00:00Z', now)).toEqual({ unit: 'days', count: 3 });
  });
});
