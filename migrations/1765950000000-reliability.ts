import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Reliability (issue 17.7–17.8).
 * - `queue_epochs` (queue lib): the token the sweeper last wrote into each Bull queue's Redis
 *   namespace. A queue whose token is gone from Redis (flushed, or failed over to an empty replica)
 *   lost its jobs: the sweeper re-publishes the outbox rows of its retry window.
 * - Indexes for the retention deletes (each lib deletes its own rows by age). The outbox gets none:
 *   an index on `published_at` would make every relay UPDATE non-HOT, and the sweeper scans by
 *   `published_at` only after a loss.
 */
export class Reliability1765950000000 implements MigrationInterface {
  name = 'Reliability1765950000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE queue_epochs (
        queue text PRIMARY KEY,
        token text NOT NULL,
        established_at timestamptz NOT NULL DEFAULT now(),
        lost_count integer NOT NULL DEFAULT 0,
        last_lost_at timestamptz,
        last_republished integer NOT NULL DEFAULT 0
      )`);
    await q.query(`CREATE INDEX processed_jobs_processed_at_idx ON processed_jobs (processed_at)`);
    await q.query(`CREATE INDEX otp_codes_expires_idx ON otp_codes (expires_at)`);
    await q.query(`CREATE INDEX sms_messages_created_idx ON sms_messages (created_at)`);
    await q.query(`CREATE INDEX sms_quotes_created_idx ON sms_quotes (created_at)`);
    await q.query(`CREATE INDEX sms_delivery_reports_received_idx ON sms_delivery_reports (received_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const idx of [
      'sms_delivery_reports_received_idx',
      'sms_quotes_created_idx',
      'sms_messages_created_idx',
      'otp_codes_expires_idx',
      'processed_jobs_processed_at_idx',
    ]) {
      await q.query(`DROP INDEX IF EXISTS ${idx}`);
    }
    await q.query(`DROP TABLE IF EXISTS queue_epochs`);
  }
}
