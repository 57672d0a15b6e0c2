import { randomUUID } from 'node:crypto';
import type { Fixtures, TestApp, World } from '@campus/testing';
import { TestClock } from '@campus/testing';
import { auth, startApp } from '../support/app';
import { FulfilmentDriver, newPhone } from '../support/fulfilment';

jest.setTimeout(120_000);

/**
 * Issue 17.4: order abuse limits — undelivered COD orders per customer (checked in the order
 * statement itself: no race lets one more through), a per-line cap per product, order creation rate
 * limited per caller, COD orders nobody receives cancelled after two failed attempts (stock back), and
 * the manager's list of COD orders still unclaimed after COD_CONFIRM_HOURS.
 */
describe('order abuse limits (e2e)', () => {
  const clock = new TestClock();
  let app: TestApp;
  let fx: Fixtures;
  let w: World;
  let d: FulfilmentDriver;

  beforeAll(async () => {
    ({ app, fx } = await startApp({
      clock,
      env: { MAX_OPEN_COD_ORDERS: '3', ORDER_RATE_PER_MINUTE: '15', COD_CONFIRM_HOURS: '24' },
    }));
    w = await fx.world();
    d = new FulfilmentDriver(app, fx, w);
  });
  afterAll(() => app?.close());

  const webOrder = (sku: string, paymentMethod = 'cod', quantity = 1) => ({
    lines: [{ sku, quantity }],
    fulfillment: { type: 'delivery', campusId: w.campusA1.id, address: 'Dorm 7, room 101' },
    paymentMethod,
  });
  const available = async (sku: string) =>
    (
      (await app.http().get(`/api/products/${sku}`).set(auth(w.tokens.admin))).body.stock as {
        available: number;
      }
    ).available;

  it('a customer has at most MAX_OPEN_COD_ORDERS undelivered COD orders, even with 10 placed at once', async () => {
    const sku = await fx.product(`COD-${randomUUID().slice(0, 6)}`, { stock: 50 });
    const customer = await fx.customer(newPhone());
    const results = await Promise.all(
      Array.from({ length: 10 }, () => d.place(customer.token, webOrder(sku))),
    );
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([201, 201, 201, 422, 422, 422, 422, 422, 422, 422]);
    for (const r of results.filter((x) => x.status === 422)) {
      expect(r.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(r.body).toMatchObject({
        code: 'too_many_open_cod_orders',
        maxOpenCodOrders: 3,
        errors: [{ field: 'paymentMethod' }],
      });
    }
    // Nothing of a refused order was written: three orders, three units reserved.
    const [{ n }] = await app.sql<{ n: number }>(
      `SELECT count(*)::int AS n FROM orders WHERE customer_id = $1`,
      [customer.id],
    );
    expect(n).toBe(3);
    expect(await available(sku)).toBe(47);
    // Paying online is not limited; a cancelled COD order frees its slot.
    expect((await d.place(customer.token, webOrder(sku, 'online'))).status).toBe(201);
    const first = results.find((r) => r.status === 201)!.body as { id: string };
    expect(
      (await d.post(customer.token, `/api/orders/${first.id}/cancel`, { reason: 'changed my mind' })).status,
    ).toBe(200);
    expect((await d.place(customer.token, webOrder(sku))).status).toBe(201);
    expect((await d.place(customer.token, webOrder(sku))).status).toBe(422);
  });

  it('a product caps the units of one order (maxPerOrder, set by admins, shown in the product)', async () => {
    const sku = `FLASH-${randomUUID().slice(0, 6)}`.toUpperCase();
    const created = await d.post(w.tokens.admin, '/api/products', {
      sku,
      name: 'Flash-sale earbuds',
      category: 'audio',
      priceCents: 990,
      stock: 100,
      maxPerOrder: 2,
    });
    expect(created.status).toBe(201);
    expect(created.body.maxPerOrder).toBe(2);
    expect(
      (await app.http().get(`/api/products/${sku}`).set(auth(w.tokens.callCenter))).body.maxPerOrder,
    ).toBe(2);

    const over = await d.place(w.tokens.callCenter, {
      customer: { phone: newPhone(), name: 'Li' },
      lines: [
        { sku: w.skus.pen, quantity: 5 },
        { sku, quantity: 1 },
        { sku, quantity: 2 },
      ],
      fulfillment: { type: 'locker', pickupPointId: w.pointA1.id },
      paymentMethod: 'online',
    });
    expect(over.status).toBe(422);
    expect(over.body).toMatchObject({
      code: 'quantity_over_limit',
      errors: [{ field: 'lines[1].quantity', message: `at most 2 of ${sku} per order` }],
      lines: [{ sku, maxPerOrder: 2, quantity: 3 }],
    });
    expect(await available(sku)).toBe(100);
    expect(
      (
        await d.place(w.tokens.callCenter, {
          customer: { phone: newPhone() },
          lines: [{ sku, quantity: 2 }],
          fulfillment: { type: 'locker', pickupPointId: w.pointA1.id },
          paymentMethod: 'online',
        })
      ).status,
    ).toBe(201);

    // Only admins set it; null lifts it; a bad value names the field.
    const patch = (token: string, body: object) =>
      app.http().patch(`/api/products/${sku}`).set(auth(token)).send(body);
    expect((await patch(w.tokens.managerA, { maxPerOrder: 50 })).status).toBe(403);
    const bad = await patch(w.tokens.admin, { maxPerOrder: 0 });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].field).toBe('maxPerOrder');
    const lifted = await patch(w.tokens.admin, { maxPerOrder: null });
    expect(lifted.status).toBe(200);
    expect(lifted.body.maxPerOrder).toBeNull();
  });

  it('order creation is rate limited per caller: 429 problem+json with Retry-After, others unaffected', async () => {
    const caller = await fx.user({ username: `cc.rate.${randomUUID().slice(0, 6)}`, role: 'call_center' });
    const body = () => ({
      customer: { phone: newPhone() },
      lines: [{ sku: w.skus.pen, quantity: 1 }],
      fulfillment: { type: 'locker', pickupPointId: w.pointA1.id },
      paymentMethod: 'online',
    });
    const statuses: number[] = [];
    let refused: Awaited<ReturnType<FulfilmentDriver['place']>> | undefined;
    for (let i = 0; i < 16; i++) {
      const res = await d.place(caller.token, body());
      statuses.push(res.status);
      if (res.status === 429) refused = res;
    }
    expect(statuses.filter((s) => s === 201)).toHaveLength(15);
    expect(statuses[15]).toBe(429);
    expect(refused!.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(refused!.body.code).toBe('rate_limited');
    expect(Number(refused!.headers['retry-after'])).toBeGreaterThan(0);
    // The limit is per caller: another account still orders.
    expect((await d.place(w.tokens.callCenter, body())).status).toBe(201);
  });

  it('a COD order its agent cannot deliver: two failed attempts, then cancelled with its stock back', async () => {
    const sku = await fx.product(`UNDEL-${randomUUID().slice(0, 6)}`, { stock: 10 });
    const phone = newPhone();
    const order = await d.order({
      customer: { phone, name: 'Wang' },
      lines: [{ sku, quantity: 2 }],
      fulfillment: { type: 'delivery', campusId: w.campusA1.id, address: 'Dorm 9' },
      paymentMethod: 'cod',
    });
    expect(await available(sku)).toBe(8);
    expect(
      (await d.post(w.tokens.managerA, `/api/orders/${order.id}/assign`, { agentId: w.agentA1.id })).status,
    ).toBe(200);
    const path = (what: string) => `/api/orders/${order.id}/${what}`;
    // Not out for delivery yet: no attempt at the door.
    expect((await d.post(w.agentA1.token, path('failed-attempts'), { reason: 'unreachable' })).status).toBe(
      409,
    );
    expect((await d.post(w.agentA1.token, path('dispatch'))).status).toBe(200);

    const early = await d.post(w.agentA1.token, path('cancel-undeliverable'), { reason: 'no answer' });
    expect(early.status).toBe(422);
    expect(early.body).toMatchObject({ code: 'delivery_attempts_needed', attempts: 0, needed: 2 });
    // Another agent's order is 404; a bad reason names the field.
    expect((await d.post(w.agentA1b.token, path('failed-attempts'), { reason: 'unreachable' })).status).toBe(
      404,
    );
    const bad = await d.post(w.agentA1.token, path('failed-attempts'), { reason: 'bored' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].field).toBe('reason');

    const one = await d.post(w.agentA1.token, path('failed-attempts'), {
      reason: 'unreachable',
      note: 'no answer',
    });
    expect(one.status).toBe(201);
    expect(one.body).toMatchObject({ attempts: [{ reason: 'unreachable' }], mayCancel: false });
    const two = await d.post(w.agentA1.token, path('failed-attempts'), { reason: 'unreachable' });
    expect(two.body.mayCancel).toBe(true);
    expect(two.body.attempts).toHaveLength(2);

    expect((await d.post(w.tokens.managerB, path('cancel-undeliverable'), { reason: 'x' })).status).toBe(404);
    const cancelled = await d.post(w.agentA1.token, path('cancel-undeliverable'), {
      reason: 'customer unreachable on two visits',
    });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.status).toBe('cancelled');
    expect(await available(sku)).toBe(10);
    const timeline = (await d.events(order.id)).map((e) => [e.type, e.toStatus]);
    expect(timeline).toEqual(
      expect.arrayContaining([
        ['delivery_failed', null],
        ['abandon', 'cancelled'],
      ]),
    );
    expect(timeline.filter(([t]) => t === 'delivery_failed')).toHaveLength(2);
    const [{ open_count }] = await app.sql<{ open_count: number }>(
      `SELECT c.open_count FROM cod_open_orders c JOIN customers u ON u.id = c.customer_id WHERE u.phone = $1`,
      [phone],
    );
    expect(open_count).toBe(0);
    // A paid order is not cancelled this way.
    const paid = await d.order({ ...d.doorOrder(w.campusA1.id, newPhone(), sku), paymentMethod: 'online' });
    expect(
      (await d.post(w.tokens.managerA, `/api/orders/${paid.id}/cancel-undeliverable`, { reason: 'x' })).body
        .code,
    ).toBe('not_cod');
  });

  // Last: it moves the clock.
  it('COD orders still unclaimed COD_CONFIRM_HOURS after placement go on the region manager’s list', async () => {
    const stale = await d.order({ ...d.doorOrder(w.campusA1.id, newPhone()) });
    const collected = await d.order({ ...d.doorOrder(w.campusA1.id, newPhone()) });
    expect(
      (await d.post(w.tokens.managerA, `/api/orders/${collected.id}/assign`, { agentId: w.agentA1.id }))
        .status,
    ).toBe(200);
    expect((await d.post(w.agentA1.token, `/api/orders/${collected.id}/dispatch`)).status).toBe(200);
    expect(
      (
        await d.post(w.agentA1.token, `/api/orders/${collected.id}/deliver`, {
          codCollectedCents: collected.totalCents,
        })
      ).status,
    ).toBe(200);
    const list = async (token: string) =>
      app.http().get('/api/fulfilment/unclaimed-cod').query({ limit: 200 }).set(auth(token));
    const ids = async (token: string) =>
      ((await list(token)).body.items as { order: { id: string } }[]).map((i) => i.order.id);
    expect(await ids(w.tokens.managerA)).not.toContain(stale.id); // not old enough yet

    clock.advance(25 * 3_600_000);
    const mine = await list(w.tokens.managerA);
    expect(mine.status).toBe(200);
    const item = (
      mine.body.items as { order: { id: string }; ageHours: number; failedAttempts: number }[]
    ).find((i) => i.order.id === stale.id);
    expect(item).toMatchObject({ ageHours: 25, failedAttempts: 0 });
    expect(await ids(w.tokens.managerA)).not.toContain(collected.id);
    expect(await ids(w.tokens.managerB)).not.toContain(stale.id);
    expect(await ids(w.tokens.admin)).toContain(stale.id);
    expect((await list(w.agentA1.token)).status).toBe(403);
  });
});
