import { MigrationInterface, QueryRunner } from 'typeorm';

const REFUND_CAUSES = `'cancel', 'return', 'expire', 'late_payment', 'duplicate_payment'`;

/**
 * After-sales tickets (aftersales owns `tickets` and `ticket_messages`), the fee per after-sales task
 * kind set by the admin and the training checklist (tasks owns `task_kind_fees` and `tasks`), and a
 * refund cause for compensation paid when a ticket is resolved (orders owns `refunds`).
 */
export class Tickets1765850000000 implements MigrationInterface {
  name = 'Tickets1765850000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE tickets (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        kind text NOT NULL CHECK (kind IN ('complaint', 'enquiry', 'repair')),
        status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'resolved')),
        customer_id uuid REFERENCES customers(id),
        customer_phone text NOT NULL CHECK (customer_phone ~ '^\\+[0-9]{6,15}$'),
        order_id uuid REFERENCES orders(id),
        order_number text,
        region_id uuid REFERENCES regions(id),
        campus_id uuid REFERENCES campuses(id),
        body text NOT NULL CHECK (length(body) BETWEEN 1 AND 2000),
        created_by_id uuid,
        created_by_role text NOT NULL,
        created_at timestamptz NOT NULL,
        due_at timestamptz NOT NULL,
        first_reply_at timestamptz,
        first_reply_by_id uuid,
        outcome text CHECK (outcome IN ('answered', 'repair_arranged', 'compensated', 'no_fault')),
        resolution_note text,
        compensation_cents bigint CHECK (compensation_cents > 0),
        refund_ids uuid[] NOT NULL DEFAULT '{}',
        resolved_at timestamptz,
        resolved_by_id uuid,
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT tickets_resolved CHECK ((status = 'resolved') = (resolved_at IS NOT NULL AND outcome IS NOT NULL)),
        CONSTRAINT tickets_compensation CHECK ((outcome = 'compensated') = (compensation_cents IS NOT NULL)),
        CONSTRAINT tickets_refund_needs_order CHECK (cardinality(refund_ids) = 0 OR order_id IS NOT NULL)
      )`);
    await q.query(`CREATE INDEX tickets_customer_idx ON tickets (customer_id, created_at DESC)`);
    await q.query(`CREATE INDEX tickets_phone_idx ON tickets (customer_phone, created_at DESC)`);
    await q.query(`CREATE INDEX tickets_region_idx ON tickets (region_id, created_at DESC)`);
    await q.query(`CREATE INDEX tickets_order_idx ON tickets (order_id) WHERE order_id IS NOT NULL`);
    await q.query(
      `CREATE INDEX tickets_awaiting_reply_idx ON tickets (due_at) WHERE status = 'open' AND first_reply_at IS NULL`,
    );
    await q.query(`
      CREATE TABLE ticket_messages (
        id bigserial PRIMARY KEY,
        ticket_id uuid NOT NULL REFERENCES tickets(id),
        author text NOT NULL CHECK (author IN ('customer', 'staff')),
        author_id uuid,
        author_role text NOT NULL,
        body text NOT NULL CHECK (length(body) BETWEEN 1 AND 2000),
        notification_id uuid,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX ticket_messages_ticket_idx ON ticket_messages (ticket_id, id)`);
    // The conversation is a record: replies are never edited or deleted.
    await q.query(`
      CREATE FUNCTION ticket_messages_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'ticket_messages is append-only' USING ERRCODE = 'check_violation';
      END $$`);
    await q.query(`
      CREATE TRIGGER ticket_messages_append_only BEFORE UPDATE OR DELETE ON ticket_messages
        FOR EACH ROW EXECUTE FUNCTION ticket_messages_append_only()`);

    await q.query(`
      CREATE TABLE task_kind_fees (
        kind text PRIMARY KEY CHECK (kind IN ('training', 'repair_return')),
        fee_cents integer NOT NULL DEFAULT 0 CHECK (fee_cents >= 0 AND fee_cents <= 10000000),
        updated_at timestamptz NOT NULL DEFAULT now(),
        updated_by_id uuid
      )`);
    await q.query(
      `INSERT INTO task_kind_fees (kind, fee_cents) VALUES ('training', 0), ('repair_return', 0)`,
    );
    await q.query(
      `ALTER TABLE tasks ADD COLUMN checklist jsonb NOT NULL DEFAULT '[]'::jsonb CHECK (jsonb_typeof(checklist) = 'array')`,
    );
    // An install always follows its order; after-sales tasks (training, repair return) may be about one too.
    await q.query(`ALTER TABLE tasks DROP CONSTRAINT IF EXISTS tasks_install_has_order`);
    await q.query(
      `ALTER TABLE tasks ADD CONSTRAINT tasks_install_has_order
         CHECK (kind NOT IN ('delivery_install', 'return_pickup') OR order_id IS NOT NULL)`,
    );

    await q.query(`ALTER TABLE refunds DROP CONSTRAINT IF EXISTS refunds_cause_check`);
    await q.query(
      `ALTER TABLE refunds ADD CONSTRAINT refunds_cause_check CHECK (cause IN (${REFUND_CAUSES}, 'compensation'))`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE refunds DROP CONSTRAINT IF EXISTS refunds_cause_check`);
    await q.query(
      `ALTER TABLE refunds ADD CONSTRAINT refunds_cause_check CHECK (cause IN (${REFUND_CAUSES}))`,
    );
    await q.query(`ALTER TABLE tasks DROP CONSTRAINT IF EXISTS tasks_install_has_order`);
    await q.query(`
      ALTER TABLE tasks ADD CONSTRAINT tasks_install_has_order CHECK (
        (kind NOT IN ('delivery_install', 'return_pickup') OR order_id IS NOT NULL)
        AND (kind <> 'repair_pickup' OR order_id IS NULL))`);
    await q.query(`ALTER TABLE tasks DROP COLUMN checklist`);
    await q.query(`DROP TABLE task_kind_fees`);
    await q.query(`DROP TABLE ticket_messages`);
    await q.query(`DROP FUNCTION ticket_messages_append_only()`);
    await q.query(`DROP TABLE tickets`);
  }
}
