import { PERIOD_PATTERN, periodBounds, SHANGHAI_OFFSET_MS, ValidationError } from '@campus/core';

/** The longest window a report covers (a year and a day, so a leap year fits). */
export const MAX_WINDOW_DAYS = 366;

const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})$/;

/** A half-open window [from, to) of placement times, as UTC instants. */
export interface ReportWindow {
  from: Date;
  to: Date;
}

function realDay(y: number, m: number, d: number): boolean {
  const t = new Date(Date.UTC(y, m - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d;
}

/**
 * One bound of a window: `YYYY-MM-DD` is a calendar day in Asia/Shanghai (the start of the day for
 * `from`, the end of the day for `to`, so `to` is inclusive of that day); a date-time must carry
 * its offset (`Z` or `+08:00`) and is taken as given.
 */
export function parseBound(field: 'from' | 'to', value: string): Date {
  const day = DATE_ONLY.exec(value);
  if (day) {
    const [y, m, d] = day.slice(1).map(Number);
    if (!realDay(y, m, d)) throw ValidationError.field(field, 'is not a calendar date');
    return new Date(Date.UTC(y, m - 1, field === 'to' ? d + 1 : d) - SHANGHAI_OFFSET_MS);
  }
  const dt = DATE_TIME.exec(value);
  if (dt) {
    const [y, m, d] = dt.slice(1, 4).map(Number);
    const at = new Date(value);
    if (realDay(y, m, d) && !Number.isNaN(at.getTime())) return at;
  }
  throw ValidationError.field(
    field,
    'must be a date (YYYY-MM-DD, Asia/Shanghai) or an ISO 8601 date-time with offset',
  );
}

/** The window a `from`/`to` pair names: `from` before `to`, at most MAX_WINDOW_DAYS long (else 400). */
export function reportWindow(from: string, to: string): ReportWindow {
  const start = parseBound('from', from);
  const end = parseBound('to', to);
  if (start.getTime() >= end.getTime()) throw ValidationError.field('to', 'must be after from');
  if (end.getTime() - start.getTime() > MAX_WINDOW_DAYS * 86_400_000) {
    throw ValidationError.field('to', `a report covers at most ${MAX_WINDOW_DAYS} days`);
  }
  return { from: start, to: end };
}

/** [start, end) of a YYYY-MM period in Asia/Shanghai; a bad period is a 400 naming `period`. */
export function reportPeriod(period: string): ReportWindow {
  if (!PERIOD_PATTERN.test(period)) throw ValidationError.field('period', 'must be a month, YYYY-MM');
  const { start, end } = periodBounds(period);
  return { from: start, to: end };
}
