import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Order abuse limits (issue 17.4).
 *
 * - `cod_open_orders` (orders): per customer, how many cash-on-delivery orders are undelivered
 *   (confirmed, assigned, out for delivery, waiting at a pickup point). The order statement raises it
 *   by one with a conditional upsert (`… DO UPDATE … WHERE open_count < cap`), which waits on the
 *   customer's row and rechecks the cap on its latest version, so concurrent orders cannot pass the
 *   cap; `cod_limit_reached` raises SQLSTATE UO422 to roll the whole order statement back. A trigger
 *   lowers it when an order leaves that set (delivered, cancelled, returned), whoever moves it.
 * - `products.max_per_order` (catalog): at most this many units of the product per order (flash-sale
 *   items); null = no cap.
 * - `delivery_attempts` (fulfilment): failed delivery attempts of an order (customer unreachable…);
 *   after the second, the order may be cancelled as undeliverable, its stock back.
 */
export class OrderAbuseLimits1765430000000 implements MigrationInterface {
  name = 'OrderAbuseLimits1765430000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE cod_open_orders (
        customer_id uuid PRIMARY KEY REFERENCES customers(id),
        open_count integer NOT NULL CHECK (open_count >= 0)
      )`);
    await q.query(`
      INSERT INTO cod_open_orders (customer_id, open_count)
      SELECT customer_id, count(*) FROM orders
       WHERE payment_method = 'cod' AND status IN ('confirmed', 'assigned', 'out_for_delivery', 'awaiting_pickup')
       GROUP BY customer_id`);
    await q.query(`
      CREATE FUNCTION orders_cod_open_count() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        was boolean := OLD.payment_method = 'cod' AND OLD.status IN ('confirmed', 'assigned', 'out_for_delivery', 'awaiting_pickup');
        now_open boolean := NEW.payment_method = 'cod' AND NEW.status IN ('confirmed', 'assigned', 'out_for_delivery', 'awaiting_pickup');
      BEGIN
        IF was AND NOT now_open THEN
          UPDATE cod_open_orders SET open_count = open_count - 1 WHERE customer_id = OLD.customer_id;
        ELSIF now_open AND NOT was THEN
          INSERT INTO cod_open_orders (customer_id, open_count) VALUES (NEW.customer_id, 1)
          ON CONFLICT (customer_id) DO UPDATE SET open_count = cod_open_orders.open_count + 1;
        END IF;
        RETURN NULL;
      END $$`);
    // The WHEN clause keeps ordinary updates (assignment, dispatch) from calling the function.
    await q.query(`
      CREATE TRIGGER orders_cod_open_count AFTER UPDATE OF status, payment_method ON orders
        FOR EACH ROW WHEN (
          (OLD.payment_method = 'cod' AND OLD.status IN ('confirmed', 'assigned', 'out_for_delivery', 'awaiting_pickup'))
          IS DISTINCT FROM
          (NEW.payment_method = 'cod' AND NEW.status IN ('confirmed', 'assigned', 'out_for_delivery', 'awaiting_pickup')))
        EXECUTE FUNCTION orders_cod_open_count()`);
    await q.query(`
      CREATE FUNCTION cod_limit_reached(cap int) RETURNS boolean LANGUAGE plpgsql VOLATILE AS $$
      BEGIN
        RAISE EXCEPTION 'cod_limit_reached' USING ERRCODE = 'UO422', DETAIL = cap::text;
      END $$`);

    await q.query(`ALTER TABLE products ADD COLUMN max_per_order integer CHECK (max_per_order > 0)`);

    await q.query(`
      CREATE TABLE delivery_attempts (
        id bigserial PRIMARY KEY,
        order_id uuid NOT NULL REFERENCES orders(id),
        agent_id uuid REFERENCES agents(id),
        reason text NOT NULL CHECK (reason IN ('unreachable', 'refused', 'wrong_address', 'other')),
        note text,
        recorded_by_id uuid NOT NULL,
        recorded_by_role text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX delivery_attempts_order_idx ON delivery_attempts (order_id, id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS delivery_attempts`);
    await q.query(`ALTER TABLE products DROP COLUMN IF EXISTS max_per_order`);
    await q.query(`DROP FUNCTION IF EXISTS cod_limit_reached(int)`);
    await q.query(`DROP TRIGGER IF EXISTS orders_cod_open_count ON orders`);
    await q.query(`DROP FUNCTION IF EXISTS orders_cod_open_count()`);
    await q.query(`DROP TABLE IF EXISTS cod_open_orders`);
  }
}
