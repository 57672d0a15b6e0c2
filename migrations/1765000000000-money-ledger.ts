import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The order's money ledger (owned by `orders`): `payments` becomes the record of every fen received
 * for an order — provider notices, Alipay trades, cash collected at the door or at a counter — and
 * `refunds` the record of every fen owed back, each refund drawn on one receipt. A trigger keeps the
 * refunds of a receipt (failed ones aside) within what it received, so partial refunds can be added
 * later without ever refunding more than came in. Orders also get their payment deadline.
 *
 * Commissions keeps its own copy of cash refunds held by agents (`commission_cash_refunds`, from the
 * `refund.cash_owed` event) and statements gain `cash_refunds_cents`, which reduce what an agent owes.
 */
export class MoneyLedger1765000000000 implements MigrationInterface {
  name = 'MoneyLedger1765000000000';

  async up(q: QueryRunner): Promise<void> {
    // The deadline of an unpaid online order; existing ones take it from their expiry timer.
    await q.query(`ALTER TABLE orders ADD COLUMN payment_due_at timestamptz`);
    await q.query(`
      UPDATE orders o SET payment_due_at = t.due
        FROM (SELECT aggregate_id, max(available_at) AS due FROM outbox
               WHERE event_type = 'order.payment_timer' AND payload->>'kind' = 'expiry'
               GROUP BY aggregate_id) t
       WHERE t.aggregate_id = o.id AND o.payment_method = 'online'`);

    // Receipts: how the money came and, for cash, who holds it.
    await q.query(`
      ALTER TABLE payments
        ADD COLUMN method text NOT NULL DEFAULT 'notice' CHECK (method IN ('notice', 'alipay', 'cash', 'counter')),
        ADD COLUMN holder_agent_id uuid REFERENCES agents(id),
        ADD COLUMN holder_pickup_point_id uuid REFERENCES pickup_points(id),
        ADD COLUMN data jsonb NOT NULL DEFAULT '{}'::jsonb`);
    await q.query(`ALTER TABLE payments ALTER COLUMN method DROP DEFAULT`);
    await q.query(`ALTER TABLE payments DROP CONSTRAINT payments_provider_ref_key`);
    await q.query(
      `ALTER TABLE payments ADD CONSTRAINT payments_method_provider_ref_key UNIQUE (method, provider_ref)`,
    );
    // Cash received before this migration: the COD ledger names its holder exactly.
    await q.query(`
      INSERT INTO payments (provider_ref, order_id, amount_cents, paid_at, outcome, method, holder_agent_id,
                            holder_pickup_point_id)
      SELECT 'cash:' || c.order_id, c.order_id, c.amount_cents, c.created_at, 'applied', 'cash', c.agent_id,
             c.pickup_point_id
        FROM cod_ledger c WHERE c.amount_cents > 0`);
    await q.query(`
      INSERT INTO payments (provider_ref, order_id, amount_cents, paid_at, outcome, method, holder_pickup_point_id)
      SELECT 'counter:' || o.id, o.id, o.total_cents, COALESCE(o.paid_at, o.created_at), 'applied', 'counter',
             COALESCE((SELECT u.pickup_point_id FROM users u WHERE u.id = o.created_by_id), o.pickup_point_id)
        FROM orders o WHERE o.payment_method = 'counter'`);
    await q.query(`
      ALTER TABLE payments
        ADD CONSTRAINT payments_cash_holder CHECK (
          (method IN ('cash', 'counter')) = (holder_agent_id IS NOT NULL OR holder_pickup_point_id IS NOT NULL)),
        ADD CONSTRAINT payments_one_holder CHECK (holder_agent_id IS NULL OR holder_pickup_point_id IS NULL)`);
    // Money received is a fact: never edited, never deleted.
    await q.query(`
      CREATE FUNCTION payments_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'payments are append-only' USING ERRCODE = '55000';
      END $$`);
    await q.query(
      `CREATE TRIGGER payments_append_only BEFORE UPDATE OR DELETE ON payments
         FOR EACH ROW EXECUTE FUNCTION payments_refuse_change()`,
    );

    await q.query(`
      CREATE TABLE refunds (
        id uuid PRIMARY KEY,
        order_id uuid NOT NULL REFERENCES orders(id),
        payment_id uuid NOT NULL REFERENCES payments(id),
        region_id uuid NOT NULL REFERENCES regions(id),
        amount_cents bigint NOT NULL CHECK (amount_cents > 0),
        method text NOT NULL CHECK (method IN ('alipay', 'cash', 'manual')),
        status text NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed', 'owed', 'paid_out')),
        cause text NOT NULL CHECK (cause IN ('cancel', 'return', 'expire', 'late_payment', 'duplicate_payment')),
        reason text NOT NULL CHECK (length(reason) BETWEEN 1 AND 500),
        holder_agent_id uuid REFERENCES agents(id),
        holder_pickup_point_id uuid REFERENCES pickup_points(id),
        provider_ref text,
        failure_code text,
        failure_reason text,
        attempts integer NOT NULL DEFAULT 0,
        requested_by_id uuid NOT NULL,
        requested_by_role text NOT NULL,
        succeeded_at timestamptz,
        failed_at timestamptz,
        paid_out_at timestamptz,
        paid_out_by_id uuid,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT refunds_method_status CHECK (
          (method = 'alipay' AND status IN ('pending', 'succeeded', 'failed')) OR
          (method IN ('cash', 'manual') AND status IN ('owed', 'paid_out'))),
        CONSTRAINT refunds_cash_holder CHECK (
          CASE WHEN method = 'cash' THEN (holder_agent_id IS NULL) <> (holder_pickup_point_id IS NULL)
               ELSE holder_agent_id IS NULL AND holder_pickup_point_id IS NULL END),
        CONSTRAINT refunds_succeeded_stamped CHECK ((status = 'succeeded') = (succeeded_at IS NOT NULL)),
        CONSTRAINT refunds_failed_explained CHECK (status <> 'failed' OR (failed_at IS NOT NULL AND failure_reason IS NOT NULL)),
        CONSTRAINT refunds_paid_out_stamped CHECK (
          (status = 'paid_out') = (paid_out_at IS NOT NULL AND paid_out_by_id IS NOT NULL))
      )`);
    await q.query(`CREATE INDEX refunds_order_idx ON refunds (order_id)`);
    await q.query(`CREATE INDEX refunds_payment_idx ON refunds (payment_id)`);
    await q.query(`CREATE INDEX refunds_region_created_idx ON refunds (region_id, created_at DESC, id DESC)`);
    await q.query(`CREATE INDEX refunds_created_idx ON refunds (created_at DESC, id DESC)`);
    await q.query(
      `CREATE INDEX refunds_open_idx ON refunds (status, created_at) WHERE status IN ('pending', 'failed', 'owed')`,
    );
    // Σ refunds of a receipt (failed ones aside: that money never left) ≤ the receipt. The receipt row
    // is locked while checking, so two refunds drawn on it at once are checked one after the other.
    await q.query(`
      CREATE FUNCTION refunds_within_received() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        received bigint;
        refunded bigint;
      BEGIN
        SELECT amount_cents INTO received FROM payments
         WHERE id = NEW.payment_id AND order_id = NEW.order_id FOR UPDATE;
        IF received IS NULL THEN
          RAISE EXCEPTION 'refund % draws on payment % of another order', NEW.id, NEW.payment_id
            USING ERRCODE = '23514', CONSTRAINT = 'refunds_within_received';
        END IF;
        SELECT COALESCE(sum(amount_cents), 0) INTO refunded FROM refunds
         WHERE payment_id = NEW.payment_id AND status <> 'failed' AND id <> NEW.id;
        IF refunded + NEW.amount_cents > received THEN
          RAISE EXCEPTION 'refunds of payment % would reach % of the % received', NEW.payment_id,
            refunded + NEW.amount_cents, received
            USING ERRCODE = '23514', CONSTRAINT = 'refunds_within_received';
        END IF;
        RETURN NEW;
      END $$`);
    await q.query(`
      CREATE TRIGGER refunds_within_received_insert BEFORE INSERT ON refunds
        FOR EACH ROW WHEN (NEW.status <> 'failed') EXECUTE FUNCTION refunds_within_received()`);
    await q.query(`
      CREATE TRIGGER refunds_within_received_update BEFORE UPDATE ON refunds
        FOR EACH ROW WHEN (NEW.status <> 'failed' AND (OLD.status = 'failed'
          OR NEW.amount_cents <> OLD.amount_cents OR NEW.payment_id <> OLD.payment_id))
        EXECUTE FUNCTION refunds_within_received()`);
    // What a refund is never changes; its status only moves forward (a failed Alipay refund may be retried).
    await q.query(`
      CREATE FUNCTION refunds_guard() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'DELETE' THEN
          RAISE EXCEPTION 'refunds are never deleted' USING ERRCODE = '55000';
        END IF;
        IF NEW.order_id <> OLD.order_id OR NEW.payment_id <> OLD.payment_id OR NEW.amount_cents <> OLD.amount_cents
           OR NEW.method <> OLD.method OR NEW.cause <> OLD.cause OR NEW.region_id <> OLD.region_id
           OR NEW.holder_agent_id IS DISTINCT FROM OLD.holder_agent_id
           OR NEW.holder_pickup_point_id IS DISTINCT FROM OLD.holder_pickup_point_id THEN
          RAISE EXCEPTION 'refund % may only change its status', OLD.id USING ERRCODE = '55000';
        END IF;
        IF NEW.status <> OLD.status AND NOT (
             (OLD.status = 'pending' AND NEW.status IN ('succeeded', 'failed')) OR
             (OLD.status = 'failed' AND NEW.status = 'pending') OR
             (OLD.status = 'owed' AND NEW.status = 'paid_out')) THEN
          RAISE EXCEPTION 'refund % cannot go from % to %', OLD.id, OLD.status, NEW.status USING ERRCODE = '55000';
        END IF;
        RETURN NEW;
      END $$`);
    await q.query(
      `CREATE TRIGGER refunds_guard BEFORE UPDATE OR DELETE ON refunds FOR EACH ROW EXECUTE FUNCTION refunds_guard()`,
    );
    // Money that came in for an order that could not take it was only flagged until now: owe it back.
    await q.query(`
      INSERT INTO refunds (id, order_id, payment_id, region_id, amount_cents, method, status, cause, reason,
                           requested_by_id, requested_by_role, created_at)
      SELECT gen_random_uuid(), p.order_id, p.id, o.region_id, p.amount_cents, 'manual', 'owed', 'late_payment',
             'payment received for an order that could no longer take it', '00000000-0000-0000-0000-000000000000',
             'system', p.received_at
        FROM payments p JOIN orders o ON o.id = p.order_id
       WHERE p.outcome = 'refund_required' AND p.amount_cents > 0`);

    // Commissions' copy of cash refunds (from refund.cash_owed) and the statements' new column.
    await q.query(`
      CREATE TABLE commission_cash_refunds (
        id bigserial PRIMARY KEY,
        refund_id uuid NOT NULL REFERENCES refunds(id),
        order_id uuid NOT NULL REFERENCES orders(id),
        agent_id uuid REFERENCES agents(id),
        pickup_point_id uuid REFERENCES pickup_points(id),
        region_id uuid NOT NULL REFERENCES regions(id),
        amount_cents bigint NOT NULL CHECK (amount_cents > 0),
        owed_at timestamptz NOT NULL,
        period text NOT NULL CHECK (period ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
        created_at timestamptz NOT NULL DEFAULT now(),
        statement_id uuid REFERENCES settlement_statements(id),
        cleared_at timestamptz,
        CONSTRAINT commission_cash_refunds_refund_key UNIQUE (refund_id),
        CONSTRAINT commission_cash_refunds_one_holder CHECK ((agent_id IS NULL) <> (pickup_point_id IS NULL)),
        CONSTRAINT commission_cash_refunds_cleared_settled CHECK (cleared_at IS NULL OR statement_id IS NOT NULL)
      )`);
    await q.query(
      `CREATE INDEX commission_cash_refunds_unsettled_idx ON commission_cash_refunds (region_id, period)
         WHERE statement_id IS NULL`,
    );
    await q.query(
      `CREATE INDEX commission_cash_refunds_agent_idx ON commission_cash_refunds (agent_id) WHERE agent_id IS NOT NULL`,
    );
    await q.query(`
      ALTER TABLE settlement_statements
        ADD COLUMN cash_refunds_cents bigint NOT NULL DEFAULT 0 CHECK (cash_refunds_cents >= 0),
        DROP CONSTRAINT settlement_statements_net,
        ADD CONSTRAINT settlement_statements_net CHECK (
          net_cents = commission_cents + reversal_cents + install_fee_cents + adjustment_cents - cod_held_cents
                      + cash_refunds_cents)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE settlement_statements
        DROP CONSTRAINT settlement_statements_net,
        ADD CONSTRAINT settlement_statements_net CHECK (
          net_cents = commission_cents + reversal_cents + install_fee_cents + adjustment_cents - cod_held_cents)`);
    await q.query(`ALTER TABLE settlement_statements DROP COLUMN cash_refunds_cents`);
    await q.query(`DROP TABLE IF EXISTS commission_cash_refunds`);
    await q.query(`DROP TABLE IF EXISTS refunds`);
    await q.query(`DROP FUNCTION IF EXISTS refunds_guard()`);
    await q.query(`DROP FUNCTION IF EXISTS refunds_within_received()`);
    await q.query(`DROP TRIGGER IF EXISTS payments_append_only ON payments`);
    await q.query(`DROP FUNCTION IF EXISTS payments_refuse_change()`);
    await q.query(`DELETE FROM payments WHERE method IN ('cash', 'counter')`);
    await q.query(`
      ALTER TABLE payments
        DROP CONSTRAINT payments_method_provider_ref_key,
        DROP CONSTRAINT payments_cash_holder,
        DROP CONSTRAINT payments_one_holder`);
    // Alipay trade numbers and provider references could collide once the methods are folded together.
    await q.query(`UPDATE payments SET provider_ref = 'alipay:' || provider_ref WHERE method = 'alipay'`);
    await q.query(`ALTER TABLE payments ADD CONSTRAINT payments_provider_ref_key UNIQUE (provider_ref)`);
    await q.query(`
      ALTER TABLE payments DROP COLUMN data, DROP COLUMN holder_pickup_point_id, DROP COLUMN holder_agent_id,
        DROP COLUMN method`);
    await q.query(`ALTER TABLE orders DROP COLUMN payment_due_at`);
  }
}
