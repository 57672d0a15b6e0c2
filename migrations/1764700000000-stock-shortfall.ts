import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Lets order placement be ONE statement (claim, order, lines, event, outbox, stock reservation) that
 * commits on its own: when a SKU falls short, the statement calls `stock_shortfall`, which reads the
 * current availability of the requested SKUs (a fresh snapshot: the function is volatile) and raises
 * SQLSTATE UO409 with it as JSON in DETAIL, so the whole statement rolls back and the app can answer
 * 400 (unknown SKU) or 409 (out of stock) without another round trip.
 */
export class StockShortfall1764700000000 implements MigrationInterface {
  name = 'StockShortfall1764700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION stock_shortfall(skus text[], qtys int[]) RETURNS boolean
        LANGUAGE plpgsql VOLATILE AS $$
      DECLARE
        detail jsonb;
      BEGIN
        SELECT COALESCE(jsonb_agg(jsonb_build_object(
                 'sku', r.sku, 'requested', r.qty, 'available', s.on_hand - s.reserved) ORDER BY r.n), '[]'::jsonb)
          INTO detail
          FROM unnest(skus, qtys) WITH ORDINALITY AS r(sku, qty, n)
          LEFT JOIN products p ON p.sku = r.sku AND p.active
          LEFT JOIN stock s ON s.product_id = p.id;
        RAISE EXCEPTION 'stock_shortfall' USING ERRCODE = 'UO409', DETAIL = detail::text;
      END $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION IF EXISTS stock_shortfall(text[], int[])`);
  }
}
