import { Injectable } from '@nestjs/common';
import type { AppConfig, RequestContext } from '@campus/core';
import { Db } from '@campus/database';
import { RetentionRule, Retains } from '@campus/queue';

/** Retention (issue 17.8): one-time sign-in codes expired more than RETENTION_CODES_HOURS ago (used or not). */
@Injectable()
@Retains('otp_codes')
export class OtpCodesRetention implements RetentionRule {
  constructor(private readonly db: Db) {}

  async purge(ctx: RequestContext, config: AppConfig, limit: number): Promise<number> {
    const [row] = await this.db.query<{ n: number }>(
      ctx,
      `WITH d AS (DELETE FROM otp_codes WHERE id IN (
         SELECT id FROM otp_codes WHERE expires_at < now() - make_interval(hours => $1) LIMIT $2)
         RETURNING 1)
       SELECT count(*)::int AS n FROM d`,
      [config.reliability.retentionCodesHours, limit],
    );
    return row.n;
  }
}

/** Retention (issue 17.8): hourly sign-in-code budgets older than RETENTION_CODES_HOURS (only the current hour counts). */
@Injectable()
@Retains('otp_hourly_budget')
export class OtpBudgetRetention implements RetentionRule {
  constructor(private readonly db: Db) {}

  async purge(ctx: RequestContext, config: AppConfig, limit: number): Promise<number> {
    const [row] = await this.db.query<{ n: number }>(
      ctx,
      `WITH d AS (DELETE FROM otp_hourly_budget WHERE hour IN (
         SELECT hour FROM otp_hourly_budget WHERE hour < now() - make_interval(hours => $1) LIMIT $2)
         RETURNING 1)
       SELECT count(*)::int AS n FROM d`,
      [config.reliability.retentionCodesHours, limit],
    );
    return row.n;
  }
}
