import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The admin console (issue 15):
 * - users: `must_change_password` (set by a reset, cleared by the user's own change) and
 *   `token_version` (carried in every access token; a change or reset bumps it, so every token issued
 *   before stops working);
 * - stock_movements: the ledger of on-hand changes becomes append-only (a trigger refuses UPDATE and
 *   DELETE, as audit_log), says what kind of movement each row is, and a zero row is refused.
 */
export class AdminConsole1765300000000 implements MigrationInterface {
  name = 'AdminConsole1765300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE users ADD COLUMN must_change_password boolean NOT NULL DEFAULT false`);
    await q.query(
      `ALTER TABLE users ADD COLUMN token_version integer NOT NULL DEFAULT 0 CHECK (token_version >= 0)`,
    );

    await q.query(`ALTER TABLE stock_movements ADD COLUMN kind text NOT NULL DEFAULT 'adjustment'`);
    await q.query(`UPDATE stock_movements SET kind = 'initial' WHERE reason = 'initial stock'`);
    await q.query(`
      ALTER TABLE stock_movements
        ADD CONSTRAINT stock_movements_kind_check
          CHECK (kind IN ('initial', 'adjustment', 'consumed', 'restocked')),
        ADD CONSTRAINT stock_movements_not_zero CHECK (on_hand_delta <> 0 OR reserved_delta <> 0)`);
    await q.query(`
      CREATE FUNCTION stock_movements_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'stock_movements is append-only (% refused)', TG_OP USING ERRCODE = 'P0001';
      END $$`);
    await q.query(`
      CREATE TRIGGER stock_movements_append_only BEFORE UPDATE OR DELETE ON stock_movements
        FOR EACH ROW EXECUTE FUNCTION stock_movements_append_only()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER stock_movements_append_only ON stock_movements`);
    await q.query(`DROP FUNCTION stock_movements_append_only()`);
    await q.query(`
      ALTER TABLE stock_movements DROP CONSTRAINT stock_movements_not_zero,
        DROP CONSTRAINT stock_movements_kind_check, DROP COLUMN kind`);
    await q.query(`ALTER TABLE users DROP COLUMN token_version, DROP COLUMN must_change_password`);
  }
}
