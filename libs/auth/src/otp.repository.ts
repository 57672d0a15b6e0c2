import { Injectable } from '@nestjs/common';
import type { RequestContext } from '@campus/core';
import { Db, sql } from '@campus/database';

/**
 * The statements of customer sign-in codes (`otp_codes`) and their global hourly budget
 * (`otp_hourly_budget`): auth's tables. AuthService decides the limits and checks the codes.
 */
@Injectable()
export class OtpRepository {
  constructor(private readonly db: Db) {}

  /** Serialises the codes of one phone until the caller's transaction ends. */
  async lockPhone(tx: RequestContext, phone: string): Promise<void> {
    await this.db.query(tx, sql`SELECT pg_advisory_xact_lock(hashtext('otp:' || ${phone}::text))`);
  }

  /** Codes made for the phone in the last `minutes`, and the age in seconds of the latest (null: none). */
  async recent(
    tx: RequestContext,
    phone: string,
    minutes: number,
  ): Promise<{ n: number; last_age: number | null }> {
    const [recent] = await this.db.query<{ n: number; last_age: number | null }>(
      tx,
      sql`SELECT count(*)::int AS n, extract(epoch FROM now() - max(created_at))::float8 AS last_age
            FROM otp_codes WHERE phone = ${phone} AND created_at > now() - make_interval(mins => ${minutes})`,
    );
    return recent;
  }

  /** Counts one more code in this hour's budget (all numbers together); the count and the hour. */
  async spendHourlyBudget(tx: RequestContext): Promise<{ used: number; hour: Date }> {
    const [spent] = await this.db.query<{ used: number; hour: Date }>(
      tx,
      sql`INSERT INTO otp_hourly_budget (hour, used)
          VALUES (date_trunc('hour', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC', 1)
          ON CONFLICT (hour) DO UPDATE SET used = otp_hourly_budget.used + 1 RETURNING used, hour`,
    );
    return spent;
  }

  /** Uses up the phone's open codes and stores a new one (its hash) valid for `ttlSeconds`. */
  async replaceOpen(tx: RequestContext, phone: string, codeHash: string, ttlSeconds: number): Promise<void> {
    await this.db.query(
      tx,
      sql`UPDATE otp_codes SET consumed_at = now() WHERE phone = ${phone} AND consumed_at IS NULL`,
    );
    await this.db.query(
      tx,
      sql`INSERT INTO otp_codes (phone, code_hash, expires_at)
          VALUES (${phone}, ${codeHash}, now() + make_interval(secs => ${ttlSeconds}))`,
    );
  }

  /** The phone's latest open code, locked; null when there is none. */
  async lockLatestOpen(
    tx: RequestContext,
    phone: string,
  ): Promise<{ id: string; code_hash: string; attempts: number; expired: boolean } | null> {
    const [otp] = await this.db.query<{ id: string; code_hash: string; attempts: number; expired: boolean }>(
      tx,
      sql`SELECT id, code_hash, attempts, expires_at <= now() AS expired FROM otp_codes
           WHERE phone = ${phone} AND consumed_at IS NULL ORDER BY created_at DESC LIMIT 1 FOR UPDATE`,
    );
    return otp ?? null;
  }

  async countWrongTry(tx: RequestContext, id: string): Promise<void> {
    await this.db.query(tx, sql`UPDATE otp_codes SET attempts = attempts + 1 WHERE id = ${id}`);
  }

  async consume(tx: RequestContext, id: string): Promise<void> {
    await this.db.query(tx, sql`UPDATE otp_codes SET consumed_at = now() WHERE id = ${id}`);
  }
}
