import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Suspended and moved staff (issue 17.5). `users.suspended` (auth) is the account side of an agent's
 * suspension, kept in step by the staff service in the same transaction as `agents.status`: a
 * suspended account keeps read access to its own history and may change nothing. Existing suspended
 * agents are carried over, and agents' accounts get the region of their current campus (a move to
 * another region used to leave the account's region behind).
 */
export class SuspendedStaff1765440000000 implements MigrationInterface {
  name = 'SuspendedStaff1765440000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE users ADD COLUMN suspended boolean NOT NULL DEFAULT false`);
    await q.query(`
      UPDATE users u SET suspended = true FROM agents a WHERE a.user_id = u.id AND a.status = 'suspended'`);
    await q.query(`
      UPDATE users u SET region_id = c.region_id, campus_id = a.campus_id
        FROM agents a JOIN campuses c ON c.id = a.campus_id
       WHERE a.user_id = u.id AND (u.region_id IS DISTINCT FROM c.region_id OR u.campus_id IS DISTINCT FROM a.campus_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE users DROP COLUMN IF EXISTS suspended`);
  }
}
