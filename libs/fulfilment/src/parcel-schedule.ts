import { shanghaiIso } from '@campus/core';

/** Reminder texts go out this many hours after a parcel is deposited (if it is still there). */
export const REMINDER_HOURS = [24, 48] as const;

export interface ParcelTimer {
  kind: 'reminder' | 'expiry';
  /** Hours after the deposit. */
  hour: number;
  at: Date;
}

/**
 * The timers of a parcel deposited at `depositedAt`: a reminder at each REMINDER_HOURS mark that
 * comes before the hold ends, and the expiry at `holdHours`. `hourMs` is the length of an hour
 * (3 600 000 except in tests, which shorten it so the real timers fire in seconds).
 */
export function parcelTimers(depositedAt: Date, holdHours: number, hourMs: number): ParcelTimer[] {
  const at = (hour: number) => new Date(depositedAt.getTime() + hour * hourMs);
  return [
    ...REMINDER_HOURS.filter((h) => h < holdHours).map((hour) => ({
      kind: 'reminder' as const,
      hour,
      at: at(hour),
    })),
    { kind: 'expiry', hour: holdHours, at: at(holdHours) },
  ];
}

/** "11-28 18:00": a deadline as the customer reads it, in campus time (Asia/Shanghai). */
export function campusTime(at: Date): string {
  const local = shanghaiIso(at);
  return `${local.slice(5, 10)} ${local.slice(11, 16)}`;
}
