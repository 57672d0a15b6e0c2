import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Tasks: delivery-plus-install work opened from an order, and repair pickups opened by the call centre
 * without one, with their append-only timeline. The invariants the service relies on are enforced here
 * too: one install task per order, an agent exactly when the task is past `open`, a window and a code
 * once scheduled, a reason when failed, a completion time exactly when done, at most five wrong codes.
 */
export class Tasks1764400000000 implements MigrationInterface {
  name = 'Tasks1764400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE tasks (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        kind text NOT NULL CHECK (kind IN ('delivery_install','repair_pickup')),
        status text NOT NULL CHECK (status IN ('open','assigned','scheduled','in_progress','done','failed','cancelled')),
        order_id uuid REFERENCES orders(id),
        order_number text,
        region_id uuid NOT NULL REFERENCES regions(id),
        campus_id uuid NOT NULL REFERENCES campuses(id),
        agent_id uuid REFERENCES agents(id),
        customer_id uuid REFERENCES customers(id),
        customer_phone text NOT NULL CHECK (customer_phone ~ '^\\+[0-9]{6,15}$'),
        customer_name text,
        address text,
        description text,
        items jsonb NOT NULL DEFAULT '[]'::jsonb CHECK (jsonb_typeof(items) = 'array'),
        fee_cents integer NOT NULL DEFAULT 0 CHECK (fee_cents >= 0),
        window_start timestamptz,
        window_end timestamptz,
        code_hash text,
        code_failures integer NOT NULL DEFAULT 0 CHECK (code_failures BETWEEN 0 AND 5),
        notes text,
        failure_reason text,
        due_at timestamptz,
        scheduled_at timestamptz,
        started_at timestamptz,
        completed_at timestamptz,
        failed_at timestamptz,
        created_by_id uuid NOT NULL,
        created_by_role text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT tasks_install_has_order CHECK ((kind = 'delivery_install') = (order_id IS NOT NULL)),
        CONSTRAINT tasks_order_number CHECK ((order_id IS NULL) = (order_number IS NULL)),
        CONSTRAINT tasks_agent_when_taken CHECK (
          (status <> 'open' OR agent_id IS NULL) AND (status IN ('open','cancelled') OR agent_id IS NOT NULL)),
        CONSTRAINT tasks_window_pair CHECK ((window_start IS NULL) = (window_end IS NULL)),
        CONSTRAINT tasks_window_order CHECK (window_end > window_start),
        CONSTRAINT tasks_scheduled_has_window_and_code CHECK (
          status NOT IN ('scheduled','in_progress','done') OR (window_start IS NOT NULL AND code_hash IS NOT NULL)),
        CONSTRAINT tasks_done_when_completed CHECK ((status = 'done') = (completed_at IS NOT NULL)),
        CONSTRAINT tasks_failed_has_reason CHECK (status <> 'failed' OR failure_reason IS NOT NULL)
      )`);
    await q.query(
      `CREATE UNIQUE INDEX tasks_one_install_per_order ON tasks (order_id) WHERE kind = 'delivery_install'`,
    );
    await q.query(`CREATE INDEX tasks_order_idx ON tasks (order_id) WHERE order_id IS NOT NULL`);
    await q.query(`CREATE INDEX tasks_created_idx ON tasks (created_at DESC, id DESC)`);
    await q.query(`CREATE INDEX tasks_region_idx ON tasks (region_id, created_at DESC, id DESC)`);
    await q.query(`CREATE INDEX tasks_agent_idx ON tasks (agent_id, status) WHERE agent_id IS NOT NULL`);
    await q.query(
      `CREATE INDEX tasks_due_idx ON tasks (due_at) WHERE due_at IS NOT NULL AND status NOT IN ('done','cancelled')`,
    );

    await q.query(`
      CREATE TABLE task_events (
        id bigserial PRIMARY KEY,
        task_id uuid NOT NULL REFERENCES tasks(id),
        type text NOT NULL,
        from_status text,
        to_status text,
        actor_id uuid,
        actor_role text,
        reason text,
        data jsonb NOT NULL DEFAULT '{}'::jsonb,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX task_events_task_idx ON task_events (task_id, id)`);
    await q.query(`
      CREATE FUNCTION task_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'task_events is append-only: % refused', TG_OP USING ERRCODE = 'P0001';
      END $$`);
    await q.query(`
      CREATE TRIGGER task_events_append_only BEFORE UPDATE OR DELETE ON task_events
        FOR EACH ROW EXECUTE FUNCTION task_events_append_only()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER IF EXISTS task_events_append_only ON task_events`);
    await q.query(`DROP FUNCTION IF EXISTS task_events_append_only()`);
    await q.query(`DROP TABLE IF EXISTS task_events`);
    await q.query(`DROP TABLE IF EXISTS tasks`);
  }
}
