import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Pricing (libs/pricing): promotions, coupons with their per-customer uses, flash sales with their
 * per-customer purchases, and one redemption row per thing an order used (what cancel/return gives
 * back, what the promotion report counts). Orders gain the explained price (list price, discount,
 * promotion/flash sale per line; subtotal, discount and coupon per order) and products an admin-only
 * cost. `pricing_refused` lets the order statement roll itself back with a coded reason (SQLSTATE
 * UP409), as `stock_shortfall` does for stock.
 */
export class Pricing1765700000000 implements MigrationInterface {
  name = 'Pricing1765700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE products ADD COLUMN cost_cents integer CHECK (cost_cents >= 0)`);

    await q.query(`
      CREATE TABLE promotions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
        kind text NOT NULL CHECK (kind IN ('percent_off','amount_off','spend_and_save','gift')),
        percent_bps integer CHECK (percent_bps BETWEEN 1 AND 10000),
        amount_cents integer CHECK (amount_cents > 0),
        threshold_cents integer NOT NULL DEFAULT 0 CHECK (threshold_cents >= 0),
        gift_product_id uuid REFERENCES products(id),
        skus text[] NOT NULL DEFAULT '{}',
        categories text[] NOT NULL DEFAULT '{}',
        region_id uuid REFERENCES regions(id),
        campus_ids uuid[] NOT NULL DEFAULT '{}',
        channels text[] NOT NULL DEFAULT '{}',
        requires_coupon boolean NOT NULL DEFAULT false,
        starts_at timestamptz NOT NULL,
        ends_at timestamptz NOT NULL,
        max_uses integer CHECK (max_uses > 0),
        uses integer NOT NULL DEFAULT 0 CHECK (uses >= 0),
        active boolean NOT NULL DEFAULT true,
        created_by_id uuid NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT promotions_window CHECK (ends_at > starts_at),
        CONSTRAINT promotions_budget CHECK (max_uses IS NULL OR uses <= max_uses),
        CONSTRAINT promotions_kind_fields CHECK (
          (kind = 'percent_off' AND percent_bps IS NOT NULL AND amount_cents IS NULL AND gift_product_id IS NULL) OR
          (kind = 'amount_off' AND amount_cents IS NOT NULL AND percent_bps IS NULL AND gift_product_id IS NULL) OR
          (kind = 'spend_and_save' AND amount_cents IS NOT NULL AND threshold_cents > 0 AND percent_bps IS NULL
             AND gift_product_id IS NULL) OR
          (kind = 'gift' AND gift_product_id IS NOT NULL AND percent_bps IS NULL AND amount_cents IS NULL
             AND NOT requires_coupon))
      )`);
    await q.query(
      `CREATE INDEX promotions_running_idx ON promotions (ends_at) WHERE active AND NOT requires_coupon`,
    );
    await q.query(`CREATE INDEX promotions_region_idx ON promotions (region_id, created_at DESC)`);

    await q.query(`
      CREATE TABLE coupon_batches (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        promotion_id uuid NOT NULL REFERENCES promotions(id),
        count integer NOT NULL CHECK (count BETWEEN 1 AND 10000),
        created_by_id uuid NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE coupons (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        promotion_id uuid NOT NULL REFERENCES promotions(id),
        batch_id uuid NOT NULL REFERENCES coupon_batches(id),
        code text NOT NULL CHECK (code ~ '^[A-Z0-9][A-Z0-9_-]{2,31}$'),
        max_uses integer CHECK (max_uses > 0),
        uses integer NOT NULL DEFAULT 0 CHECK (uses >= 0),
        per_customer integer NOT NULL DEFAULT 1 CHECK (per_customer BETWEEN 1 AND 100),
        agent_id uuid REFERENCES agents(id),
        issued_to text,
        active boolean NOT NULL DEFAULT true,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT coupons_code_key UNIQUE (code),
        CONSTRAINT coupons_budget CHECK (max_uses IS NULL OR uses <= max_uses)
      )`);
    await q.query(`CREATE INDEX coupons_promotion_idx ON coupons (promotion_id, batch_id)`);
    await q.query(`
      CREATE TABLE coupon_customer_uses (
        coupon_id uuid NOT NULL REFERENCES coupons(id),
        customer_id uuid NOT NULL REFERENCES customers(id),
        uses integer NOT NULL CHECK (uses >= 0),
        PRIMARY KEY (coupon_id, customer_id)
      )`);

    await q.query(`
      CREATE TABLE flash_sales (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        product_id uuid NOT NULL REFERENCES products(id),
        sku text NOT NULL,
        price_cents integer NOT NULL CHECK (price_cents >= 0),
        quantity integer NOT NULL CHECK (quantity > 0),
        sold integer NOT NULL DEFAULT 0 CHECK (sold >= 0),
        per_customer_limit integer NOT NULL CHECK (per_customer_limit > 0),
        region_id uuid REFERENCES regions(id),
        campus_ids uuid[] NOT NULL DEFAULT '{}',
        starts_at timestamptz NOT NULL,
        ends_at timestamptz NOT NULL,
        active boolean NOT NULL DEFAULT true,
        created_by_id uuid NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT flash_sales_window CHECK (ends_at > starts_at),
        CONSTRAINT flash_sales_not_oversold CHECK (sold <= quantity)
      )`);
    await q.query(`CREATE INDEX flash_sales_product_idx ON flash_sales (product_id, ends_at) WHERE active`);
    await q.query(`
      CREATE TABLE flash_sale_purchases (
        flash_sale_id uuid NOT NULL REFERENCES flash_sales(id),
        customer_id uuid NOT NULL REFERENCES customers(id),
        quantity integer NOT NULL CHECK (quantity >= 0),
        PRIMARY KEY (flash_sale_id, customer_id)
      )`);

    // One row per promotion, coupon or flash sale an order used. released_quantity > 0 (flash sale)
    // or released_at (all kinds) once given back; never deleted.
    await q.query(`
      CREATE TABLE pricing_redemptions (
        id bigserial PRIMARY KEY,
        order_id uuid NOT NULL REFERENCES orders(id),
        kind text NOT NULL CHECK (kind IN ('promotion','coupon','flash_sale')),
        promotion_id uuid REFERENCES promotions(id),
        coupon_id uuid REFERENCES coupons(id),
        flash_sale_id uuid REFERENCES flash_sales(id),
        customer_id uuid NOT NULL REFERENCES customers(id),
        quantity integer NOT NULL DEFAULT 1 CHECK (quantity > 0),
        released_quantity integer NOT NULL DEFAULT 0,
        discount_cents bigint NOT NULL DEFAULT 0 CHECK (discount_cents >= 0),
        created_at timestamptz NOT NULL DEFAULT now(),
        released_at timestamptz,
        CONSTRAINT pricing_redemptions_released CHECK (released_quantity BETWEEN 0 AND quantity),
        CONSTRAINT pricing_redemptions_ref CHECK (
          (kind = 'promotion' AND promotion_id IS NOT NULL AND coupon_id IS NULL AND flash_sale_id IS NULL) OR
          (kind = 'coupon' AND promotion_id IS NOT NULL AND coupon_id IS NOT NULL AND flash_sale_id IS NULL) OR
          (kind = 'flash_sale' AND flash_sale_id IS NOT NULL AND promotion_id IS NULL AND coupon_id IS NULL))
      )`);
    await q.query(`CREATE INDEX pricing_redemptions_order_idx ON pricing_redemptions (order_id)`);
    await q.query(`CREATE INDEX pricing_redemptions_promotion_idx ON pricing_redemptions (promotion_id)`);
    await q.query(`CREATE INDEX pricing_redemptions_flash_idx ON pricing_redemptions (flash_sale_id)`);

    await q.query(`
      ALTER TABLE orders
        ADD COLUMN subtotal_cents bigint,
        ADD COLUMN discount_cents bigint NOT NULL DEFAULT 0 CHECK (discount_cents >= 0),
        ADD COLUMN coupon_code text`);
    await q.query(`UPDATE orders SET subtotal_cents = total_cents`);
    await q.query(`
      ALTER TABLE orders
        ALTER COLUMN subtotal_cents SET NOT NULL,
        ADD CONSTRAINT orders_total_explained CHECK (total_cents = subtotal_cents - discount_cents)`);

    await q.query(`
      ALTER TABLE order_lines
        ADD COLUMN list_price_cents integer,
        ADD COLUMN discount_cents bigint NOT NULL DEFAULT 0 CHECK (discount_cents >= 0),
        ADD COLUMN promotion_id uuid REFERENCES promotions(id),
        ADD COLUMN flash_sale_id uuid REFERENCES flash_sales(id),
        ADD COLUMN discounts jsonb NOT NULL DEFAULT '[]'::jsonb`);
    await q.query(`UPDATE order_lines SET list_price_cents = unit_price_cents`);
    await q.query(`
      ALTER TABLE order_lines
        ALTER COLUMN list_price_cents SET NOT NULL,
        DROP CONSTRAINT order_lines_total,
        ADD CONSTRAINT order_lines_total CHECK (line_total_cents = quantity::bigint * list_price_cents - discount_cents),
        ADD CONSTRAINT order_lines_unit_price CHECK (unit_price_cents BETWEEN 0 AND list_price_cents),
        ADD CONSTRAINT order_lines_discount CHECK (
          discount_cents >= quantity::bigint * (list_price_cents - unit_price_cents)
          AND discount_cents <= quantity::bigint * list_price_cents)`);

    // An SMS quote now carries the promotional total (unit price stays the list price).
    await q.query(`
      ALTER TABLE sms_quotes DROP CONSTRAINT sms_quotes_total,
        ADD CONSTRAINT sms_quotes_total CHECK (total_cents BETWEEN 0 AND quantity::bigint * unit_price_cents)`);

    await q.query(`
      CREATE FUNCTION pricing_refused(reason text, detail jsonb) RETURNS boolean
        LANGUAGE plpgsql VOLATILE AS $$
      BEGIN
        RAISE EXCEPTION 'pricing_refused: %', reason USING ERRCODE = 'UP409',
          DETAIL = jsonb_build_object('reason', reason, 'detail', detail)::text;
      END $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION IF EXISTS pricing_refused(text, jsonb)`);
    await q.query(`
      ALTER TABLE sms_quotes DROP CONSTRAINT sms_quotes_total,
        ADD CONSTRAINT sms_quotes_total CHECK (total_cents = quantity::bigint * unit_price_cents) NOT VALID`);
    await q.query(`
      ALTER TABLE order_lines
        DROP CONSTRAINT order_lines_discount,
        DROP CONSTRAINT order_lines_unit_price,
        DROP CONSTRAINT order_lines_total`);
    // Back to "line total = quantity × unit price": discounted lines keep what was paid.
    await q.query(`UPDATE order_lines SET unit_price_cents = line_total_cents / quantity
                    WHERE line_total_cents <> quantity::bigint * unit_price_cents AND line_total_cents % quantity = 0`);
    await q.query(`
      ALTER TABLE order_lines
        DROP COLUMN discounts, DROP COLUMN flash_sale_id, DROP COLUMN promotion_id, DROP COLUMN discount_cents,
        DROP COLUMN list_price_cents,
        ADD CONSTRAINT order_lines_total CHECK (line_total_cents = quantity::bigint * unit_price_cents) NOT VALID`);
    await q.query(`
      ALTER TABLE orders DROP CONSTRAINT orders_total_explained,
        DROP COLUMN coupon_code, DROP COLUMN discount_cents, DROP COLUMN subtotal_cents`);
    await q.query(`DROP TABLE pricing_redemptions`);
    await q.query(`DROP TABLE flash_sale_purchases`);
    await q.query(`DROP TABLE flash_sales`);
    await q.query(`DROP TABLE coupon_customer_uses`);
    await q.query(`DROP TABLE coupons`);
    await q.query(`DROP TABLE coupon_batches`);
    await q.query(`DROP TABLE promotions`);
    await q.query(`ALTER TABLE products DROP COLUMN cost_cents`);
  }
}
