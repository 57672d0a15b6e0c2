import { ValidationError } from '@campus/core';
import { parseBound, reportPeriod, reportWindow } from './report-window';

describe('reportWindow', () => {
  it('reads calendar dates as Asia/Shanghai days, `to` inclusive', () => {
    const sut = reportWindow('2026-11-01', '2026-11-30');
    expect(sut.from.toISOString()).toBe('2026-10-31T16:00:00.000Z');
    expect(sut.to.toISOString()).toBe('2026-11-30T16:00:00.000Z');
  });

  it('takes date-times with their offset as given', () => {
    const sut = reportWindow('2026-11-01T08:00:00+08:00', '2026-11-01T01:00:00Z');
    expect(sut.from.toISOString()).toBe('2026-11-01T00:00:00.000Z');
    expect(sut.to.toISOString()).toBe('2026-11-01T01:00:00.000Z');
  });

  it.each([
    ['2026-02-30', 'from'],
    ['yesterday', 'from'],
    ['2026-11-01T10:00:00', 'from'],
    ['2026-13-01T10:00:00Z', 'from'],
  ])('refuses %s naming the field', (bad, field) => {
    expect(() => parseBound('from', bad)).toThrow(ValidationError);
    try {
      parseBound('from', bad);
    } catch (e) {
      expect((e as ValidationError).errors[0].field).toBe(field);
    }
  });

  it('refuses from after to, an empty window, and more than 366 days', () => {
    expect(() => reportWindow('2026-11-02', '2026-11-01')).toThrow('to: must be after from');
    expect(() => reportWindow('2026-11-01T00:00:00Z', '2026-11-01T00:00:00Z')).toThrow(/must be after/);
    expect(() => reportWindow('2025-01-01', '2026-01-02')).toThrow(/at most 366 days/);
    expect(reportWindow('2024-01-01', '2024-12-31').to.getTime()).toBeGreaterThan(0);
  });
});

describe('reportPeriod', () => {
  it('is the Asia/Shanghai month, and a bad one names `period`', () => {
    expect(reportPeriod('2026-11').from.toISOString()).toBe('2026-10-31T16:00:00.000Z');
    expect(() => reportPeriod('2026-13')).toThrow('period: must be a month, YYYY-MM');
  });
});
