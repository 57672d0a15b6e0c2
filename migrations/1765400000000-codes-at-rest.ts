import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * No one-time code in clear at rest (issue 17.2). The message log keeps texts that carry a code with
 * the code masked; `sealed_body` holds the full text encrypted for the sender (AES-256-GCM, key
 * derived from CODES_SECRET, never in the database) until it has gone out or failed for good — a
 * CHECK keeps a seal only on a message still waiting to be sent.
 *
 * Existing code texts are masked here. Codes issued before this release were hashed with the old key
 * and no longer verify, so code texts still waiting to be sent are failed rather than sent (the
 * customer asks for a new code; staff resend pickup codes, agents reschedule tasks).
 */
export class CodesAtRest1765400000000 implements MigrationInterface {
  name = 'CodesAtRest1765400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE notifications ADD COLUMN sealed_body text`);
    await q.query(`
      UPDATE notifications
         SET body = regexp_replace(body, '(?<![0-9])[0-9]{6}(?![0-9])', '******', 'g'),
             status = CASE WHEN status IN ('queued', 'sending') THEN 'failed' ELSE status END,
             error = CASE WHEN status IN ('queued', 'sending') THEN 'code withheld at upgrade: issue a new one'
                          ELSE error END
       WHERE template IN ('otp', 'pickup_code', 'task_code')`);
    await q.query(`
      ALTER TABLE notifications ADD CONSTRAINT notifications_sealed_while_pending
        CHECK (sealed_body IS NULL OR status IN ('queued', 'sending'))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE notifications DROP CONSTRAINT IF EXISTS notifications_sealed_while_pending`);
    await q.query(`ALTER TABLE notifications DROP COLUMN IF EXISTS sealed_body`);
  }
}
