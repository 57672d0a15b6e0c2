import { Injectable } from '@nestjs/common';
import type { RequestContext } from '@campus/core';
import { Db, Sql, sql } from '@campus/database';

/**
 * The consumer idempotency helper: `once` runs `effect` only if (consumer, key) was never recorded,
 * and records it in the same transaction as the effect. A job delivered twice has one effect.
 */
@Injectable()
export class ProcessedJobs {
  constructor(private readonly db: Db) {}

  /**
   * The claim as a fragment for the consumer's own statement (a CTE; issue 18: no round trip of its
   * own). Rows come back (`key`) only when (consumer, key) was never recorded. The statement must run
   * in the transaction of the effect it guards.
   */
  claimFragment(consumer: string, key: string): Sql {
    return sql`INSERT INTO processed_jobs (consumer, key) VALUES (${consumer}::text, ${key}::text)
       ON CONFLICT DO NOTHING RETURNING key`;
  }

  /** Returns true when the effect ran now, false when it had already run. */
  async once(
    ctx: RequestContext,
    consumer: string,
    key: string,
    effect: (ctx: RequestContext) => Promise<void>,
  ): Promise<boolean> {
    return this.db.transaction(ctx, async (tx) => {
      const claimed = await this.db.query(
        tx,
        `INSERT INTO processed_jobs (consumer, key) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING key`,
        [consumer, key],
      );
      if (claimed.length === 0) return false;
      await effect(tx);
      return true;
    });
  }
}
