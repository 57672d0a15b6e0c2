import { Injectable } from '@nestjs/common';
import type { RequestContext } from '@campus/core';
import { Db } from '@campus/database';

/** Wrong pickup codes allowed in a row before further tries are refused. */
export const MAX_WRONG_CODES = 5;
/** How long further tries are refused, and how long a run of wrong tries is remembered. */
export const LOCKOUT_MINUTES = 15;

/**
 * Counts wrong pickup codes per place (locker or counter) and subject (`phone:<number>`, which names
 * a parcel, or `caller:<id>`). The count lives in PostgreSQL, so it holds across API replicas, and
 * its row is locked for the whole attempt, so concurrent guesses are counted one by one.
 */
@Injectable()
export class PickupLockouts {
  constructor(private readonly db: Db) {}

  /** Locks the subject's counter for this attempt; `lockedForSeconds` > 0 while tries are refused. */
  async check(ctx: RequestContext, placeId: string, subject: string): Promise<{ lockedForSeconds: number }> {
    await this.db.query(
      ctx,
      `INSERT INTO pickup_lockouts (place_id, subject) VALUES ($1, $2) ON CONFLICT DO NOTHING`,
      [placeId, subject],
    );
    const [row] = await this.db.query<{ locked_for: number }>(
      ctx,
      `SELECT CASE WHEN locked_until > now() THEN ceil(extract(epoch FROM locked_until - now()))::int ELSE 0 END
              AS locked_for
         FROM pickup_lockouts WHERE place_id = $1 AND subject = $2 FOR UPDATE`,
      [placeId, subject],
    );
    return { lockedForSeconds: row.locked_for };
  }

  /** Records a wrong try (after `check`); the MAX_WRONG_CODES-th in a row starts the lockout. */
  async fail(ctx: RequestContext, placeId: string, subject: string): Promise<{ triesLeft: number }> {
    const [row] = await this.db.query<{ failures: number }>(
      ctx,
      `UPDATE pickup_lockouts
          SET failures = CASE WHEN last_failed_at IS NULL OR last_failed_at < now() - make_interval(mins => $3)
                              THEN 1 ELSE failures + 1 END,
              last_failed_at = now()
        WHERE place_id = $1 AND subject = $2 RETURNING failures`,
      [placeId, subject, LOCKOUT_MINUTES],
    );
    if (row.failures < MAX_WRONG_CODES) return { triesLeft: MAX_WRONG_CODES - row.failures };
    await this.db.query(
      ctx,
      `UPDATE pickup_lockouts SET failures = 0, locked_until = now() + make_interval(mins => $3)
        WHERE place_id = $1 AND subject = $2`,
      [placeId, subject, LOCKOUT_MINUTES],
    );
    return { triesLeft: 0 };
  }

  /** A right code forgets the run of wrong ones. */
  async clear(ctx: RequestContext, placeId: string, subject: string): Promise<void> {
    await this.db.query(ctx, `DELETE FROM pickup_lockouts WHERE place_id = $1 AND subject = $2`, [
      placeId,
      subject,
    ]);
  }
}
