import { SHANGHAI_OFFSET_MS, shanghaiIso } from '@campus/core';

/** Campus days are Asia/Shanghai calendar days (UTC+8, no daylight saving). */
const DAY_MS = 24 * 3600_000;

/** At most this many replacement pickup codes per parcel and Shanghai day. */
export const MAX_CODE_RESENDS_PER_DAY = 3;

/** "2026-11-26": the Shanghai calendar day `at` falls in. */
export function shanghaiDay(at: Date): string {
  return shanghaiIso(at).slice(0, 10);
}

/** Whether `day` is a real calendar day written YYYY-MM-DD. */
export function isCalendarDay(day: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return false;
  const d = new Date(`${day}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === day;
}

/** The instants a Shanghai day runs over: [start, end). */
export function shanghaiDayBounds(day: string): { start: Date; end: Date } {
  const start = new Date(new Date(`${day}T00:00:00Z`).getTime() - SHANGHAI_OFFSET_MS);
  return { start, end: new Date(start.getTime() + DAY_MS) };
}

/** Seconds from `at` until the next Shanghai midnight (when a per-day limit starts again). */
export function secondsUntilNextShanghaiDay(at: Date): number {
  const { end } = shanghaiDayBounds(shanghaiDay(at));
  return Math.max(1, Math.ceil((end.getTime() - at.getTime()) / 1000));
}

/**
 * How many more codes a parcel may be sent today, given what its row says (`resends` counted on
 * `resendDay`; a count from an earlier day no longer applies).
 */
export function resendsLeftToday(resends: number, resendDay: string | null, today: string): number {
  const used = resendDay === today ? resends : 0;
  return Math.max(0, MAX_CODE_RESENDS_PER_DAY - used);
}

export interface CashUpFigures {
  collectedCents: number;
  refundedCents: number;
  handedInCents: number;
  /** What should have been handed in: collected − refunded. */
  expectedCents: number;
  /** handed in − expected: negative means cash is missing, positive means more was handed in. */
  differenceCents: number;
}

/** The counter's cash for a day, from the three sums (integer fen, no rounding anywhere). */
export function cashUpFigures(sums: {
  collectedCents: number;
  refundedCents: number;
  handedInCents: number;
}): CashUpFigures {
  const expectedCents = sums.collectedCents - sums.refundedCents;
  return { ...sums, expectedCents, differenceCents: sums.handedInCents - expectedCents };
}
