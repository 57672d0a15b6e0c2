import { randomUUID } from 'node:crypto';
import type { Fixtures, TestApp, World } from '@campus/testing';
import { Pricing1765700000000 } from '../migrations/1765700000000-pricing';
import { auth, startApp } from './support/app';

/**
 * The two races of issue 20: uses of a coupon and units of a flash sale are claimed inside the order
 * statement, so concurrent buyers can never take more than there is.
 */
describe('Promotions under concurrency (e2e)', () => {
  let app: TestApp;
  let fx: Fixtures;
  let w: World;

  beforeAll(async () => {
    ({ app, fx } = await startApp({ env: { DB_POOL_SIZE: '20' } }));
    w = await fx.world();
  });
  afterAll(() => app?.close());

  const hourAgo = () => new Date(Date.now() - 3600_000).toISOString();
  const inADay = () => new Date(Date.now() + 86_400_000).toISOString();
  const place = (body: Record<string, unknown>, key = randomUUID()) =>
    app.http().post('/api/orders').set(auth(w.tokens.callCenter)).set('Idempotency-Key', key).send(body);
  const body = (sku: string, phone: string, extra: Record<string, unknown> = {}) => ({
    customer: { phone, name: 'Buyer' },
    lines: [{ sku, quantity: 1 }],
    fulfillment: { type: 'locker', pickupPointId: w.pointA1.id },
    paymentMethod: 'cod',
    ...extra,
  });

  it('the pricing migration goes down and up again', async () => {
    const tables = async () =>
      (
        await app.sql<{ tablename: string }>(
          `SELECT tablename FROM pg_tables WHERE tablename IN
             ('promotions', 'coupons', 'coupon_batches', 'coupon_customer_uses', 'flash_sales',
              'flash_sale_purchases', 'pricing_redemptions') ORDER BY tablename`,
        )
      ).map((r) => r.tablename);
    const runner = { query: (sql: string) => app.sql(sql) } as never;
    expect(await tables()).toHaveLength(7);
    await new Pricing1765700000000().down(runner);
    expect(await tables()).toEqual([]);
    const [cols] = await app.sql<{ n: number }>(
      `SELECT count(*)::int AS n FROM information_schema.columns
        WHERE table_name = 'order_lines' AND column_name IN ('list_price_cents', 'discount_cents')`,
    );
    expect(cols.n).toBe(0);
    await new Pricing1765700000000().up(runner);
    expect(await tables()).toHaveLength(7);
  });

  it('100 buyers racing for the last 10 uses of a code: exactly 10 discounted orders, the rest 409 coupon_used', async () => {
    const sku = await fx.product(`RACE-C-${randomUUID().slice(0, 6)}`, { priceCents: 2000, stock: 1000 });
    const p = await fx.post<{ id: string }>(w.tokens.admin, '/api/promotions', {
      name: 'race coupon',
      kind: 'amount_off',
      amountCents: 500,
      requiresCoupon: true,
      startsAt: hourAgo(),
      endsAt: inADay(),
    });
    const { codes } = await fx.post<{ codes: string[] }>(w.tokens.admin, `/api/promotions/${p.id}/coupons`, {
      code: `RACE${randomUUID().slice(0, 6).toUpperCase()}`,
      maxUses: 15,
    });
    // 5 of the 15 uses are gone before the race.
    for (let i = 0; i < 5; i++) {
      const res = await place(body(sku, `+8613300${String(i).padStart(6, '0')}`, { couponCode: codes[0] }));
      expect(res.status).toBe(201);
    }
    const results = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        place(body(sku, `+8613310${String(i).padStart(6, '0')}`, { couponCode: codes[0] })),
      ),
    );
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(10);
    expect(statuses.filter((s) => s === 409)).toHaveLength(90);
    expect(results.filter((r) => r.status === 409).every((r) => r.body.code === 'coupon_used')).toBe(true);
    expect(results.filter((r) => r.status === 201).every((r) => r.body.discountCents === 500)).toBe(true);

    const [c] = await app.sql<{ uses: number; max_uses: number }>(
      `SELECT uses, max_uses FROM coupons WHERE code = $1`,
      [codes[0]],
    );
    expect(c).toEqual({ uses: 15, max_uses: 15 });
    const [orders] = await app.sql<{ n: number }>(
      `SELECT count(*)::int AS n FROM orders WHERE coupon_code = $1`,
      [codes[0]],
    );
    expect(orders.n).toBe(15);
    const [red] = await app.sql<{ n: number }>(
      `SELECT count(*)::int AS n FROM pricing_redemptions WHERE kind = 'coupon' AND promotion_id = $1`,
      [p.id],
    );
    expect(red.n).toBe(15);
    // Nothing else of the refused orders remains: stock reserved only for the 15 that were taken.
    const stock = await app.http().get(`/api/products/${sku}`).set(auth(w.tokens.admin));
    expect(stock.body.stock.reserved).toBe(15);
  });

  it('200 buyers, 20 units, limit 1 each, with retried keys: 20 orders, 20 distinct customers, nobody over', async () => {
    const sku = await fx.product(`RACE-F-${randomUUID().slice(0, 6)}`, { priceCents: 5000, stock: 500 });
    const fs = await fx.post<{ id: string }>(w.tokens.admin, '/api/flash-sales', {
      sku,
      priceCents: 990,
      quantity: 20,
      perCustomerLimit: 1,
      startsAt: hourAgo(),
      endsAt: inADay(),
    });
    // 200 attempts from 150 customers: 50 of them try twice with another key (over their limit)
    // and every attempt is sent twice with the same key (a client retry).
    const attempts = Array.from({ length: 200 }, (_, i) => ({
      phone: `+8613320${String(i % 150).padStart(6, '0')}`,
      key: randomUUID(),
    }));
    const sends = attempts.flatMap((a) => [a, a]);
    const results = await Promise.all(sends.map((a) => place(body(sku, a.phone), a.key)));

    const created = results.filter((r) => r.status === 201);
    const orderIds = new Set(created.map((r) => r.body.id as string));
    expect(orderIds.size).toBe(20);
    // A retried key answers the same order, never a second one.
    for (const a of attempts) {
      const mine = results.filter((_, i) => sends[i] === a && results[i].status === 201);
      expect(new Set(mine.map((r) => r.body.id)).size).toBeLessThanOrEqual(1);
    }
    const refused = results.filter((r) => r.status !== 201);
    for (const r of refused) {
      expect([409, 422]).toContain(r.status);
      expect([
        'flash_sale_sold_out',
        'flash_sale_limit',
        'idempotency_in_progress',
        'idempotency_key_reused',
      ]).toContain(r.body.code);
    }
    const customers = await app.sql<{ customer_id: string; n: number }>(
      `SELECT customer_id, count(*)::int AS n FROM orders o JOIN order_lines l ON l.order_id = o.id
        WHERE l.flash_sale_id = $1 GROUP BY customer_id`,
      [fs.id],
    );
    expect(customers).toHaveLength(20);
    expect(customers.every((c) => c.n === 1)).toBe(true);
    const [sale] = await app.sql<{ sold: number }>(`SELECT sold FROM flash_sales WHERE id = $1`, [fs.id]);
    expect(sale.sold).toBe(20);
    const overLimit = await app.sql(
      `SELECT 1 FROM flash_sale_purchases WHERE flash_sale_id = $1 AND quantity > 1`,
      [fs.id],
    );
    expect(overLimit).toEqual([]);
    const [units] = await app.sql<{ n: number }>(
      `SELECT COALESCE(sum(quantity), 0)::int AS n FROM flash_sale_purchases WHERE flash_sale_id = $1`,
      [fs.id],
    );
    expect(units.n).toBe(20);
    expect(created.every((r) => r.body.lines[0].unitPriceCents === 990)).toBe(true);
  });
});
