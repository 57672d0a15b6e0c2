import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The audit log (libs/audit): one append-only row per staff change — who, what, before → after,
 * when. A trigger refuses UPDATE and DELETE; managers read the rows of their region.
 */
export class Audit1764800000000 implements MigrationInterface {
  name = 'Audit1764800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE audit_log (
        id bigserial PRIMARY KEY,
        at timestamptz NOT NULL DEFAULT now(),
        actor_id uuid,
        actor_role text,
        actor_username text,
        action text NOT NULL CHECK (action <> ''),
        entity_type text NOT NULL CHECK (entity_type <> ''),
        entity_id text NOT NULL,
        region_id uuid REFERENCES regions (id),
        before jsonb,
        after jsonb,
        request_id text
      )`);
    await q.query(`CREATE INDEX audit_log_region_idx ON audit_log (region_id, id DESC)`);
    await q.query(`CREATE INDEX audit_log_entity_idx ON audit_log (entity_type, entity_id, id DESC)`);
    await q.query(`
      CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'audit_log is append-only (% refused)', TG_OP USING ERRCODE = 'P0001';
      END $$`);
    await q.query(`
      CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
        FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE audit_log`);
    await q.query(`DROP FUNCTION audit_log_append_only()`);
  }
}
