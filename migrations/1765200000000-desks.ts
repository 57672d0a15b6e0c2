import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The desks (issue 15): re-sent pickup codes (at most 3 a Shanghai day per parcel), the pickup
 * point's daily cash-up with its append-only hand-ins, staff alerts, "new work since last seen" for
 * agents, and the moment a task was given to its agent.
 *
 * Owners: parcels, cash_ups, cash_hand_ins → fulfilment; alerts → notifications; agents' seen
 * stamps → network; tasks.assigned_at → tasks; the partial index on orders → orders (read by the
 * cash-up, which fulfilment may do: fulfilment → orders).
 */
export class Desks1765200000000 implements MigrationInterface {
  name = 'Desks1765200000000';

  async up(q: QueryRunner): Promise<void> {
    // A lost code is replaced (the old hash is overwritten, so it stops working); the count of
    // replacements is kept per Shanghai day.
    await q.query(`
      ALTER TABLE parcels
        ADD COLUMN code_resends integer NOT NULL DEFAULT 0,
        ADD COLUMN code_resend_day date,
        ADD CONSTRAINT parcels_code_resends_per_day CHECK (code_resends BETWEEN 0 AND 3),
        ADD CONSTRAINT parcels_code_resend_day_known CHECK ((code_resends = 0) OR (code_resend_day IS NOT NULL))`);

    await q.query(`
      CREATE TABLE cash_ups (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        pickup_point_id uuid NOT NULL REFERENCES pickup_points(id),
        region_id uuid NOT NULL REFERENCES regions(id),
        day date NOT NULL,
        status text NOT NULL DEFAULT 'open' CHECK (status IN ('open','closed')),
        collected_cents bigint CHECK (collected_cents >= 0),
        refunded_cents bigint CHECK (refunded_cents >= 0),
        handed_in_cents bigint CHECK (handed_in_cents >= 0),
        difference_cents bigint,
        close_note text,
        closed_by_id uuid,
        closed_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT cash_ups_point_day_key UNIQUE (pickup_point_id, day),
        CONSTRAINT cash_ups_closed_has_figures CHECK (
          (status = 'closed') = (closed_at IS NOT NULL)
          AND (status = 'closed') = (collected_cents IS NOT NULL)
          AND (status = 'closed') = (refunded_cents IS NOT NULL)
          AND (status = 'closed') = (handed_in_cents IS NOT NULL)
          AND (status = 'closed') = (difference_cents IS NOT NULL)
          AND (status = 'closed') = (closed_by_id IS NOT NULL)),
        CONSTRAINT cash_ups_difference_adds_up CHECK (
          difference_cents IS NULL OR difference_cents = handed_in_cents - (collected_cents - refunded_cents))
      )`);
    await q.query(`CREATE INDEX cash_ups_region_day_idx ON cash_ups (region_id, day DESC, id)`);

    await q.query(`
      CREATE TABLE cash_hand_ins (
        id bigserial PRIMARY KEY,
        cash_up_id uuid NOT NULL REFERENCES cash_ups(id),
        amount_cents bigint NOT NULL CHECK (amount_cents > 0),
        note text NOT NULL CHECK (length(note) BETWEEN 1 AND 500),
        recorded_by_id uuid NOT NULL,
        recorded_by_role text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX cash_hand_ins_cash_up_idx ON cash_hand_ins (cash_up_id, id)`);
    await q.query(`
      CREATE FUNCTION cash_hand_ins_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'cash_hand_ins is append-only: % refused', TG_OP USING ERRCODE = 'P0001';
      END $$`);
    await q.query(`
      CREATE TRIGGER cash_hand_ins_append_only BEFORE UPDATE OR DELETE ON cash_hand_ins
        FOR EACH ROW EXECUTE FUNCTION cash_hand_ins_append_only()`);
    // Cash taken at a counter for counter-paid sales, per point and day (the cash-up's "collected").
    await q.query(
      `CREATE INDEX orders_counter_paid_idx ON orders (pickup_point_id, paid_at) WHERE payment_method = 'counter'`,
    );
    await q.query(`CREATE INDEX cod_ledger_point_time_idx ON cod_ledger (pickup_point_id, created_at)
      WHERE pickup_point_id IS NOT NULL`);

    await q.query(`
      CREATE TABLE alerts (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        kind text NOT NULL CHECK (kind ~ '^[a-z][a-z0-9_]{0,63}$'),
        audience text NOT NULL CHECK (audience IN ('admins','region','user')),
        region_id uuid REFERENCES regions(id),
        user_id uuid REFERENCES users(id),
        subject text NOT NULL,
        body text NOT NULL,
        data jsonb NOT NULL DEFAULT '{}'::jsonb,
        dedupe_key text,
        created_at timestamptz NOT NULL DEFAULT now(),
        acknowledged_at timestamptz,
        acknowledged_by_id uuid,
        CONSTRAINT alerts_dedupe_key UNIQUE (dedupe_key),
        CONSTRAINT alerts_audience_target CHECK (
          (audience <> 'region' OR region_id IS NOT NULL) AND ((audience = 'user') = (user_id IS NOT NULL))),
        CONSTRAINT alerts_ack_by CHECK ((acknowledged_at IS NULL) = (acknowledged_by_id IS NULL))
      )`);
    await q.query(`CREATE INDEX alerts_created_idx ON alerts (created_at DESC, id DESC)`);
    await q.query(
      `CREATE INDEX alerts_region_idx ON alerts (region_id, created_at DESC) WHERE audience = 'region'`,
    );
    await q.query(
      `CREATE INDEX alerts_user_idx ON alerts (user_id, created_at DESC) WHERE user_id IS NOT NULL`,
    );

    // "New work since last seen": when the agent last opened each list (kept on the server, so a
    // second phone or a reinstall shows the same badge).
    await q.query(
      `ALTER TABLE agents ADD COLUMN orders_seen_at timestamptz, ADD COLUMN tasks_seen_at timestamptz`,
    );

    await q.query(`ALTER TABLE tasks ADD COLUMN assigned_at timestamptz`);
    await q.query(`
      UPDATE tasks t SET assigned_at = COALESCE(
        (SELECT max(e.created_at) FROM task_events e
          WHERE e.task_id = t.id AND (e.type = 'assign' OR (e.type = 'opened' AND e.to_status = 'assigned'))),
        t.created_at)
       WHERE t.agent_id IS NOT NULL`);
    await q.query(
      `CREATE INDEX tasks_agent_assigned_idx ON tasks (agent_id, assigned_at) WHERE agent_id IS NOT NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS tasks_agent_assigned_idx`);
    await q.query(`ALTER TABLE tasks DROP COLUMN IF EXISTS assigned_at`);
    await q.query(
      `ALTER TABLE agents DROP COLUMN IF EXISTS orders_seen_at, DROP COLUMN IF EXISTS tasks_seen_at`,
    );
    await q.query(`DROP TABLE IF EXISTS alerts`);
    await q.query(`DROP INDEX IF EXISTS cod_ledger_point_time_idx`);
    await q.query(`DROP INDEX IF EXISTS orders_counter_paid_idx`);
    await q.query(`DROP TRIGGER IF EXISTS cash_hand_ins_append_only ON cash_hand_ins`);
    await q.query(`DROP FUNCTION IF EXISTS cash_hand_ins_append_only()`);
    await q.query(`DROP TABLE IF EXISTS cash_hand_ins`);
    await q.query(`DROP TABLE IF EXISTS cash_ups`);
    await q.query(`
      ALTER TABLE parcels
        DROP CONSTRAINT IF EXISTS parcels_code_resend_day_known,
        DROP CONSTRAINT IF EXISTS parcels_code_resends_per_day,
        DROP COLUMN IF EXISTS code_resend_day,
        DROP COLUMN IF EXISTS code_resends`);
  }
}
