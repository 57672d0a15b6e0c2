import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';

export interface BaselineResult {
  concurrency: number;
  seconds: number;
  transactions: number;
  perSecond: number;
  errors: number;
}

/**
 * The practical ceiling: pg alone doing exactly the writes of one order in one transaction
 * (the order row, its 2 lines, its event, its outbox row and, last, the stock reservation with the
 * availability check for both SKUs), `concurrency` clients in a loop for `seconds`.
 */
export async function runBaseline(
  databaseUrl: string,
  fixture: {
    productIds: [string, string];
    customerId: string;
    regionId: string;
    campusId: string;
    pickupPointId: string;
  },
  concurrency: number,
  seconds: number,
): Promise<BaselineResult> {
  const pool = new Pool({ connectionString: databaseUrl, max: concurrency });
  pool.on('error', () => undefined);
  const deadline = Date.now() + seconds * 1000;
  let transactions = 0;
  let errors = 0;
  const one = async () => {
    const client = await pool.connect();
    try {
      while (Date.now() < deadline) {
        const id = randomUUID();
        try {
          await client.query('BEGIN');
          await client.query(
            `INSERT INTO orders (id, number, channel, status, customer_id, customer_phone, region_id, campus_id,
               fulfilment_type, pickup_point_id, payment_method, subtotal_cents, total_cents, created_by_id, created_by_role)
             VALUES ($1, 'B' || nextval('order_number_seq'), 'phone', 'confirmed', $2, '+8613800138000', $3, $4,
               'locker', $5, 'cod', 4400, 4400, $2, 'call_center')`,
            [id, fixture.customerId, fixture.regionId, fixture.campusId, fixture.pickupPointId],
          );
          await client.query(
            `INSERT INTO order_lines (order_id, line_no, product_id, sku, name, quantity, list_price_cents, unit_price_cents,
               line_total_cents)
             VALUES ($1, 1, $2, 'BENCH-A', 'A', 1, 3900, 3900, 3900), ($1, 2, $3, 'BENCH-B', 'B', 1, 500, 500, 500)`,
            [id, fixture.productIds[0], fixture.productIds[1]],
          );
          await client.query(
            `INSERT INTO order_events (order_id, type, to_status, actor_id, actor_role, channel, data)
             VALUES ($1, 'placed', 'confirmed', $2, 'call_center', 'phone', '{"totalCents":4400}')`,
            [id, fixture.customerId],
          );
          await client.query(
            `INSERT INTO outbox (event_type, aggregate_id, payload) VALUES ('order.placed', $1, $2)`,
            [id, JSON.stringify({ orderId: id, totalCents: 4400 })],
          );
          // Same strategy as the app: the hot stock rows are locked last, in product-id order.
          const r = await client.query(
            `WITH locked AS (
               SELECT product_id FROM stock WHERE product_id = ANY($1::uuid[]) ORDER BY product_id FOR UPDATE
             )
             UPDATE stock s SET reserved = s.reserved + 1, updated_at = now()
               FROM locked l WHERE s.product_id = l.product_id AND s.on_hand - s.reserved >= 1
             RETURNING s.product_id`,
            [fixture.productIds],
          );
          if (r.rowCount !== 2) throw new Error('out of stock');
          await client.query('COMMIT');
          transactions++;
        } catch {
          errors++;
          await client.query('ROLLBACK').catch(() => undefined);
        }
      }
    } finally {
      client.release();
    }
  };
  const started = Date.now();
  await Promise.all(Array.from({ length: concurrency }, one));
  const elapsed = (Date.now() - started) / 1000;
  await pool.end();
  return { concurrency, seconds: elapsed, transactions, perSecond: transactions / elapsed, errors };
}
