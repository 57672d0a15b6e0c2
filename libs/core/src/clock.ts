/** The time source; tests replace it to move time without sleeping. */
export abstract class Clock {
  abstract now(): Date;

  /**
   * Calls `listener` whenever the clock jumps instead of running (a test clock moved forward), so
   * whoever sleeps until a time by this clock (the outbox relay's timers) can look again. The system
   * clock never jumps. Returns the way to stop listening.
   */
  onJump(listener: () => void): () => void {
    void listener;
    return () => undefined;
  }
}

export class SystemClock extends Clock {
  now(): Date {
    return new Date();
  }
}

/** Asia/Shanghai (campus time, the settlement time zone) is UTC+8 all year: no daylight saving. */
export const SHANGHAI_OFFSET_MS = 8 * 3600_000;

/**
 * `at` as read on a Shanghai wall clock, ISO-formatted without a zone: "2026-11-26T07:45:00.000".
 * Slice it for a day (0, 10), a minute (0, 16) or a second (0, 19).
 */
export function shanghaiIso(at: Date): string {
  return new Date(at.getTime() + SHANGHAI_OFFSET_MS).toISOString().slice(0, 23);
}

/** Calendar month (YYYY-MM) of an instant in Asia/Shanghai, the settlement time zone. */
export function shanghaiPeriod(at: Date): string {
  const shifted = new Date(at.getTime() + SHANGHAI_OFFSET_MS);
  return `${shifted.getUTCFullYear()}-${String(shifted.getUTCMonth() + 1).padStart(2, '0')}`;
}

export const PERIOD_PATTERN = /^\d{4}-(0[1-9]|1[0-2])$/;

/** [start, end) of a YYYY-MM period in Asia/Shanghai, as UTC instants. */
export function periodBounds(period: string): { start: Date; end: Date } {
  if (!PERIOD_PATTERN.test(period)) throw new RangeError(`bad period ${period}`);
  const [y, m] = period.split('-').map(Number);
  const start = new Date(Date.UTC(y, m - 1, 1) - SHANGHAI_OFFSET_MS);
  const end = new Date(Date.UTC(y, m, 1) - SHANGHAI_OFFSET_MS);
  return { start, end };
}
