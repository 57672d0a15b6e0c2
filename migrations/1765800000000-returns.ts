import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Returns of some lines or quantities of a delivered order (issue 16).
 * - `order_lines.returned_quantity` (orders): how many units of the line came back, never more than
 *   the line's quantity.
 * - `return_requests` + `return_request_lines` (aftersales): what the customer asked to return, the
 *   manager's decision, the pickup task and, on receipt, the refund of each line (exact fen).
 *   At most one open or approved request per order at a time (partial unique index), so two requests
 *   can never claim the same units.
 */
export class Returns1765800000000 implements MigrationInterface {
  name = 'Returns1765800000000';

  async up(q: QueryRunner): Promise<void> {
    // A return pickup belongs to an order (like an install); a repair pickup still has none. Other
    // kinds (training, repair_return: the tickets part) are not constrained here.
    await q.query(`ALTER TABLE tasks DROP CONSTRAINT tasks_install_has_order`);
    await q.query(`
      ALTER TABLE tasks ADD CONSTRAINT tasks_install_has_order CHECK (
        (kind NOT IN ('delivery_install', 'return_pickup') OR order_id IS NOT NULL)
        AND (kind <> 'repair_pickup' OR order_id IS NULL))`);
    await q.query(`
      ALTER TABLE order_lines
        ADD COLUMN returned_quantity integer NOT NULL DEFAULT 0,
        ADD CONSTRAINT order_lines_returned_quantity CHECK (returned_quantity BETWEEN 0 AND quantity)`);
    await q.query(`
      CREATE TABLE return_requests (
        id uuid PRIMARY KEY,
        order_id uuid NOT NULL REFERENCES orders(id),
        order_number text NOT NULL,
        region_id uuid NOT NULL REFERENCES regions(id),
        campus_id uuid NOT NULL REFERENCES campuses(id),
        customer_id uuid NOT NULL,
        channel text NOT NULL,
        status text NOT NULL CHECK (status IN ('open', 'approved', 'rejected', 'received')),
        collection text NOT NULL DEFAULT 'agent' CHECK (collection IN ('agent', 'drop_off')),
        reason text NOT NULL CHECK (length(reason) BETWEEN 1 AND 500),
        decision_note text,
        requested_by_id uuid NOT NULL,
        requested_by_role text NOT NULL,
        decided_by_id uuid,
        decided_at timestamptz,
        task_id uuid REFERENCES tasks(id),
        received_by_id uuid,
        received_at timestamptz,
        refund_cents bigint CHECK (refund_cents >= 0),
        refund_ids uuid[] NOT NULL DEFAULT '{}',
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT return_requests_decided CHECK (status = 'open' OR decided_at IS NOT NULL),
        CONSTRAINT return_requests_received CHECK (status <> 'received' OR (received_at IS NOT NULL AND refund_cents IS NOT NULL))
      )`);
    await q.query(
      `CREATE UNIQUE INDEX return_requests_one_pending ON return_requests (order_id) WHERE status IN ('open', 'approved')`,
    );
    await q.query(
      `CREATE INDEX return_requests_region_idx ON return_requests (region_id, status, created_at)`,
    );
    await q.query(`CREATE INDEX return_requests_customer_idx ON return_requests (customer_id, created_at)`);
    await q.query(
      `CREATE UNIQUE INDEX return_requests_task_key ON return_requests (task_id) WHERE task_id IS NOT NULL`,
    );
    await q.query(`
      CREATE TABLE return_request_lines (
        request_id uuid NOT NULL REFERENCES return_requests(id) ON DELETE CASCADE,
        line_no smallint NOT NULL,
        sku text NOT NULL,
        name text NOT NULL,
        quantity integer NOT NULL CHECK (quantity > 0),
        refund_cents bigint CHECK (refund_cents >= 0),
        PRIMARY KEY (request_id, line_no)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE return_request_lines`);
    await q.query(`DROP TABLE return_requests`);
    await q.query(
      `ALTER TABLE order_lines DROP CONSTRAINT order_lines_returned_quantity, DROP COLUMN returned_quantity`,
    );
    await q.query(`ALTER TABLE tasks DROP CONSTRAINT tasks_install_has_order`);
    await q.query(
      `ALTER TABLE tasks ADD CONSTRAINT tasks_install_has_order CHECK ((kind = 'delivery_install') = (order_id IS NOT NULL))`,
    );
  }
}
