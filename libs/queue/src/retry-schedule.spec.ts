import { attemptsFor, retryDelayMs, retrySpanMs } from './retry-schedule';

describe('retry schedule (capped exponential back-off)', () => {
  const production = { baseMs: 2_000, maxMs: 300_000, retryHours: 24 };

  it('doubles the delay from the base and never exceeds the cap', () => {
    const delays = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 50, 500].map((n) => retryDelayMs(production, n));
    expect(delays.slice(0, 8)).toEqual([2_000, 4_000, 8_000, 16_000, 32_000, 64_000, 128_000, 256_000]);
    expect(delays.slice(8)).toEqual([300_000, 300_000, 300_000, 300_000]);
  });

  it('retries for at least JOB_RETRY_HOURS, and not a whole capped step longer', () => {
    for (const retryHours of [1, 24, 72]) {
      const s = { ...production, retryHours };
      const attempts = attemptsFor(s);
      const span = retrySpanMs(s, attempts);
      expect(span).toBeGreaterThanOrEqual(retryHours * 3_600_000);
      expect(retrySpanMs(s, attempts - 1)).toBeLessThan(retryHours * 3_600_000);
    }
    // 24 h at a 5-minute cap: 8 growing steps (510 s) then 287 retries 5 minutes apart: 296 attempts.
    expect(attemptsFor(production)).toBe(296);
  });

  it('a short cap keeps retrying often: a 3-minute outage at a 10 s cap is retried within 10 s of its end', () => {
    const s = { baseMs: 200, maxMs: 10_000, retryHours: 24 };
    expect(Math.max(...Array.from({ length: 100 }, (_, i) => retryDelayMs(s, i + 1)))).toBe(10_000);
    expect(attemptsFor(s)).toBeGreaterThan(8_000);
  });
});
