/**
 * How a failing job is retried (issue 17.7): capped exponential back-off — the n-th retry waits
 * `min(maxMs, baseMs · 2^(n-1))` — for at least `retryHours`, then the job is a dead letter (Bull's
 * failed set, reported by health and the dashboard, re-run by an admin). The attempt count is
 * derived from the window so that an outage of up to `retryHours` never loses a job.
 */
export interface RetrySchedule {
  baseMs: number;
  maxMs: number;
  retryHours: number;
}

/** The custom Bull back-off strategy's name (registered on every queue). */
export const CAPPED_BACKOFF = 'capped-exponential';

/** Delay before retry number `attemptsMade` (1 = the first retry). */
export function retryDelayMs(
  schedule: Pick<RetrySchedule, 'baseMs' | 'maxMs'>,
  attemptsMade: number,
): number {
  const n = Math.max(1, attemptsMade);
  // 2^(n-1) overflows nothing that matters: past ~40 doublings the cap has long applied.
  const exp = n > 40 ? Infinity : schedule.baseMs * 2 ** (n - 1);
  return Math.min(schedule.maxMs, exp);
}

/** The number of attempts whose retry delays add up to at least `retryHours`. */
export function attemptsFor(schedule: RetrySchedule): number {
  const windowMs = schedule.retryHours * 3_600_000;
  let total = 0;
  let attempts = 1;
  while (total < windowMs) {
    total += retryDelayMs(schedule, attempts);
    attempts++;
  }
  return attempts;
}

/** The time from the first attempt to the last one (the sum of the retry delays). */
export function retrySpanMs(schedule: Pick<RetrySchedule, 'baseMs' | 'maxMs'>, attempts: number): number {
  let total = 0;
  for (let n = 1; n < attempts; n++) total += retryDelayMs(schedule, n);
  return total;
}
