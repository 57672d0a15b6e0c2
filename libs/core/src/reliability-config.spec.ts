import { ConfigError, loadConfig } from './config';

const valid = {
  DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/x',
  REDIS_URL: 'redis://127.0.0.1:6379',
  JWT_SECRET: 'a-very-long-secret-value',
  ADMIN_USERNAME: 'admin',
  ADMIN_PASSWORD: 'admin-password',
  PUBLIC_BASE_URL: 'http://localhost:3000/',
  PAYMENT_WEBHOOK_SECRET: 'another-long-secret',
};

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

describe('reliability configuration (issue 17.7–17.8)', () => {
  it('has defaults', () => {
    expect(loadConfig(valid).reliability).toEqual({
      jobRetryHours: 24,
      jobBackoffBaseMs: 2_000,
      jobBackoffMaxMs: 300_000,
      sweepIntervalMs: 60_000,
      smsSendingStaleSeconds: 120,
      dbStatementTimeoutMs: 15_000,
      dbReportStatementTimeoutMs: 120_000,
      dbWorkerStatementTimeoutMs: 60_000,
      dbIdleInTransactionTimeoutMs: 60_000,
      retentionIntervalMinutes: 60,
      retentionIdempotencyHours: 72,
      retentionProcessedJobsHours: 336,
      retentionCodesHours: 168,
      retentionSmsDays: 90,
    });
  });

  it.each([
    ['JOB_RETRY_HOURS', '0'],
    ['JOB_RETRY_HOURS', 'a day'],
    ['JOB_BACKOFF_BASE_MS', '-1'],
    ['JOB_BACKOFF_MAX_MS', '1.5'],
    ['SWEEP_INTERVAL_MS', '10'],
    ['SMS_SENDING_STALE_SECONDS', '0'],
    ['DB_STATEMENT_TIMEOUT_MS', '0'],
    ['DB_REPORT_STATEMENT_TIMEOUT_MS', 'long'],
    ['DB_WORKER_STATEMENT_TIMEOUT_MS', '10'],
    ['DB_IDLE_IN_TRANSACTION_TIMEOUT_MS', '99'],
    ['RETENTION_IDEMPOTENCY_HOURS', '23'],
    ['RETENTION_INTERVAL_MINUTES', '0'],
    ['RETENTION_CODES_HOURS', '0'],
    ['RETENTION_SMS_DAYS', '0'],
  ])('refuses %s=%p at boot', (name, value) => {
    expect(problems({ ...valid, [name]: value }).join('\n')).toContain(name);
  });

  it('keeps idempotency keys at least 24 hours', () => {
    expect(
      loadConfig({ ...valid, RETENTION_IDEMPOTENCY_HOURS: '24' }).reliability.retentionIdempotencyHours,
    ).toBe(24);
    expect(problems({ ...valid, RETENTION_IDEMPOTENCY_HOURS: '12' })[0]).toContain(
      'RETENTION_IDEMPOTENCY_HOURS',
    );
  });

  it('keeps processed-job markers longer than any redelivery (retry window + the sweeper’s hour)', () => {
    expect(problems({ ...valid, JOB_RETRY_HOURS: '48', RETENTION_PROCESSED_JOBS_HOURS: '49' })).toEqual([
      expect.stringContaining('RETENTION_PROCESSED_JOBS_HOURS must exceed JOB_RETRY_HOURS + 1'),
    ]);
    expect(
      loadConfig({ ...valid, JOB_RETRY_HOURS: '48', RETENTION_PROCESSED_JOBS_HOURS: '50' }).reliability
        .retentionProcessedJobsHours,
    ).toBe(50);
  });

  it('needs the back-off cap above its base, and reports no shorter than the API class', () => {
    expect(problems({ ...valid, JOB_BACKOFF_BASE_MS: '5000', JOB_BACKOFF_MAX_MS: '1000' })).toEqual([
      'JOB_BACKOFF_MAX_MS must be at least JOB_BACKOFF_BASE_MS',
    ]);
    expect(
      problems({ ...valid, DB_STATEMENT_TIMEOUT_MS: '60000', DB_REPORT_STATEMENT_TIMEOUT_MS: '30000' }),
    ).toEqual(['DB_REPORT_STATEMENT_TIMEOUT_MS must be at least DB_STATEMENT_TIMEOUT_MS']);
  });

  it('refuses a sweep faster than every 30 s in production (the idle statement budget)', () => {
    const production = problems({ ...valid, NODE_ENV: 'production', SWEEP_INTERVAL_MS: '5000' });
    expect(production).toEqual(
      expect.arrayContaining([
        expect.stringContaining('SWEEP_INTERVAL_MS must be at least 30000 in production'),
      ]),
    );
    expect(loadConfig({ ...valid, SWEEP_INTERVAL_MS: '5000' }).reliability.sweepIntervalMs).toBe(5_000);
  });
});
