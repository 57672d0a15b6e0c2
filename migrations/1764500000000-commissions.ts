import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Commissions: rules and regional volume tiers, the append-only ledger, COD cash held per agent (fed by
 * `cod.collected`), and monthly settlements with one statement per agent. The database guards the money
 * invariants itself: one entry per (source, kind), signs per kind, a reason on adjustments, no entry
 * deleted, an entry's facts never changed, and a locked (approved) entry never touched at all.
 */
export class Commissions1764500000000 implements MigrationInterface {
  name = 'Commissions1764500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE commission_rules (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        sku text,
        category text,
        rate_bps integer NOT NULL DEFAULT 0 CHECK (rate_bps BETWEEN 0 AND 10000),
        fixed_cents integer NOT NULL DEFAULT 0 CHECK (fixed_cents >= 0),
        valid_from timestamptz,
        valid_to timestamptz,
        created_by_id uuid NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT commission_rules_one_target CHECK (sku IS NULL OR category IS NULL),
        CONSTRAINT commission_rules_validity CHECK (valid_to IS NULL OR valid_from IS NULL OR valid_to > valid_from)
      )`);
    await q.query(`
      CREATE TABLE commission_tiers (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        region_id uuid NOT NULL REFERENCES regions(id),
        from_order integer NOT NULL CHECK (from_order >= 2),
        bonus_bps integer NOT NULL CHECK (bonus_bps BETWEEN 1 AND 10000),
        valid_from timestamptz,
        valid_to timestamptz,
        created_by_id uuid NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT commission_tiers_validity CHECK (valid_to IS NULL OR valid_from IS NULL OR valid_to > valid_from)
      )`);
    await q.query(`CREATE INDEX commission_tiers_region_idx ON commission_tiers (region_id)`);

    await q.query(`
      CREATE TABLE settlements (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        region_id uuid NOT NULL REFERENCES regions(id),
        period text NOT NULL CHECK (period ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
        status text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft','approved','paid')),
        created_by_id uuid NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        approved_by_id uuid,
        approved_at timestamptz,
        paid_by_id uuid,
        paid_at timestamptz,
        payment_reference text,
        CONSTRAINT settlements_region_period_key UNIQUE (region_id, period),
        CONSTRAINT settlements_approved_stamped CHECK ((status = 'draft') = (approved_at IS NULL)),
        CONSTRAINT settlements_paid_stamped CHECK ((status = 'paid') = (paid_at IS NOT NULL))
      )`);
    await q.query(`
      CREATE TABLE settlement_statements (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        settlement_id uuid NOT NULL REFERENCES settlements(id),
        agent_id uuid NOT NULL REFERENCES agents(id),
        agent_name text NOT NULL,
        campus_name text NOT NULL,
        commission_cents bigint NOT NULL DEFAULT 0,
        reversal_cents bigint NOT NULL DEFAULT 0,
        install_fee_cents bigint NOT NULL DEFAULT 0,
        adjustment_cents bigint NOT NULL DEFAULT 0,
        cod_held_cents bigint NOT NULL DEFAULT 0,
        net_cents bigint NOT NULL DEFAULT 0,
        entry_count integer NOT NULL DEFAULT 0,
        CONSTRAINT settlement_statements_agent_key UNIQUE (settlement_id, agent_id),
        CONSTRAINT settlement_statements_net CHECK (
          net_cents = commission_cents + reversal_cents + install_fee_cents + adjustment_cents - cod_held_cents)
      )`);
    await q.query(`CREATE INDEX settlement_statements_agent_idx ON settlement_statements (agent_id)`);

    await q.query(`
      CREATE TABLE commission_entries (
        id bigserial PRIMARY KEY,
        agent_id uuid NOT NULL REFERENCES agents(id),
        region_id uuid NOT NULL REFERENCES regions(id),
        kind text NOT NULL CHECK (kind IN ('order_commission','reversal','install_fee','adjustment')),
        amount_cents bigint NOT NULL,
        source_id uuid NOT NULL,
        order_id uuid REFERENCES orders(id),
        period text NOT NULL CHECK (period ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
        earned_at timestamptz NOT NULL,
        rule_ids uuid[] NOT NULL DEFAULT '{}',
        tier_id uuid REFERENCES commission_tiers(id),
        rule_description text NOT NULL,
        detail jsonb NOT NULL DEFAULT '{}'::jsonb,
        reason text,
        created_by_id uuid NOT NULL,
        created_by_role text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        statement_id uuid REFERENCES settlement_statements(id),
        locked_at timestamptz,
        CONSTRAINT commission_entries_source_kind_key UNIQUE (source_id, kind),
        CONSTRAINT commission_entries_sign CHECK (
          (kind = 'order_commission' AND amount_cents >= 0) OR
          (kind = 'reversal' AND amount_cents <= 0) OR
          (kind = 'install_fee' AND amount_cents > 0) OR
          (kind = 'adjustment' AND amount_cents <> 0)),
        CONSTRAINT commission_entries_adjustment_reason CHECK (kind <> 'adjustment' OR length(reason) > 0),
        CONSTRAINT commission_entries_locked_settled CHECK (locked_at IS NULL OR statement_id IS NOT NULL)
      )`);
    await q.query(
      `CREATE INDEX commission_entries_unsettled_idx ON commission_entries (region_id, period, agent_id)
         WHERE statement_id IS NULL`,
    );
    await q.query(`CREATE INDEX commission_entries_agent_idx ON commission_entries (agent_id, period, id)`);
    await q.query(
      `CREATE INDEX commission_entries_statement_idx ON commission_entries (statement_id) WHERE statement_id IS NOT NULL`,
    );
    // The function runs only when a row must be refused (the WHEN clause is evaluated without calling
    // it): settling 100,000 entries then costs no PL/pgSQL call per row.
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

    await q.query(`
      CREATE TABLE commission_cod (
        id bigserial PRIMARY KEY,
        order_id uuid NOT NULL REFERENCES orders(id),
        agent_id uuid REFERENCES agents(id),
        pickup_point_id uuid REFERENCES pickup_points(id),
        region_id uuid NOT NULL REFERENCES regions(id),
        amount_cents bigint NOT NULL CHECK (amount_cents >= 0),
        collected_at timestamptz NOT NULL,
        period text NOT NULL CHECK (period ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
        created_at timestamptz NOT NULL DEFAULT now(),
        statement_id uuid REFERENCES settlement_statements(id),
        cleared_at timestamptz,
        CONSTRAINT commission_cod_order_key UNIQUE (order_id),
        CONSTRAINT commission_cod_one_holder CHECK ((agent_id IS NULL) <> (pickup_point_id IS NULL)),
        CONSTRAINT commission_cod_cleared_settled CHECK (cleared_at IS NULL OR statement_id IS NOT NULL)
      )`);
    await q.query(
      `CREATE INDEX commission_cod_held_idx ON commission_cod (agent_id) WHERE agent_id IS NOT NULL AND cleared_at IS NULL`,
    );
    await q.query(
      `CREATE INDEX commission_cod_unsettled_idx ON commission_cod (region_id, period) WHERE statement_id IS NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS commission_cod`);
    await q.query(`DROP TRIGGER IF EXISTS commission_entries_guard ON commission_entries`);
    await q.query(`DROP TRIGGER IF EXISTS commission_entries_no_delete ON commission_entries`);
    await q.query(`DROP FUNCTION IF EXISTS commission_entries_refuse()`);
    await q.query(`DROP TABLE IF EXISTS commission_entries`);
    await q.query(`DROP TABLE IF EXISTS settlement_statements`);
    await q.query(`DROP TABLE IF EXISTS settlements`);
    await q.query(`DROP TABLE IF EXISTS commission_tiers`);
    await q.query(`DROP TABLE IF EXISTS commission_rules`);
  }
}
