import { describe, expect, it } from 'vitest';
import { dayStartIso, refundActions, refundProblems, refundsByDay, shanghaiDay } from './refunds';

const r = (createdAt: string, amountCents: number, status: string, method = 'cash') => ({
  createdAt,
  amountCents,
  status,
  method,
});

describe('refundsByDay', () => {
  it('sums refunds per Shanghai day, newest first, in integer fen', () => {
    const days = refundsByDay([
      r('2026-11-25T15:59:00Z', 1000, 'owed'), // 23:59 in Shanghai on the 25th
      r('2026-11-25T16:01:00Z', 29, 'failed', 'alipay'), // 00:01 on the 26th
      r('2026-11-26T02:00:00Z', 71, 'succeeded', 'alipay'),
    ]);
    expect(days).toEqual([
      { day: '2026-11-26', count: 2, amountCents: 100, owedCents: 0, failed: 1 },
      { day: '2026-11-25', count: 1, amountCents: 1000, owedCents: 1000, failed: 0 },
    ]);
  });
  it('is empty for no refunds', () => {
    expect(refundsByDay([])).toEqual([]);
  });
});

describe('refundProblems', () => {
  it('counts cash still owed and failed Alipay refunds', () => {
    expect(
      refundProblems([
        r('2026-11-25T00:00:00Z', 500, 'owed'),
        r('2026-11-25T00:00:00Z', 300, 'owed'),
        r('2026-11-25T00:00:00Z', 900, 'paid_out'),
        r('2026-11-25T00:00:00Z', 100, 'failed', 'alipay'),
      ]),
    ).toEqual({ owedCents: 800, failed: 1 });
  });
});

describe('days and actions', () => {
  it('turns Shanghai days into the instants the API filters on', () => {
    expect(shanghaiDay('2026-11-25T16:30:00Z')).toBe('2026-11-26');
    expect(dayStartIso('2026-11-26')).toBe('2026-11-25T16:00:00.000Z');
    expect(dayStartIso('2026-11-26', true)).toBe('2026-11-26T16:00:00.000Z');
    expect(dayStartIso('26/11/2026')).toBeNull();
  });
  it('offers paid-out for owed cash, retry for failed Alipay refunds (admins)', () => {
    expect(refundActions({ method: 'cash', status: 'owed' }, false)).toEqual(['paid_out']);
    expect(refundActions({ method: 'manual', status: 'owed' }, false)).toEqual([]);
    expect(refundActions({ method: 'manual', status: 'owed' }, true)).toEqual(['paid_out']);
    expect(refundActions({ method: 'alipay', status: 'failed' }, true)).toEqual(['retry']);
    expect(refundActions({ method: 'alipay', status: 'failed' }, false)).toEqual([]);
    expect(refundActions({ method: 'cash', status: 'paid_out' }, true)).toEqual([]);
  });
});
