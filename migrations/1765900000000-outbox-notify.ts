import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The outbox relay wakes on PostgreSQL LISTEN/NOTIFY instead of polling (issue 18.3): every statement
 * that appends outbox rows sends `NOTIFY outbox_ready` from a statement-level trigger, so the notice
 * is delivered exactly when (and only if) the writer's transaction commits, whoever the writer is.
 * PostgreSQL folds identical notices of one transaction into one, so a transaction that appends many
 * rows wakes the relay once. The relay keeps a slow safety poll for a lost notice.
 */
export class OutboxNotify1765900000000 implements MigrationInterface {
  name = 'OutboxNotify1765900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('outbox_ready', '');
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE TRIGGER outbox_notify AFTER INSERT ON outbox
        FOR EACH STATEMENT EXECUTE FUNCTION outbox_notify()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER IF EXISTS outbox_notify ON outbox`);
    await q.query(`DROP FUNCTION IF EXISTS outbox_notify()`);
  }
}
