import {
  cashUpFigures,
  isCalendarDay,
  resendsLeftToday,
  secondsUntilNextShanghaiDay,
  shanghaiDay,
  shanghaiDayBounds,
} from './cash-up-policy';

describe('cash-up policy', () => {
  it('days are Shanghai calendar days', () => {
    expect(shanghaiDay(new Date('2026-11-25T15:59:59Z'))).toBe('2026-11-25');
    expect(shanghaiDay(new Date('2026-11-25T16:00:00Z'))).toBe('2026-11-26');
    expect(shanghaiDayBounds('2026-11-26')).toEqual({
      start: new Date('2026-11-25T16:00:00Z'),
      end: new Date('2026-11-26T16:00:00Z'),
    });
    expect(secondsUntilNextShanghaiDay(new Date('2026-11-26T15:59:00Z'))).toBe(60);
  });

  it('knows a calendar day when it sees one', () => {
    expect(isCalendarDay('2026-02-28')).toBe(true);
    expect(isCalendarDay('2026-02-30')).toBe(false);
    expect(isCalendarDay('2026-2-3')).toBe(false);
    expect(isCalendarDay('today')).toBe(false);
  });

  it('allows three replacement codes a day, counted afresh each day', () => {
    expect(resendsLeftToday(0, null, '2026-11-26')).toBe(3);
    expect(resendsLeftToday(2, '2026-11-26', '2026-11-26')).toBe(1);
    expect(resendsLeftToday(3, '2026-11-26', '2026-11-26')).toBe(0);
    expect(resendsLeftToday(3, '2026-11-25', '2026-11-26')).toBe(3);
  });

  it('the difference is what was handed in minus what should have been', () => {
    expect(cashUpFigures({ collectedCents: 10_000, refundedCents: 1_500, handedInCents: 8_000 })).toEqual({
      collectedCents: 10_000,
      refundedCents: 1_500,
      handedInCents: 8_000,
      expectedCents: 8_500,
      differenceCents: -500,
    });
    expect(cashUpFigures({ collectedCents: 0, refundedCents: 0, handedInCents: 0 }).differenceCents).toBe(0);
  });
});
