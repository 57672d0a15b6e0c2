import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The global hourly budget of sign-in codes (issue 17.3, OTP_HOURLY_BUDGET): one counter per clock
 * hour, incremented atomically (INSERT … ON CONFLICT DO UPDATE) by every code request that passed the
 * per-phone limits. Owned by auth. One row an hour; rows older than a day can go (retention).
 */
export class OtpBudget1765420000000 implements MigrationInterface {
  name = 'OtpBudget1765420000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE otp_hourly_budget (
        hour timestamptz PRIMARY KEY,
        used integer NOT NULL CHECK (used > 0)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS otp_hourly_budget`);
  }
}
