import { Injectable } from '@nestjs/common';
import type { AppConfig, RequestContext } from '@campus/core';
import { Db } from '@campus/database';
import { RetentionRule, Retains } from '@campus/queue';

/** Retention (issue 17.8): order idempotency keys older than RETENTION_IDEMPOTENCY_HOURS (at least 24 h: a client retrying within a day always finds its order). */
@Injectable()
@Retains('idempotency_keys')
export class IdempotencyKeysRetention implements RetentionRule {
  constructor(private readonly db: Db) {}

  async purge(ctx: RequestContext, config: AppConfig, limit: number): Promise<number> {
    const [row] = await this.db.query<{ n: number }>(
      ctx,
      `WITH d AS (DELETE FROM idempotency_keys WHERE (scope_id, key) IN (
         SELECT scope_id, key FROM idempotency_keys WHERE created_at < now() - make_interval(hours => $1) LIMIT $2)
         RETURNING 1)
       SELECT count(*)::int AS n FROM d`,
      [config.reliability.retentionIdempotencyHours, limit],
    );
    return row.n;
  }
}
