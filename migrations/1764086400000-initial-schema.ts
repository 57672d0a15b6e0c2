import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The foundation schema: network set-up, users and customers, catalogue with stock, orders with their
 * lines, events and idempotency keys, the outbox, the notification log and one-time codes.
 * Invariants the application relies on are also enforced here (CHECKs, unique and partial indexes).
 */
export class InitialSchema1764086400000 implements MigrationInterface {
  name = 'InitialSchema1764086400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE EXTENSION IF NOT EXISTS pgcrypto`);

    await q.query(`
      CREATE TABLE regions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        code text NOT NULL,
        name text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT regions_code_key UNIQUE (code)
      )`);
    await q.query(`
      CREATE TABLE campuses (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        code text NOT NULL,
        name text NOT NULL,
        region_id uuid NOT NULL REFERENCES regions(id),
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT campuses_code_key UNIQUE (code)
      )`);
    await q.query(`CREATE INDEX campuses_region_idx ON campuses (region_id)`);
    await q.query(`
      CREATE TABLE pickup_points (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        code text NOT NULL,
        name text NOT NULL,
        campus_id uuid NOT NULL REFERENCES campuses(id),
        address text,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pickup_points_code_key UNIQUE (code)
      )`);
    await q.query(`CREATE INDEX pickup_points_campus_idx ON pickup_points (campus_id)`);
    await q.query(`
      CREATE TABLE lockers (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        code text NOT NULL,
        pickup_point_id uuid NOT NULL REFERENCES pickup_points(id),
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT lockers_code_key UNIQUE (code)
      )`);
    await q.query(`CREATE INDEX lockers_pickup_point_idx ON lockers (pickup_point_id)`);

    await q.query(`
      CREATE TABLE users (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        username text NOT NULL,
        password_hash text NOT NULL,
        role text NOT NULL CHECK (role IN ('admin','regional_manager','call_center','agent','pickup_staff')),
        display_name text,
        phone text,
        region_id uuid REFERENCES regions(id),
        campus_id uuid REFERENCES campuses(id),
        pickup_point_id uuid REFERENCES pickup_points(id),
        active boolean NOT NULL DEFAULT true,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT users_manager_has_region CHECK (role <> 'regional_manager' OR region_id IS NOT NULL),
        CONSTRAINT users_agent_has_campus CHECK (role <> 'agent' OR campus_id IS NOT NULL),
        CONSTRAINT users_pickup_staff_has_point CHECK (role <> 'pickup_staff' OR pickup_point_id IS NOT NULL)
      )`);
    await q.query(`CREATE UNIQUE INDEX users_username_key ON users (lower(username))`);

    await q.query(`
      CREATE TABLE agents (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES users(id),
        campus_id uuid NOT NULL REFERENCES campuses(id),
        referral_code text NOT NULL,
        display_name text NOT NULL,
        phone text NOT NULL,
        status text NOT NULL DEFAULT 'active' CHECK (status IN ('active','suspended')),
        last_assigned_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT agents_user_key UNIQUE (user_id),
        CONSTRAINT agents_referral_code_key UNIQUE (referral_code)
      )`);
    await q.query(`CREATE INDEX agents_campus_status_idx ON agents (campus_id, status)`);

    await q.query(`
      CREATE TABLE customers (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        phone text NOT NULL CHECK (phone ~ '^\\+[0-9]{6,15}$'),
        name text,
        default_campus_id uuid REFERENCES campuses(id),
        default_pickup_point_id uuid REFERENCES pickup_points(id),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT customers_phone_key UNIQUE (phone)
      )`);

    await q.query(`
      CREATE TABLE otp_codes (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        phone text NOT NULL,
        code_hash text NOT NULL,
        expires_at timestamptz NOT NULL,
        attempts integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
        consumed_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX otp_codes_phone_idx ON otp_codes (phone, created_at DESC)`);

    await q.query(`
      CREATE TABLE products (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        sku text NOT NULL,
        name text NOT NULL,
        category text NOT NULL,
        price_cents integer NOT NULL CHECK (price_cents >= 0),
        requires_installation boolean NOT NULL DEFAULT false,
        install_fee_cents integer NOT NULL DEFAULT 0 CHECK (install_fee_cents >= 0),
        active boolean NOT NULL DEFAULT true,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT products_sku_key UNIQUE (sku)
      )`);
    await q.query(`CREATE INDEX products_category_idx ON products (category)`);
    await q.query(`
      CREATE TABLE stock (
        product_id uuid PRIMARY KEY REFERENCES products(id) ON DELETE CASCADE,
        on_hand integer NOT NULL DEFAULT 0,
        reserved integer NOT NULL DEFAULT 0,
        low_stock_threshold integer NOT NULL DEFAULT 0 CHECK (low_stock_threshold >= 0),
        low_alert_open boolean NOT NULL DEFAULT false,
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT stock_on_hand_not_negative CHECK (on_hand >= 0),
        CONSTRAINT stock_reserved_not_negative CHECK (reserved >= 0),
        CONSTRAINT stock_not_over_reserved CHECK (reserved <= on_hand)
      )`);
    await q.query(`
      CREATE TABLE stock_movements (
        id bigserial PRIMARY KEY,
        product_id uuid NOT NULL REFERENCES products(id) ON DELETE CASCADE,
        on_hand_delta integer NOT NULL DEFAULT 0,
        reserved_delta integer NOT NULL DEFAULT 0,
        reason text NOT NULL,
        order_id uuid,
        actor_id uuid,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX stock_movements_product_idx ON stock_movements (product_id, id)`);

    await q.query(`CREATE SEQUENCE order_number_seq`);
    await q.query(`
      CREATE TABLE orders (
        id uuid PRIMARY KEY,
        number text NOT NULL,
        channel text NOT NULL CHECK (channel IN ('web','wap','sms','phone','pickup_point','agent')),
        status text NOT NULL CHECK (status IN ('pending_payment','confirmed','assigned','out_for_delivery',
          'awaiting_pickup','delivered','completed','cancelled','returned')),
        customer_id uuid NOT NULL REFERENCES customers(id),
        customer_phone text NOT NULL,
        agent_id uuid REFERENCES agents(id),
        assigned_agent_id uuid REFERENCES agents(id),
        region_id uuid NOT NULL REFERENCES regions(id),
        campus_id uuid NOT NULL REFERENCES campuses(id),
        fulfilment_type text NOT NULL CHECK (fulfilment_type IN ('delivery','locker','counter')),
        pickup_point_id uuid REFERENCES pickup_points(id),
        address text,
        payment_method text NOT NULL CHECK (payment_method IN ('online','cod','counter')),
        total_cents bigint NOT NULL CHECK (total_cents >= 0),
        note text,
        created_by_id uuid NOT NULL,
        created_by_role text NOT NULL,
        paid_at timestamptz,
        cod_collected_cents bigint CHECK (cod_collected_cents >= 0),
        assigned_at timestamptz,
        dispatched_at timestamptz,
        delivered_at timestamptz,
        completed_at timestamptz,
        cancelled_at timestamptz,
        returned_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT orders_number_key UNIQUE (number),
        CONSTRAINT orders_delivery_has_address CHECK (fulfilment_type <> 'delivery' OR address IS NOT NULL),
        CONSTRAINT orders_pickup_has_point CHECK (fulfilment_type = 'delivery' OR pickup_point_id IS NOT NULL)
      )`);
    await q.query(`CREATE INDEX orders_created_idx ON orders (created_at DESC, id DESC)`);
    await q.query(`CREATE INDEX orders_customer_idx ON orders (customer_id, created_at DESC)`);
    await q.query(`CREATE INDEX orders_region_idx ON orders (region_id, created_at DESC)`);
    await q.query(`CREATE INDEX orders_campus_status_idx ON orders (campus_id, status)`);
    await q.query(
      `CREATE INDEX orders_assigned_agent_idx ON orders (assigned_agent_id, status) WHERE assigned_agent_id IS NOT NULL`,
    );
    await q.query(
      `CREATE INDEX orders_agent_idx ON orders (agent_id, created_at DESC) WHERE agent_id IS NOT NULL`,
    );
    await q.query(
      `CREATE INDEX orders_pickup_point_idx ON orders (pickup_point_id, status) WHERE pickup_point_id IS NOT NULL`,
    );
    await q.query(`CREATE INDEX orders_status_idx ON orders (status, created_at)`);

    await q.query(`
      CREATE TABLE order_lines (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        order_id uuid NOT NULL REFERENCES orders(id) ON DELETE CASCADE,
        line_no smallint NOT NULL,
        product_id uuid NOT NULL REFERENCES products(id),
        sku text NOT NULL,
        name text NOT NULL,
        quantity integer NOT NULL CHECK (quantity > 0),
        unit_price_cents integer NOT NULL CHECK (unit_price_cents >= 0),
        line_total_cents bigint NOT NULL,
        requires_installation boolean NOT NULL DEFAULT false,
        install_fee_cents integer NOT NULL DEFAULT 0,
        CONSTRAINT order_lines_no_key UNIQUE (order_id, line_no),
        CONSTRAINT order_lines_total CHECK (line_total_cents = quantity::bigint * unit_price_cents)
      )`);
    await q.query(`CREATE INDEX order_lines_product_idx ON order_lines (product_id)`);

    await q.query(`
      CREATE TABLE order_events (
        id bigserial PRIMARY KEY,
        order_id uuid NOT NULL REFERENCES orders(id) ON DELETE CASCADE,
        type text NOT NULL,
        from_status text,
        to_status text,
        actor_id uuid,
        actor_role text,
        channel text,
        reason text,
        data jsonb NOT NULL DEFAULT '{}'::jsonb,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX order_events_order_idx ON order_events (order_id, id)`);

    await q.query(`
      CREATE TABLE idempotency_keys (
        scope_id uuid NOT NULL,
        key text NOT NULL CHECK (length(key) BETWEEN 1 AND 255),
        request_hash text NOT NULL,
        order_id uuid NOT NULL REFERENCES orders(id) DEFERRABLE INITIALLY DEFERRED,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (scope_id, key)
      )`);
    await q.query(`CREATE INDEX idempotency_keys_created_idx ON idempotency_keys (created_at)`);

    await q.query(`
      CREATE TABLE compartments (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        locker_id uuid NOT NULL REFERENCES lockers(id) ON DELETE CASCADE,
        label text NOT NULL,
        size text NOT NULL CHECK (size IN ('S','M','L')),
        state text NOT NULL DEFAULT 'free' CHECK (state IN ('free','reserved','occupied','out_of_service')),
        order_id uuid REFERENCES orders(id),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT compartments_label_key UNIQUE (locker_id, label),
        CONSTRAINT compartments_held_by_order CHECK ((state IN ('reserved','occupied')) = (order_id IS NOT NULL))
      )`);
    await q.query(
      `CREATE UNIQUE INDEX compartments_one_per_order ON compartments (order_id) WHERE order_id IS NOT NULL`,
    );
    await q.query(
      `CREATE INDEX compartments_free_idx ON compartments (locker_id, size) WHERE state = 'free'`,
    );

    await q.query(`
      CREATE TABLE outbox (
        id bigserial PRIMARY KEY,
        event_type text NOT NULL,
        aggregate_id uuid,
        payload jsonb NOT NULL,
        available_at timestamptz NOT NULL DEFAULT now(),
        created_at timestamptz NOT NULL DEFAULT now(),
        published_at timestamptz,
        attempts integer NOT NULL DEFAULT 0,
        last_error text
      )`);
    await q.query(`CREATE INDEX outbox_pending_idx ON outbox (available_at, id) WHERE published_at IS NULL`);

    await q.query(`
      CREATE TABLE notifications (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        to_phone text NOT NULL,
        template text NOT NULL,
        language text NOT NULL DEFAULT 'zh-CN',
        body text NOT NULL,
        status text NOT NULL CHECK (status IN ('queued','sending','sent','delivered','undelivered','failed','suppressed')),
        transport text,
        provider_id text,
        error text,
        attempts integer NOT NULL DEFAULT 0,
        customer_id uuid REFERENCES customers(id),
        order_id uuid REFERENCES orders(id),
        dedupe_key text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT notifications_provider_id_key UNIQUE (provider_id),
        CONSTRAINT notifications_dedupe_key UNIQUE (dedupe_key)
      )`);
    await q.query(`CREATE INDEX notifications_to_idx ON notifications (to_phone, created_at DESC)`);
    await q.query(`CREATE INDEX notifications_template_idx ON notifications (template, created_at DESC)`);
    await q.query(`
      CREATE TABLE sms_preferences (
        phone text PRIMARY KEY,
        opted_out boolean NOT NULL DEFAULT false,
        language text NOT NULL DEFAULT 'zh-CN' CHECK (language IN ('zh-CN','en')),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE processed_jobs (
        consumer text NOT NULL,
        key text NOT NULL,
        processed_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (consumer, key)
      )`);
    await q.query(
      `CREATE INDEX notifications_order_idx ON notifications (order_id) WHERE order_id IS NOT NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of [
      'processed_jobs',
      'sms_preferences',
      'notifications',
      'outbox',
      'compartments',
      'idempotency_keys',
      'order_events',
      'order_lines',
      'orders',
      'stock_movements',
      'stock',
      'products',
      'otp_codes',
      'customers',
      'agents',
      'users',
      'lockers',
      'pickup_points',
      'campuses',
      'regions',
    ]) {
      await q.query(`DROP TABLE IF EXISTS ${table}`);
    }
    await q.query(`DROP SEQUENCE IF EXISTS order_number_seq`);
  }
}
