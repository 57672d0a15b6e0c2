import { campusTime, parcelTimers } from './parcel-schedule';

describe('parcelTimers', () => {
  const t0 = new Date('2025-11-28T02:00:00Z');
  const HOUR = 3_600_000;

  it('reminds at 24 h and 48 h and expires at the hold time (72 h by default)', () => {
    expect(parcelTimers(t0, 72, HOUR)).toEqual([
      { kind: 'reminder', hour: 24, at: new Date('2025-11-29T02:00:00Z') },
      { kind: 'reminder', hour: 48, at: new Date('2025-11-30T02:00:00Z') },
      { kind: 'expiry', hour: 72, at: new Date('2025-12-01T02:00:00Z') },
    ]);
  });

  it('drops reminders that would come at or after the expiry', () => {
    expect(parcelTimers(t0, 48, HOUR).map((t) => `${t.kind}@${t.hour}`)).toEqual([
      'reminder@24',
      'expiry@48',
    ]);
    expect(parcelTimers(t0, 12, HOUR).map((t) => `${t.kind}@${t.hour}`)).toEqual(['expiry@12']);
  });

  it('scales with the length of an hour (tests)', () => {
    expect(parcelTimers(t0, 72, 10).map((t) => t.at.getTime() - t0.getTime())).toEqual([240, 480, 720]);
  });
});

describe('campusTime', () => {
  it('shows month, day and time in Asia/Shanghai', () => {
    expect(campusTime(new Date('2025-11-28T18:30:00Z'))).toBe('11-29 02:30');
  });
});
