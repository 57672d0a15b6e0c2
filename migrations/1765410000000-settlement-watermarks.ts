import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Settlements claim by watermark (issue 18.5) and are approved by a second person (issue 17.6).
 *
 * A settlement no longer marks each entry it takes (`statement_id`, `locked_at`: 100,000 row updates
 * for a large region). It records what it covers: `entries_upto` / `cod_upto`, the highest ledger id
 * of each table when it was drawn up, taken under the region's settlement lock — every ledger insert
 * takes the same lock in shared mode, so no entry of the region with a smaller id can still be in
 * flight. An entry (region R, month m, id i) is settled by the first settlement of R (by `seq`) whose
 * period is ≥ m and whose watermark is ≥ i; "unsettled" is derived, not updated row by row.
 *
 * The append-only guarantees are kept and tightened: an entry can no longer be updated at all (there
 * is nothing left to mark), nor deleted; and no entry can be inserted into a range a settlement has
 * already drawn up (a trigger checks the watermarks), so an approved statement never changes.
 * COD rows keep `cleared_at` (set when their settlement is paid; the reports read it).
 *
 * Existing settlements get the watermarks their claims imply, and the migration stops if any entry or
 * COD row would change hands (so money settled before stays settled where it was).
 */
export class SettlementWatermarks1765410000000 implements MigrationInterface {
  name = 'SettlementWatermarks1765410000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE SEQUENCE settlements_seq`);
    await q.query(`
      ALTER TABLE settlements
        ADD COLUMN seq bigint,
        ADD COLUMN entries_upto bigint NOT NULL DEFAULT 0 CHECK (entries_upto >= 0),
        ADD COLUMN cod_upto bigint NOT NULL DEFAULT 0 CHECK (cod_upto >= 0),
        ADD COLUMN refunds_upto bigint NOT NULL DEFAULT 0 CHECK (refunds_upto >= 0),
        ADD COLUMN approved_by_role text`);
    // Four eyes (issue 17.6): whoever drew a settlement up does not approve it, unless an admin.
    // NOT VALID: settlements approved before this rule stay as they were.
    await q.query(`
      ALTER TABLE settlements ADD CONSTRAINT settlements_approver_not_creator CHECK (
        approved_by_id IS NULL OR approved_by_id <> created_by_id OR approved_by_role = 'admin') NOT VALID`);
    // Existing settlements: creation order, and the watermarks their claims imply.
    await q.query(`
      UPDATE settlements s SET seq = o.n FROM (
        SELECT id, row_number() OVER (ORDER BY created_at, id) AS n FROM settlements) o WHERE o.id = s.id`);
    await q.query(
      `SELECT setval('settlements_seq', COALESCE((SELECT max(seq) FROM settlements), 0) + 1, false)`,
    );
    await q.query(`
      UPDATE settlements s SET
        entries_upto = COALESCE((SELECT max(e.id) FROM commission_entries e
                                   JOIN settlement_statements st ON st.id = e.statement_id
                                  WHERE st.settlement_id = s.id), 0),
        cod_upto = COALESCE((SELECT max(d.id) FROM commission_cod d
                               JOIN settlement_statements st ON st.id = d.statement_id
                              WHERE st.settlement_id = s.id), 0),
        refunds_upto = COALESCE((SELECT max(f.id) FROM commission_cash_refunds f
                                   JOIN settlement_statements st ON st.id = f.statement_id
                                  WHERE st.settlement_id = s.id), 0)`);
    // A later settlement covers at least what an earlier one did.
    await q.query(`
      UPDATE settlements s SET
        entries_upto = (SELECT max(p.entries_upto) FROM settlements p WHERE p.region_id = s.region_id AND p.seq <= s.seq),
        cod_upto = (SELECT max(p.cod_upto) FROM settlements p WHERE p.region_id = s.region_id AND p.seq <= s.seq),
        refunds_upto = (SELECT max(p.refunds_upto) FROM settlements p WHERE p.region_id = s.region_id AND p.seq <= s.seq)`);
    await q.query(`ALTER TABLE settlements ALTER COLUMN seq SET NOT NULL,
                     ALTER COLUMN seq SET DEFAULT nextval('settlements_seq')`);
    await q.query(`ALTER SEQUENCE settlements_seq OWNED BY settlements.seq`);
    await q.query(`ALTER TABLE settlements ADD CONSTRAINT settlements_seq_key UNIQUE (seq)`);
    await q.query(`CREATE INDEX settlements_region_seq_idx ON settlements (region_id, seq)`);
    const moved = await q.query(`
      SELECT count(*)::int AS n FROM (
        SELECT e.statement_id AS was, (
          SELECT st.id FROM settlements s JOIN settlement_statements st ON st.settlement_id = s.id AND st.agent_id = e.agent_id
           WHERE s.region_id = e.region_id AND s.period >= e.period AND s.entries_upto >= e.id ORDER BY s.seq LIMIT 1) AS now
          FROM commission_entries e
        UNION ALL
        SELECT d.statement_id, (
          SELECT st.id FROM settlements s JOIN settlement_statements st ON st.settlement_id = s.id AND st.agent_id = d.agent_id
           WHERE s.region_id = d.region_id AND s.period >= d.period AND s.cod_upto >= d.id ORDER BY s.seq LIMIT 1)
          FROM commission_cod d WHERE d.agent_id IS NOT NULL
        UNION ALL
        SELECT f.statement_id, (
          SELECT st.id FROM settlements s JOIN settlement_statements st ON st.settlement_id = s.id AND st.agent_id = f.agent_id
           WHERE s.region_id = f.region_id AND s.period >= f.period AND s.refunds_upto >= f.id ORDER BY s.seq LIMIT 1)
          FROM commission_cash_refunds f WHERE f.agent_id IS NOT NULL) x
       WHERE x.was IS DISTINCT FROM x.now`);
    if (moved[0].n > 0) {
      throw new Error(
        `settlement watermarks: ${moved[0].n} ledger rows would change settlement; settle or discard the open drafts first`,
      );
    }

    await q.query(`DROP TRIGGER commission_entries_guard ON commission_entries`);
    await q.query(`DROP TRIGGER commission_entries_no_delete ON commission_entries`);
    await q.query(`DROP FUNCTION commission_entries_refuse()`);
    await q.query(`DROP INDEX IF EXISTS commission_entries_unsettled_idx`);
    await q.query(`DROP INDEX IF EXISTS commission_entries_statement_idx`);
    await q.query(`DROP INDEX IF EXISTS commission_cod_unsettled_idx`);
    await q.query(`ALTER TABLE commission_entries DROP COLUMN statement_id, DROP COLUMN locked_at`);
    await q.query(`ALTER TABLE commission_cod DROP CONSTRAINT commission_cod_cleared_settled`);
    await q.query(`ALTER TABLE commission_cod DROP COLUMN statement_id`);
    await q.query(`DROP INDEX IF EXISTS commission_cash_refunds_unsettled_idx`);
    await q.query(
      `ALTER TABLE commission_cash_refunds DROP CONSTRAINT commission_cash_refunds_cleared_settled`,
    );
    await q.query(`ALTER TABLE commission_cash_refunds DROP COLUMN statement_id`);
    await q.query(
      `CREATE INDEX commission_cash_refunds_region_period_idx ON commission_cash_refunds (region_id, period, id)`,
    );
    await q.query(
      `CREATE INDEX commission_entries_region_period_idx ON commission_entries (region_id, period, id)`,
    );
    await q.query(`CREATE INDEX commission_cod_region_period_idx ON commission_cod (region_id, period, id)`);

    // Append-only, for good: no update, no delete; no insert into a range already drawn up.
    await q.query(`
      CREATE FUNCTION commission_entries_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE s record;
      BEGIN
        IF TG_OP = 'INSERT' THEN
          SELECT id, period INTO s FROM settlements
           WHERE region_id = NEW.region_id AND period >= NEW.period AND entries_upto >= NEW.id ORDER BY seq LIMIT 1;
          IF FOUND THEN
            RAISE EXCEPTION 'commission entry % falls inside settlement % (%), already drawn up', NEW.id, s.id, s.period
              USING ERRCODE = 'P0001';
          END IF;
          RETURN NEW;
        END IF;
        SELECT id, status INTO s FROM settlements
         WHERE region_id = OLD.region_id AND period >= OLD.period AND entries_upto >= OLD.id ORDER BY seq LIMIT 1;
        IF FOUND AND s.status <> 'draft' THEN
          RAISE EXCEPTION 'commission entry % is locked by % settlement %', OLD.id, s.status, s.id USING ERRCODE = 'P0001';
        END IF;
        RAISE EXCEPTION 'commission_entries is append-only: % of entry % refused (a correction is a new entry)',
          TG_OP, OLD.id USING ERRCODE = 'P0001';
      END $$`);
    await q.query(`
      CREATE TRIGGER commission_entries_append_only BEFORE INSERT OR UPDATE OR DELETE ON commission_entries
        FOR EACH ROW EXECUTE FUNCTION commission_entries_refuse()`);
    await q.query(`
      CREATE FUNCTION commission_cod_guard() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE s record;
      BEGIN
        IF TG_OP = 'INSERT' THEN
          SELECT id, period INTO s FROM settlements
           WHERE region_id = NEW.region_id AND period >= NEW.period AND cod_upto >= NEW.id ORDER BY seq LIMIT 1;
          IF FOUND THEN
            RAISE EXCEPTION 'COD row % falls inside settlement % (%), already drawn up', NEW.id, s.id, s.period
              USING ERRCODE = 'P0001';
          END IF;
          RETURN NEW;
        END IF;
        IF TG_OP = 'UPDATE' AND (NEW.order_id, NEW.agent_id, NEW.pickup_point_id, NEW.region_id, NEW.amount_cents,
            NEW.collected_at, NEW.period, NEW.created_at) IS NOT DISTINCT FROM (OLD.order_id, OLD.agent_id,
            OLD.pickup_point_id, OLD.region_id, OLD.amount_cents, OLD.collected_at, OLD.period, OLD.created_at) THEN
          RETURN NEW; -- only cleared_at changes (the settlement was paid)
        END IF;
        RAISE EXCEPTION 'commission_cod is append-only: % of row % refused', TG_OP, OLD.id USING ERRCODE = 'P0001';
      END $$`);
    await q.query(`
      CREATE TRIGGER commission_cod_guard BEFORE INSERT OR UPDATE OR DELETE ON commission_cod
        FOR EACH ROW EXECUTE FUNCTION commission_cod_guard()`);
    await q.query(`
      CREATE FUNCTION commission_cash_refunds_guard() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE s record;
      BEGIN
        IF TG_OP = 'INSERT' THEN
          SELECT id, period INTO s FROM settlements
           WHERE region_id = NEW.region_id AND period >= NEW.period AND refunds_upto >= NEW.id ORDER BY seq LIMIT 1;
          IF FOUND THEN
            RAISE EXCEPTION 'cash refund row % falls inside settlement % (%), already drawn up', NEW.id, s.id, s.period
              USING ERRCODE = 'P0001';
          END IF;
          RETURN NEW;
        END IF;
        IF TG_OP = 'UPDATE' AND (NEW.refund_id, NEW.order_id, NEW.agent_id, NEW.pickup_point_id, NEW.region_id,
            NEW.amount_cents, NEW.owed_at, NEW.period, NEW.created_at) IS NOT DISTINCT FROM (OLD.refund_id, OLD.order_id,
            OLD.agent_id, OLD.pickup_point_id, OLD.region_id, OLD.amount_cents, OLD.owed_at, OLD.period, OLD.created_at) THEN
          RETURN NEW; -- only cleared_at changes (the settlement was paid)
        END IF;
        RAISE EXCEPTION 'commission_cash_refunds is append-only: % of row % refused', TG_OP, OLD.id USING ERRCODE = 'P0001';
      END $$`);
    await q.query(`
      CREATE TRIGGER commission_cash_refunds_guard BEFORE INSERT OR UPDATE OR DELETE ON commission_cash_refunds
        FOR EACH ROW EXECUTE FUNCTION commission_cash_refunds_guard()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER IF EXISTS commission_cash_refunds_guard ON commission_cash_refunds`);
    await q.query(`DROP FUNCTION IF EXISTS commission_cash_refunds_guard()`);
    await q.query(`DROP INDEX IF EXISTS commission_cash_refunds_region_period_idx`);
    await q.query(
      `ALTER TABLE commission_cash_refunds ADD COLUMN statement_id uuid REFERENCES settlement_statements(id)`,
    );
    await q.query(`
      UPDATE commission_cash_refunds f SET statement_id = c.st FROM (
        SELECT f2.id, st.id AS st FROM commission_cash_refunds f2
          JOIN LATERAL (SELECT * FROM settlements s WHERE s.region_id = f2.region_id AND s.period >= f2.period
                          AND s.refunds_upto >= f2.id ORDER BY s.seq LIMIT 1) s ON true
          JOIN settlement_statements st ON st.settlement_id = s.id AND st.agent_id = f2.agent_id) c
       WHERE c.id = f.id`);
    await q.query(`ALTER TABLE commission_cash_refunds ADD CONSTRAINT commission_cash_refunds_cleared_settled
                     CHECK (cleared_at IS NULL OR statement_id IS NOT NULL)`);
    await q.query(`CREATE INDEX commission_cash_refunds_unsettled_idx ON commission_cash_refunds (region_id, period)
                     WHERE statement_id IS NULL`);
    await q.query(`DROP TRIGGER IF EXISTS commission_cod_guard ON commission_cod`);
    await q.query(`DROP FUNCTION IF EXISTS commission_cod_guard()`);
    await q.query(`DROP TRIGGER IF EXISTS commission_entries_append_only ON commission_entries`);
    await q.query(`DROP FUNCTION IF EXISTS commission_entries_refuse()`);
    await q.query(`DROP INDEX IF EXISTS commission_cod_region_period_idx`);
    await q.query(`DROP INDEX IF EXISTS commission_entries_region_period_idx`);
    await q.query(`ALTER TABLE commission_entries
                     ADD COLUMN statement_id uuid REFERENCES settlement_statements(id),
                     ADD COLUMN locked_at timestamptz`);
    await q.query(
      `ALTER TABLE commission_cod ADD COLUMN statement_id uuid REFERENCES settlement_statements(id)`,
    );
    // Back to marks: each row gets the statement that covers it; approved or paid ones are locked.
    await q.query(`
      UPDATE commission_entries e SET statement_id = c.st, locked_at = c.locked FROM (
        SELECT e2.id, st.id AS st, CASE WHEN s.status <> 'draft' THEN s.approved_at END AS locked
          FROM commission_entries e2
          JOIN LATERAL (SELECT * FROM settlements s WHERE s.region_id = e2.region_id AND s.period >= e2.period
                          AND s.entries_upto >= e2.id ORDER BY s.seq LIMIT 1) s ON true
          JOIN settlement_statements st ON st.settlement_id = s.id AND st.agent_id = e2.agent_id) c
       WHERE c.id = e.id`);
    await q.query(`
      UPDATE commission_cod d SET statement_id = c.st FROM (
        SELECT d2.id, st.id AS st FROM commission_cod d2
          JOIN LATERAL (SELECT * FROM settlements s WHERE s.region_id = d2.region_id AND s.period >= d2.period
                          AND s.cod_upto >= d2.id ORDER BY s.seq LIMIT 1) s ON true
          JOIN settlement_statements st ON st.settlement_id = s.id AND st.agent_id = d2.agent_id) c
       WHERE c.id = d.id`);
    await q.query(`ALTER TABLE commission_cod ADD CONSTRAINT commission_cod_cleared_settled
                     CHECK (cleared_at IS NULL OR statement_id IS NOT NULL)`);
    await q.query(`CREATE INDEX commission_entries_unsettled_idx ON commission_entries (region_id, period, agent_id)
                     WHERE statement_id IS NULL`);
    await q.query(`CREATE INDEX commission_entries_statement_idx ON commission_entries (statement_id)
                     WHERE statement_id IS NOT NULL`);
    await q.query(`CREATE INDEX commission_cod_unsettled_idx ON commission_cod (region_id, period)
                     WHERE statement_id IS NULL`);
    await q.query(`
      CREATE FUNCTION commission_entries_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'DELETE' THEN
          RAISE EXCEPTION 'commission_entries is append-only: DELETE refused' USING ERRCODE = 'P0001';
        END IF;
        IF OLD.locked_at IS NOT NULL THEN
          RAISE EXCEPTION 'commission entry % is locked by an approved settlement', OLD.id USING ERRCODE = 'P0001';
        END IF;
        RAISE EXCEPTION 'commission entry % is append-only: only settlement may mark it', OLD.id
          USING ERRCODE = 'P0001';
      END $$`);
    await q.query(`
      CREATE TRIGGER commission_entries_no_delete BEFORE DELETE ON commission_entries
        FOR EACH ROW EXECUTE FUNCTION commission_entries_refuse()`);
    await q.query(`
      CREATE TRIGGER commission_entries_guard BEFORE UPDATE ON commission_entries
        FOR EACH ROW WHEN (
          OLD.locked_at IS NOT NULL OR
          (NEW.agent_id, NEW.region_id, NEW.kind, NEW.amount_cents, NEW.source_id, NEW.order_id, NEW.period,
           NEW.earned_at, NEW.rule_ids, NEW.tier_id, NEW.rule_description, NEW.detail::text, NEW.reason,
           NEW.created_by_id, NEW.created_by_role, NEW.created_at)
          IS DISTINCT FROM
          (OLD.agent_id, OLD.region_id, OLD.kind, OLD.amount_cents, OLD.source_id, OLD.order_id, OLD.period,
           OLD.earned_at, OLD.rule_ids, OLD.tier_id, OLD.rule_description, OLD.detail::text, OLD.reason,
           OLD.created_by_id, OLD.created_by_role, OLD.created_at))
        EXECUTE FUNCTION commission_entries_refuse()`);
    await q.query(`DROP INDEX IF EXISTS settlements_region_seq_idx`);
    await q.query(`ALTER TABLE settlements DROP CONSTRAINT IF EXISTS settlements_approver_not_creator`);
    await q.query(`ALTER TABLE settlements DROP COLUMN seq, DROP COLUMN entries_upto, DROP COLUMN cod_upto,
                     DROP COLUMN refunds_upto, DROP COLUMN approved_by_role`);
  }
}
