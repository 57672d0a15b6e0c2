import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Fulfilment: parcels waiting at pickup points (in a locker compartment or at a counter) with their
 * hashed pickup codes, the wrong-code lockouts, and the append-only ledger of cash collected on
 * delivery. The invariants the service relies on are enforced here too: one held parcel per order
 * and per compartment, unique codes per locker/counter, one COD entry per order, no edits to it.
 */
export class Fulfilment1764200000000 implements MigrationInterface {
  name = 'Fulfilment1764200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE parcels (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        order_id uuid NOT NULL REFERENCES orders(id),
        pickup_point_id uuid NOT NULL REFERENCES pickup_points(id),
        locker_id uuid REFERENCES lockers(id),
        compartment_id uuid REFERENCES compartments(id),
        size text CHECK (size IN ('S','M','L')),
        code_hash text NOT NULL,
        state text NOT NULL DEFAULT 'held' CHECK (state IN ('held','collected','expired')),
        deposited_by_id uuid NOT NULL,
        deposited_by_role text NOT NULL,
        deposited_at timestamptz NOT NULL,
        expires_at timestamptz NOT NULL,
        closed_at timestamptz,
        closed_by_id uuid,
        CONSTRAINT parcels_locker_has_compartment CHECK (
          (locker_id IS NULL) = (compartment_id IS NULL) AND (compartment_id IS NULL) = (size IS NULL)),
        CONSTRAINT parcels_closed_when_done CHECK ((state = 'held') = (closed_at IS NULL)),
        CONSTRAINT parcels_expiry_after_deposit CHECK (expires_at > deposited_at)
      )`);
    await q.query(
      `CREATE UNIQUE INDEX parcels_one_held_per_order ON parcels (order_id) WHERE state = 'held'`,
    );
    await q.query(
      `CREATE UNIQUE INDEX parcels_one_held_per_compartment ON parcels (compartment_id)
        WHERE state = 'held' AND compartment_id IS NOT NULL`,
    );
    // Pickup looks a parcel up by its code at one locker (or one counter): codes must not repeat there.
    await q.query(
      `CREATE UNIQUE INDEX parcels_code_per_place ON parcels ((COALESCE(locker_id, pickup_point_id)), code_hash)
        WHERE state = 'held'`,
    );
    await q.query(`CREATE INDEX parcels_order_idx ON parcels (order_id)`);
    await q.query(
      `CREATE INDEX parcels_held_place_idx ON parcels (pickup_point_id, locker_id) WHERE state = 'held'`,
    );

    await q.query(`
      CREATE TABLE pickup_lockouts (
        place_id uuid NOT NULL,
        subject text NOT NULL,
        failures integer NOT NULL DEFAULT 0 CHECK (failures >= 0),
        last_failed_at timestamptz,
        locked_until timestamptz,
        PRIMARY KEY (place_id, subject)
      )`);

    await q.query(`
      CREATE TABLE cod_ledger (
        id bigserial PRIMARY KEY,
        order_id uuid NOT NULL REFERENCES orders(id),
        agent_id uuid REFERENCES agents(id),
        pickup_point_id uuid REFERENCES pickup_points(id),
        amount_cents bigint NOT NULL CHECK (amount_cents >= 0),
        expected_cents bigint NOT NULL CHECK (expected_cents >= 0),
        override_reason text,
        recorded_by_id uuid NOT NULL,
        recorded_by_role text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT cod_ledger_order_key UNIQUE (order_id),
        CONSTRAINT cod_ledger_one_holder CHECK ((agent_id IS NULL) <> (pickup_point_id IS NULL)),
        CONSTRAINT cod_ledger_override_explained CHECK (amount_cents = expected_cents OR override_reason IS NOT NULL)
      )`);
    await q.query(
      `CREATE INDEX cod_ledger_agent_idx ON cod_ledger (agent_id, id) WHERE agent_id IS NOT NULL`,
    );
    await q.query(
      `CREATE INDEX cod_ledger_point_idx ON cod_ledger (pickup_point_id, id) WHERE pickup_point_id IS NOT NULL`,
    );
    await q.query(`
      CREATE FUNCTION cod_ledger_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'cod_ledger is append-only: % refused', TG_OP USING ERRCODE = 'P0001';
      END $$`);
    await q.query(`
      CREATE TRIGGER cod_ledger_append_only BEFORE UPDATE OR DELETE ON cod_ledger
        FOR EACH ROW EXECUTE FUNCTION cod_ledger_append_only()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER IF EXISTS cod_ledger_append_only ON cod_ledger`);
    await q.query(`DROP FUNCTION IF EXISTS cod_ledger_append_only()`);
    await q.query(`DROP TABLE IF EXISTS cod_ledger`);
    await q.query(`DROP TABLE IF EXISTS pickup_lockouts`);
    await q.query(`DROP TABLE IF EXISTS parcels`);
  }
}
