import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * After-sales task kinds: `return_pickup` (collect an approved return), `training` (teach the customer
 * to use what was installed) and `repair_return` (bring a repaired item back).
 */
export class TaskKinds1765750000000 implements MigrationInterface {
  name = 'TaskKinds1765750000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE tasks DROP CONSTRAINT IF EXISTS tasks_kind_check`);
    await q.query(`
      ALTER TABLE tasks ADD CONSTRAINT tasks_kind_check
        CHECK (kind IN ('delivery_install','repair_pickup','return_pickup','training','repair_return'))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE tasks DROP CONSTRAINT IF EXISTS tasks_kind_check`);
    await q.query(
      `ALTER TABLE tasks ADD CONSTRAINT tasks_kind_check CHECK (kind IN ('delivery_install','repair_pickup'))`,
    );
  }
}
