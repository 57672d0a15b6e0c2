import { Injectable } from '@nestjs/common';
import type { AppConfig, RequestContext } from '@campus/core';
import { Db } from '@campus/database';
import { RetentionRule, Retains } from '@campus/queue';

/** Retention (issue 17.8): wrong-pickup-code counters with no try and no lockout for RETENTION_CODES_HOURS (a run is remembered 15 minutes). */
@Injectable()
@Retains('pickup_lockouts')
export class PickupLockoutsRetention implements RetentionRule {
  constructor(private readonly db: Db) {}

  async purge(ctx: RequestContext, config: AppConfig, limit: number): Promise<number> {
    const [row] = await this.db.query<{ n: number }>(
      ctx,
      `WITH d AS (DELETE FROM pickup_lockouts WHERE (place_id, subject) IN (
         SELECT place_id, subject FROM pickup_lockouts
          WHERE (last_failed_at IS NULL OR last_failed_at < now() - make_interval(hours => $1))
            AND (locked_until IS NULL OR locked_until < now() - make_interval(hours => $1))
          LIMIT $2)
         RETURNING 1)
       SELECT count(*)::int AS n FROM d`,
      [config.reliability.retentionCodesHours, limit],
    );
    return row.n;
  }
}
