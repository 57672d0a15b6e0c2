import { randomUUID } from 'node:crypto';
import type { TestApp, Fixtures, World } from '@campus/testing';
import { phoneOrder } from '@campus/testing';
import { auth, startApp } from './support/app';

describe('Orders: one service for every staffed channel (e2e)', () => {
  let app: TestApp;
  let fx: Fixtures;
  let w: World;

  beforeAll(async () => {
    ({ app, fx } = await startApp());
    w = await fx.world();
  });
  afterAll(() => app?.close());

  const place = (token: string, body: object, key = randomUUID()) =>
    app.http().post('/api/orders').set(auth(token)).set('Idempotency-Key', key).send(body);

  const stockOf = async (sku: string) => {
    const res = await app.http().get(`/api/products/${sku}`).set(auth(w.tokens.admin));
    return res.body.stock as { onHand: number; reserved: number; available: number };
  };

  describe('each channel', () => {
    it('call centre → phone, confirmed for COD, unattributed without a code', async () => {
      const res = await place(w.tokens.callCenter, phoneOrder(w, { quantity: 2 }));
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        channel: 'phone',
        status: 'confirmed',
        paymentMethod: 'cod',
        agentId: null,
        assignedAgentId: null,
        campusId: w.campusA1.id,
        customer: { phone: '+8613800138000' },
        totalCents: 7800,
        lines: [{ sku: w.skus.usb, quantity: 2, unitPriceCents: 3900, lineTotalCents: 7800 }],
        fulfillment: { type: 'locker', pickupPointId: w.pointA1.id },
      });
      expect(res.body.number).toMatch(/^\d{12,}$/);
      expect(res.body.id).toMatch(/^[0-9a-f-]{36}$/);
    });

    it('call centre with an agent code → attributed to that agent', async () => {
      const res = await place(
        w.tokens.callCenter,
        phoneOrder(w, { agentCode: w.agentA1.referralCode.toLowerCase() }),
      );
      expect(res.status).toBe(201);
      expect(res.body.agentId).toBe(w.agentA1.id);
    });

    it('an unknown agent code is a 400 naming the field', async () => {
      const res = await place(w.tokens.callCenter, phoneOrder(w, { agentCode: 'NOPE99' }));
      expect(res.status).toBe(400);
      expect(res.body.errors).toEqual([{ field: 'agentCode', message: expect.stringContaining('NOPE99') }]);
    });

    it('agent → agent channel, attributed to the calling agent', async () => {
      const res = await place(w.agentA1.token, {
        customer: { phone: '13900001111', name: 'Wang' },
        lines: [{ sku: w.skus.pen, quantity: 1 }],
        fulfillment: { type: 'delivery', campusId: w.campusA1.id, address: 'Dorm 5 room 302' },
        paymentMethod: 'cod',
        agentCode: w.agentA1b.referralCode,
      });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        channel: 'agent',
        status: 'confirmed',
        agentId: w.agentA1.id,
        customer: { phone: '+8613900001111' },
        fulfillment: { type: 'delivery', campusId: w.campusA1.id, address: 'Dorm 5 room 302' },
      });
    });

    it('pickup staff → pickup_point channel; counter payment is confirmed and paid', async () => {
      const res = await place(w.tokens.pickupA1, {
        customer: { phone: '+8613900002222' },
        lines: [{ sku: w.skus.pen, quantity: 3 }],
        fulfillment: { type: 'counter', pickupPointId: w.shopA1.id },
        paymentMethod: 'counter',
      });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        channel: 'pickup_point',
        status: 'confirmed',
        paymentMethod: 'counter',
      });
      expect(res.body.paidAt).not.toBeNull();
    });

    it('customer → web by default, wap when declared; online payment waits for payment', async () => {
      const c = await fx.customer('+8613700001234');
      const body = {
        lines: [{ sku: w.skus.pen, quantity: 1 }],
        fulfillment: { type: 'locker', pickupPointId: w.pointA1.id },
        paymentMethod: 'online',
        agentCode: w.agentA1b.referralCode,
      };
      const web = await place(c.token, body);
      expect(web.status).toBe(201);
      expect(web.body).toMatchObject({
        channel: 'web',
        status: 'pending_payment',
        customer: { id: c.id, phone: '+8613700001234' },
        agentId: w.agentA1b.id,
      });
      const wap = await place(c.token, { ...body, channel: 'wap' });
      expect(wap.status).toBe(201);
      expect(wap.body.channel).toBe('wap');
    });

    it('a channel the role may not use is 403; admins and managers do not key orders', async () => {
      const c = await fx.customer('+8613700005678');
      const phone = await place(c.token, { ...phoneOrder(w), channel: 'phone' });
      expect(phone.status).toBe(403);
      expect((await place(w.tokens.callCenter, { ...phoneOrder(w), channel: 'web' })).status).toBe(403);
      expect((await place(w.tokens.admin, phoneOrder(w))).status).toBe(403);
      expect((await place(w.tokens.managerA, phoneOrder(w))).status).toBe(403);
    });

    it('counter payment is for pickup staff only (422 elsewhere)', async () => {
      const res = await place(w.tokens.callCenter, phoneOrder(w, { paymentMethod: 'counter' }));
      expect(res.status).toBe(422);
      expect(res.body.code).toBe('payment_method_not_allowed');
    });

    it('writes the placed event and the outbox row in the same transaction as the order', async () => {
      const res = await place(w.tokens.callCenter, phoneOrder(w));
      const events = await app.http().get(`/api/orders/${res.body.id}/events`).set(auth(w.tokens.callCenter));
      expect(events.status).toBe(200);
      expect(events.body).toEqual([
        expect.objectContaining({
          type: 'placed',
          fromStatus: null,
          toStatus: 'confirmed',
          channel: 'phone',
        }),
      ]);
      const outbox = await app.sql(`SELECT event_type FROM outbox WHERE aggregate_id = $1`, [res.body.id]);
      expect(outbox.map((o) => o.event_type)).toEqual(['order.placed']);
    });

    it('freezes unit prices at order time', async () => {
      const res = await place(w.tokens.callCenter, phoneOrder(w, { sku: w.skus.pen }));
      await app
        .http()
        .patch(`/api/products/${w.skus.pen}`)
        .set(auth(w.tokens.admin))
        .send({ priceCents: 999 })
        .expect(200);
      const again = await app.http().get(`/api/orders/${res.body.id}`).set(auth(w.tokens.admin));
      expect(again.body.lines[0].unitPriceCents).toBe(500);
      await app
        .http()
        .patch(`/api/products/${w.skus.pen}`)
        .set(auth(w.tokens.admin))
        .send({ priceCents: 500 })
        .expect(200);
    });
  });

  describe('Idempotency-Key', () => {
    it('is required', async () => {
      const res = await app.http().post('/api/orders').set(auth(w.tokens.callCenter)).send(phoneOrder(w));
      expect(res.status).toBe(400);
      expect(res.body.errors[0].field).toBe('Idempotency-Key');
    });

    it('replays the original order for the same body and refuses a different body with 409', async () => {
      const key = randomUUID();
      const first = await place(w.tokens.callCenter, phoneOrder(w), key);
      const again = await place(w.tokens.callCenter, phoneOrder(w), key);
      expect(first.status).toBe(201);
      expect(again.status).toBe(201);
      expect(again.body.id).toBe(first.body.id);
      expect(again.body.number).toBe(first.body.number);
      expect(again.headers['idempotent-replayed']).toBe('true');
      const other = await place(w.tokens.callCenter, phoneOrder(w, { quantity: 2 }), key);
      expect(other.status).toBe(409);
      expect(other.body.code).toBe('idempotency_key_reused');
      const rows = await app.sql(`SELECT count(*)::int AS n FROM idempotency_keys WHERE key = $1`, [key]);
      expect(rows[0].n).toBe(1);
    });

    it('is scoped to the calling user', async () => {
      const key = randomUUID();
      const a = await place(w.tokens.callCenter, phoneOrder(w), key);
      const b = await place(w.agentA1.token, phoneOrder(w), key);
      expect(a.status).toBe(201);
      expect(b.status).toBe(201);
      expect(b.body.id).not.toBe(a.body.id);
    });

    it('50 concurrent requests with one key create one order', async () => {
      const key = randomUUID();
      const sku = await fx.product(`CONC-${randomUUID().slice(0, 8)}`, { stock: 100 });
      const before = await stockOf(sku);
      const results = await Promise.all(
        Array.from({ length: 50 }, () => place(w.tokens.callCenter, phoneOrder(w, { sku }), key)),
      );
      expect(results.every((r) => r.status === 201 || r.status === 409)).toBe(true);
      const ids = new Set(results.filter((r) => r.status === 201).map((r) => r.body.id));
      expect(ids.size).toBe(1);
      const orders = await app.sql(
        `SELECT count(*)::int AS n FROM orders o JOIN order_lines l ON l.order_id = o.id WHERE l.sku = $1`,
        [sku],
      );
      expect(orders[0].n).toBe(1);
      expect((await stockOf(sku)).reserved).toBe(before.reserved + 1);
    });

    it('a key whose first try failed (out of stock) succeeds on retry after a stock adjustment', async () => {
      const sku = await fx.product(`RETRY-${randomUUID().slice(0, 8)}`, { stock: 1 });
      const key = randomUUID();
      const first = await place(w.tokens.callCenter, phoneOrder(w, { sku, quantity: 3 }), key);
      expect(first.status).toBe(409);
      expect(first.body).toMatchObject({ code: 'out_of_stock', sku, available: 1, requested: 3 });
      await app
        .http()
        .post(`/api/products/${sku}/stock-adjustments`)
        .set(auth(w.tokens.admin))
        .send({ delta: 5, reason: 'restock' })
        .expect(200);
      const retry = await place(w.tokens.callCenter, phoneOrder(w, { sku, quantity: 3 }), key);
      expect(retry.status).toBe(201);
      expect(await stockOf(sku)).toMatchObject({ onHand: 6, reserved: 3, available: 3 });
    });

    it('checks two lines of one SKU against stock together', async () => {
      const sku = await fx.product(`TWICE-${randomUUID().slice(0, 8)}`, { stock: 5 });
      const body = {
        ...phoneOrder(w),
        lines: [
          { sku, quantity: 3 },
          { sku, quantity: 3 },
        ],
      };
      const res = await place(w.tokens.callCenter, body);
      expect(res.status).toBe(409);
      expect(res.body).toMatchObject({ code: 'out_of_stock', sku, available: 5, requested: 6 });
      const ok = await place(w.tokens.callCenter, {
        ...body,
        lines: [
          { sku, quantity: 2 },
          { sku, quantity: 3 },
        ],
      });
      expect(ok.status).toBe(201);
      expect(ok.body.lines).toHaveLength(2);
      expect(await stockOf(sku)).toMatchObject({ onHand: 5, reserved: 5, available: 0 });
    });
  });

  describe('stock under concurrency', () => {
    it('200 concurrent orders for the last 10 units sell exactly 10', async () => {
      const sku = await fx.product(`LAST10-${randomUUID().slice(0, 8)}`, { stock: 10 });
      const results = await Promise.all(
        Array.from({ length: 200 }, (_, i) =>
          place(w.tokens.callCenter, phoneOrder(w, { sku, phone: `+86138${String(i).padStart(8, '0')}` })),
        ),
      );
      const statuses = results.map((r) => r.status);
      expect(statuses.filter((s) => s === 201)).toHaveLength(10);
      expect(statuses.filter((s) => s === 409)).toHaveLength(190);
      expect(results.find((r) => r.status === 409)!.body).toMatchObject({
        code: 'out_of_stock',
        available: 0,
      });
      expect(await stockOf(sku)).toEqual({ onHand: 10, reserved: 10, available: 0, lowStockThreshold: 0 });
      const rows = await app.sql<{ n: number; q: number }>(
        `SELECT count(DISTINCT order_id)::int AS n, sum(quantity)::int AS q FROM order_lines WHERE sku = $1`,
        [sku],
      );
      expect(rows[0]).toEqual({ n: 10, q: 10 });
      // The database itself refuses a negative or over-reserved row.
      await expect(
        app.sql(
          `UPDATE stock SET reserved = on_hand + 1 WHERE product_id = (SELECT id FROM products WHERE sku = $1)`,
          [sku],
        ),
      ).rejects.toThrow(/stock_not_over_reserved/);
      await expect(
        app.sql(
          `UPDATE stock SET on_hand = -1, reserved = 0 WHERE product_id = (SELECT id FROM products WHERE sku = $1)`,
          [sku],
        ),
      ).rejects.toThrow(/violates check constraint/);
    });
  });

  describe('errors', () => {
    it('unknown SKU is a 400 naming the SKU and its line', async () => {
      const res = await place(w.tokens.callCenter, {
        ...phoneOrder(w),
        lines: [
          { sku: w.skus.usb, quantity: 1 },
          { sku: 'NO-SUCH-SKU', quantity: 1 },
        ],
      });
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('unknown_sku');
      expect(res.body.errors).toEqual([{ field: 'lines[1].sku', message: 'unknown SKU NO-SUCH-SKU' }]);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    });

    it('a pickup point that does not exist is 404, and nothing is written', async () => {
      const before = await app.sql<{ n: number }>(`SELECT count(*)::int AS n FROM orders`);
      const res = await place(w.tokens.callCenter, {
        ...phoneOrder(w),
        fulfillment: { type: 'locker', pickupPointId: randomUUID() },
      });
      expect(res.status).toBe(404);
      const after = await app.sql<{ n: number }>(`SELECT count(*)::int AS n FROM orders`);
      expect(after[0].n).toBe(before[0].n);
    });

    it('delivery needs a campus and an address', async () => {
      const res = await place(w.tokens.callCenter, { ...phoneOrder(w), fulfillment: { type: 'delivery' } });
      expect(res.status).toBe(400);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual([
        'fulfillment.campusId',
        'fulfillment.address',
      ]);
    });
  });

  describe('scoping', () => {
    let orderB: string;
    let orderA: string;

    beforeAll(async () => {
      orderB = (
        await place(w.tokens.callCenter, {
          ...phoneOrder(w),
          fulfillment: { type: 'locker', pickupPointId: w.pointB1.id },
          agentCode: w.agentB1.referralCode,
        })
      ).body.id;
      orderA = (await place(w.agentA1.token, phoneOrder(w))).body.id;
    });

    it('an agent of campus A gets 404 for an order of campus B', async () => {
      expect((await app.http().get(`/api/orders/${orderB}`).set(auth(w.agentA1.token))).status).toBe(404);
      expect((await app.http().get(`/api/orders/${orderB}/events`).set(auth(w.agentA1.token))).status).toBe(
        404,
      );
      expect((await app.http().get(`/api/orders/${orderA}`).set(auth(w.agentA1.token))).status).toBe(200);
      expect((await app.http().get(`/api/orders/${orderB}`).set(auth(w.agentB1.token))).status).toBe(200);
    });

    it('an agent cannot place an order for another campus (404)', async () => {
      const res = await place(w.agentA1.token, {
        ...phoneOrder(w),
        fulfillment: { type: 'locker', pickupPointId: w.pointB1.id },
      });
      expect(res.status).toBe(404);
    });

    it('a manager sees their region only', async () => {
      expect((await app.http().get(`/api/orders/${orderB}`).set(auth(w.tokens.managerA))).status).toBe(404);
      expect((await app.http().get(`/api/orders/${orderB}`).set(auth(w.tokens.managerB))).status).toBe(200);
      const list = await app.http().get('/api/orders').query({ limit: 200 }).set(auth(w.tokens.managerB));
      expect(list.body.items.length).toBeGreaterThan(0);
      expect(list.body.items.every((o: { regionId: string }) => o.regionId === w.regionB.id)).toBe(true);
    });

    it('a customer sees only their own orders', async () => {
      const alice = await fx.customer('+8613600000001');
      const bob = await fx.customer('+8613600000002');
      const body = {
        lines: [{ sku: w.skus.pen, quantity: 1 }],
        fulfillment: { type: 'locker', pickupPointId: w.pointA1.id },
        paymentMethod: 'cod',
      };
      const a = await place(alice.token, body);
      await place(bob.token, body);
      const list = await app.http().get('/api/orders').set(auth(alice.token));
      expect(list.status).toBe(200);
      expect(list.body.items.map((o: { id: string }) => o.id)).toEqual([a.body.id]);
      expect((await app.http().get(`/api/orders/${a.body.id}`).set(auth(bob.token))).status).toBe(404);
      expect((await app.http().get(`/api/orders/${orderA}`).set(auth(alice.token))).status).toBe(404);
    });

    it('pickup staff key orders only for their own point', async () => {
      const res = await place(w.tokens.pickupA1, {
        customer: { phone: '+8613900003333' },
        lines: [{ sku: w.skus.pen, quantity: 1 }],
        fulfillment: { type: 'counter', pickupPointId: w.pointB1.id },
        paymentMethod: 'counter',
      });
      expect(res.status).toBe(404);
    });
  });

  describe('listing', () => {
    it('filters and pages with a cursor', async () => {
      const phone = '+8613512340000';
      for (let i = 0; i < 5; i++) await place(w.tokens.callCenter, phoneOrder(w, { phone }));
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const res: {
          body: { items: { id: string; customer: { phone: string } }[]; nextCursor: string | null };
        } = await app
          .http()
          .get('/api/orders')
          .query({ phone: '135 1234 0000', limit: 2, ...(cursor ? { cursor } : {}) })
          .set(auth(w.tokens.callCenter));
        seen.push(...res.body.items.map((o) => o.id));
        expect(res.body.items.every((o) => o.customer.phone === phone)).toBe(true);
        cursor = res.body.nextCursor;
      } while (cursor);
      expect(seen).toHaveLength(5);
      expect(new Set(seen).size).toBe(5);
    });

    it('filters by channel, status and "me" for agents', async () => {
      const mine = await app.http().get('/api/orders').query({ agentId: 'me' }).set(auth(w.agentA1.token));
      expect(mine.status).toBe(200);
      expect(mine.body.items.length).toBeGreaterThan(0);
      expect(mine.body.items.every((o: { agentId: string }) => o.agentId === w.agentA1.id)).toBe(true);
      const phone = await app
        .http()
        .get('/api/orders')
        .query({ channel: 'phone', status: 'confirmed' })
        .set(auth(w.tokens.admin));
      expect(
        phone.body.items.every(
          (o: { channel: string; status: string }) => o.channel === 'phone' && o.status === 'confirmed',
        ),
      ).toBe(true);
      const bad = await app
        .http()
        .get('/api/orders')
        .query({ status: 'lost', limit: 500 })
        .set(auth(w.tokens.admin));
      expect(bad.status).toBe(400);
      expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['limit', 'status']);
      const meByManager = await app
        .http()
        .get('/api/orders')
        .query({ agentId: 'me' })
        .set(auth(w.tokens.managerA));
      expect(meByManager.status).toBe(400);
    });
  });

  describe('cancel', () => {
    it('releases the reserved stock, records who and why, and is refused twice (409 with the status)', async () => {
      const sku = await fx.product(`CANCEL-${randomUUID().slice(0, 8)}`, { stock: 4 });
      const order = await place(w.tokens.callCenter, phoneOrder(w, { sku, quantity: 3 }));
      expect(await stockOf(sku)).toMatchObject({ reserved: 3, available: 1 });
      const res = await app
        .http()
        .post(`/api/orders/${order.body.id}/cancel`)
        .set(auth(w.tokens.callCenter))
        .send({ reason: 'customer changed their mind' });
      expect(res.status).toBe(200);
      expect(res.body.status).toBe('cancelled');
      expect(await stockOf(sku)).toMatchObject({ onHand: 4, reserved: 0, available: 4 });
      const again = await app
        .http()
        .post(`/api/orders/${order.body.id}/cancel`)
        .set(auth(w.tokens.callCenter))
        .send({ reason: 'x' });
      expect(again.status).toBe(409);
      expect(again.body).toMatchObject({ code: 'illegal_transition', currentStatus: 'cancelled' });
      const events = await app.http().get(`/api/orders/${order.body.id}/events`).set(auth(w.tokens.admin));
      expect(events.body[1]).toMatchObject({
        type: 'cancel',
        fromStatus: 'confirmed',
        toStatus: 'cancelled',
        reason: 'customer changed their mind',
        actor: { role: 'call_center' },
      });
    });

    it('the owner customer may cancel; another customer gets 404; agents may not (403)', async () => {
      const c = await fx.customer('+8613600000077');
      const other = await fx.customer('+8613600000078');
      const order = await place(c.token, {
        lines: [{ sku: w.skus.pen, quantity: 1 }],
        fulfillment: { type: 'locker', pickupPointId: w.pointA1.id },
        paymentMethod: 'cod',
      });
      expect(
        (
          await app
            .http()
            .post(`/api/orders/${order.body.id}/cancel`)
            .set(auth(other.token))
            .send({ reason: 'x' })
        ).status,
      ).toBe(404);
      expect(
        (
          await app
            .http()
            .post(`/api/orders/${order.body.id}/cancel`)
            .set(auth(w.agentA1.token))
            .send({ reason: 'x' })
        ).status,
      ).toBe(403);
      expect(
        (
          await app
            .http()
            .post(`/api/orders/${order.body.id}/cancel`)
            .set(auth(c.token))
            .send({ reason: 'not needed' })
        ).status,
      ).toBe(200);
    });
  });
});
