import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The outbox relay claims rows in one autocommit statement (issue 18): `claimed_until` is a lease
 * set by the claim; the row is marked published (a second statement) once Redis accepted its jobs.
 * A relay that dies between the two leaves the row unpublished with a lease that runs out, and the
 * next pass (at the latest the safety poll) claims and publishes it again (Bull's job id is the
 * outbox id, so a job that did reach Redis is not added twice). Replaces BEGIN, SELECT … FOR UPDATE
 * SKIP LOCKED, UPDATE, COMMIT; a relay that finds nothing spends one statement, not three.
 */
export class OutboxClaims1766000000000 implements MigrationInterface {
  name = 'OutboxClaims1766000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE outbox ADD COLUMN claimed_until timestamptz`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE outbox DROP COLUMN IF EXISTS claimed_until`);
  }
}
