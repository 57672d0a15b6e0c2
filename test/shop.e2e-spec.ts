import { randomUUID } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { get, type IncomingHttpHeaders } from 'node:http';
import { join } from 'node:path';
import type { Fixtures, TestApp, World } from '@campus/testing';
import { fixtureAddress } from '@campus/testing';
import { findConsoleDir } from '../apps/api/src/console-static';
import { auth, startApp } from './support/app';
import { ensureConsoleBuilt, listen } from './support/console-browser';

const RATE_LIMIT = 40;

/**
 * The shop's API (issue 14): the public catalogue (no token, only active products, a capped
 * availability and nothing else about stock, per-campus pickup points, cached briefly, rate limited per
 * client address), the customer's address book, and orders placed the way the shop places them
 * (a saved address, an agent's share-link code, the wap / web channel, the payment deadline).
 */
describe('Shop: public catalogue, address book and shop orders (e2e)', () => {
  let app: TestApp;
  let fx: Fixtures;
  let w: World;

  beforeAll(async () => {
    ensureConsoleBuilt();
    ({ app, fx } = await startApp({ env: { SHOP_RATE_LIMIT_PER_MINUTE: String(RATE_LIMIT) } }));
    w = await fx.world();
  });
  afterAll(() => app?.close());

  /** An anonymous GET from its own client address, so the per-address budget is per test. */
  const pub = (path: string, from = fixtureAddress()) => app.http().get(path).set('X-Forwarded-For', from);

  const place = (token: string, body: object, key = randomUUID()) =>
    app.http().post('/api/orders').set(auth(token)).set('Idempotency-Key', key).send(body);

  describe('public catalogue', () => {
    it('lists campuses with their region name, without a token', async () => {
      const res = await pub('/api/shop/campuses');
      expect(res.status).toBe(200);
      expect(res.body.items).toEqual(
        expect.arrayContaining([
          { id: w.campusA1.id, code: w.campusA1.code, name: 'Campus CA1', regionName: 'Region RA' },
          { id: w.campusB1.id, code: w.campusB1.code, name: 'Campus CB1', regionName: 'Region RB' },
        ]),
      );
    });

    it('lists active products with price and availability only: no stock internals, no cost', async () => {
      const res = await pub(`/api/shop/products?campusId=${w.campusA1.id}`);
      expect(res.status).toBe(200);
      const router = res.body.items.find((p: { sku: string }) => p.sku === w.skus.router);
      expect(router).toEqual({
        sku: w.skus.router,
        name: `Product ${w.skus.router}`,
        category: 'network',
        priceCents: 29900,
        available: 20,
        requiresInstallation: true,
      });
      for (const item of res.body.items) {
        expect(Object.keys(item).sort()).toEqual(
          ['available', 'category', 'name', 'priceCents', 'requiresInstallation', 'sku'].sort(),
        );
      }
      const text = JSON.stringify(res.body);
      for (const secret of ['onHand', 'reserved', 'lowStockThreshold', 'installFee', 'cost', 'customer']) {
        expect(text).not.toContain(secret);
      }
    });

    it('caps availability at 99 and never shows it below 0; the figure follows reservations', async () => {
      const big = await fx.product(`BIG-${w.suffix}`, { stock: 500 });
      const few = await fx.product(`FEW-${w.suffix}`, { stock: 5 });
      const customer = await fx.customer('+8613811110001');
      const order = await place(customer.token, {
        channel: 'wap',
        lines: [{ sku: few, quantity: 2 }],
        fulfillment: { type: 'locker', pickupPointId: w.pointA1.id },
        paymentMethod: 'cod',
      });
      expect(order.status).toBe(201);
      expect((await pub(`/api/shop/products/${big}`)).body.available).toBe(99);
      expect((await pub(`/api/shop/products/${few}`)).body.available).toBe(3);
      const list = await pub(`/api/shop/products?q=${w.suffix}&limit=200`);
      const bySku = new Map(
        list.body.items.map((p: { sku: string; available: number }) => [p.sku, p.available]),
      );
      expect(bySku.get(big)).toBe(99);
      expect(bySku.get(few)).toBe(3);
      expect(bySku.get(w.skus.usb)).toBe(99); // 100 in stock
    });

    it('hides inactive products: not listed, and 404 problem+json by SKU', async () => {
      const gone = await fx.product(`GONE-${w.suffix}`);
      const patched = await app
        .http()
        .patch(`/api/products/${gone}`)
        .set(auth(w.tokens.admin))
        .send({ active: false });
      expect(patched.status).toBe(200);
      const list = await pub(`/api/shop/products?q=GONE-${w.suffix}`);
      expect(list.status).toBe(200);
      expect(list.body.items).toEqual([]);
      const one = await pub(`/api/shop/products/${gone}`);
      expect(one.status).toBe(404);
      expect(one.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(one.body).toMatchObject({ status: 404, code: 'not_found' });
      expect((await pub('/api/shop/products/NO-SUCH-SKU')).status).toBe(404);
    });

    it('searches by name or SKU, filters by category, pages by cursor, and lists categories', async () => {
      const byCategory = await pub(`/api/shop/products?category=NETWORK&q=${w.suffix}`);
      expect(byCategory.body.items.map((p: { sku: string }) => p.sku)).toEqual([w.skus.router]);
      const byName = await pub(`/api/shop/products?q=${encodeURIComponent(`product pen-${w.suffix}`)}`);
      expect(byName.body.items.map((p: { sku: string }) => p.sku)).toEqual([w.skus.pen]);

      const first = await pub(`/api/shop/products?q=${w.suffix}&limit=1`);
      expect(first.body.items).toHaveLength(1);
      expect(first.body.nextCursor).toEqual(expect.any(String));
      const second = await pub(
        `/api/shop/products?q=${w.suffix}&limit=1&cursor=${encodeURIComponent(first.body.nextCursor)}`,
      );
      expect(second.body.items).toHaveLength(1);
      expect(second.body.items[0].sku > first.body.items[0].sku).toBe(true);

      const categories = await pub('/api/shop/categories');
      expect(categories.status).toBe(200);
      expect(categories.body.items).toEqual(
        expect.arrayContaining([{ category: 'network', products: expect.any(Number) }]),
      );
    });

    it('validates the campus: unknown → 404, malformed → 400 naming it', async () => {
      const unknown = await pub(`/api/shop/products?campusId=${randomUUID()}`);
      expect(unknown.status).toBe(404);
      expect(unknown.body.code).toBe('not_found');
      const bad = await pub('/api/shop/products?campusId=PKU');
      expect(bad.status).toBe(400);
      expect(bad.body.errors).toEqual([
        expect.objectContaining({ field: 'campusId', message: expect.any(String) }),
      ]);
    });

    it('answers bad query input with 400 problem+json naming the field, never a 500', async () => {
      const cases: [string, string][] = [
        ['/api/shop/products?limit=0', 'limit'],
        ['/api/shop/products?limit=abc', 'limit'],
        ['/api/shop/products?limit=1000', 'limit'],
        ['/api/shop/products?cursor=not-a-cursor', 'cursor'],
        [`/api/shop/products?q=${'x'.repeat(101)}`, 'q'],
        ['/api/shop/products?sort=price', 'sort'],
        ['/api/shop/pickup-points', 'campusId'],
        ['/api/shop/pickup-points?campusId=nope', 'campusId'],
      ];
      for (const [path, field] of cases) {
        const res = await pub(path);
        expect({ path, status: res.status }).toEqual({ path, status: 400 });
        expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
      }
    });

    it("lists a campus's pickup points with hasLocker and hasCounter (a staffed counter)", async () => {
      const res = await pub(`/api/shop/pickup-points?campusId=${w.campusA1.id}`);
      expect(res.status).toBe(200);
      expect(res.body.items).toHaveLength(2);
      const byId = new Map(res.body.items.map((p: { id: string }) => [p.id, p]));
      // pointA1 has the locker and no staff; shopA1 has pickup staff and no locker.
      expect(byId.get(w.pointA1.id)).toMatchObject({
        hasLocker: true,
        hasCounter: false,
        campusId: w.campusA1.id,
      });
      expect(byId.get(w.shopA1.id)).toMatchObject({
        hasLocker: false,
        hasCounter: true,
        campusId: w.campusA1.id,
      });
      const other = await pub(`/api/shop/pickup-points?campusId=${w.campusA2.id}`);
      expect(other.body.items).toEqual([]);
      expect((await pub(`/api/shop/pickup-points?campusId=${randomUUID()}`)).status).toBe(404);
    });

    it('marks answers publicly cacheable for 5 seconds, and problems not', async () => {
      for (const path of ['/api/shop/campuses', '/api/shop/products', `/api/shop/products/${w.skus.usb}`]) {
        const res = await pub(path);
        expect(res.status).toBe(200);
        expect(res.headers['cache-control']).toBe('public, max-age=5');
      }
      const missing = await pub('/api/shop/products/NO-SUCH-SKU');
      expect(missing.headers['cache-control'] ?? '').not.toContain('public');
    });

    it('rate limits per client address with 429 problem+json; other addresses are unaffected', async () => {
      const from = fixtureAddress();
      for (let i = 0; i < RATE_LIMIT; i++) {
        const path = i % 2 ? '/api/shop/campuses' : `/api/shop/products/${w.skus.pen}`;
        expect((await pub(path, from)).status).toBe(200);
      }
      const limited = await pub('/api/shop/products', from);
      expect(limited.status).toBe(429);
      expect(limited.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(limited.body).toMatchObject({ status: 429, code: 'rate_limited' });
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
      expect((await pub('/api/shop/products', fixtureAddress())).status).toBe(200);
    });
  });

  describe('address book (/api/me/addresses)', () => {
    const body = (campusId: string, extra: object = {}) => ({
      label: 'Dorm',
      campusId,
      building: 'Building 5',
      room: '302',
      ...extra,
    });

    it('creates, lists, edits (null clears) and deletes the caller’s addresses', async () => {
      const c = await fx.customer('+8613811110002');
      const created = await app
        .http()
        .post('/api/me/addresses')
        .set(auth(c.token))
        .send(body(w.campusA1.id, { recipientName: 'Li Lei', phone: '138 1111 0002' }));
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({
        label: 'Dorm',
        campusId: w.campusA1.id,
        building: 'Building 5',
        room: '302',
        recipientName: 'Li Lei',
        phone: '+8613811110002',
      });
      const id = created.body.id as string;

      const list = await app.http().get('/api/me/addresses').set(auth(c.token));
      expect(list.body.items.map((a: { id: string }) => a.id)).toEqual([id]);

      const edited = await app
        .http()
        .patch(`/api/me/addresses/${id}`)
        .set(auth(c.token))
        .send({ room: '405', label: null, campusId: w.campusA2.id });
      expect(edited.status).toBe(200);
      expect(edited.body).toMatchObject({
        room: '405',
        label: null,
        campusId: w.campusA2.id,
        building: 'Building 5',
      });

      expect((await app.http().delete(`/api/me/addresses/${id}`).set(auth(c.token))).status).toBe(204);
      expect((await app.http().get('/api/me/addresses').set(auth(c.token))).body.items).toEqual([]);
      expect((await app.http().delete(`/api/me/addresses/${id}`).set(auth(c.token))).status).toBe(404);
    });

    it('validates each field and names it', async () => {
      const c = await fx.customer('+8613811110003');
      const post = (b: object) => app.http().post('/api/me/addresses').set(auth(c.token)).send(b);
      const cases: [object, string][] = [
        [{ campusId: w.campusA1.id, room: '1' }, 'building'],
        [{ campusId: w.campusA1.id, building: 'B', room: '' }, 'room'],
        [{ building: 'B', room: '1' }, 'campusId'],
        [body('not-a-uuid'), 'campusId'],
        [body(w.campusA1.id, { phone: '12' }), 'phone'],
        [body(w.campusA1.id, { label: 'x'.repeat(31) }), 'label'],
        [body(w.campusA1.id, { floor: 3 }), 'floor'],
        [body(randomUUID()), 'campusId'], // no such campus
      ];
      for (const [b, field] of cases) {
        const res = await post(b);
        expect({ field, status: res.status }).toEqual({ field, status: 400 });
        expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
      }
      const created = await post(body(w.campusA1.id));
      const cleared = await app
        .http()
        .patch(`/api/me/addresses/${created.body.id}`)
        .set(auth(c.token))
        .send({ building: null });
      expect(cleared.status).toBe(400);
      expect(cleared.body.errors).toEqual([
        expect.objectContaining({ field: 'building', message: 'cannot be cleared' }),
      ]);
    });

    it('keeps at most 10 per customer, also when saves race', async () => {
      const c = await fx.customer('+8613811110004');
      const post = (n: number) =>
        app
          .http()
          .post('/api/me/addresses')
          .set(auth(c.token))
          .send(body(w.campusA1.id, { room: String(n) }));
      for (let i = 1; i <= 8; i++) expect((await post(i)).status).toBe(201);
      const raced = await Promise.all([9, 10, 11, 12, 13].map(post));
      expect(raced.map((r) => r.status).sort()).toEqual([201, 201, 422, 422, 422]);
      const refused = raced.find((r) => r.status === 422)!;
      expect(refused.body).toMatchObject({ code: 'address_limit', max: 10 });
      expect((await app.http().get('/api/me/addresses').set(auth(c.token))).body.items).toHaveLength(10);
    });

    it('is scoped to its owner: another customer’s address answers 404; staff may not use it', async () => {
      const a = await fx.customer('+8613811110005');
      const b = await fx.customer('+8613811110006');
      const mine = await app.http().post('/api/me/addresses').set(auth(a.token)).send(body(w.campusA1.id));
      const id = mine.body.id as string;
      expect((await app.http().get('/api/me/addresses').set(auth(b.token))).body.items).toEqual([]);
      const patch = await app.http().patch(`/api/me/addresses/${id}`).set(auth(b.token)).send({ room: '1' });
      expect(patch.status).toBe(404);
      expect(patch.body.code).toBe('not_found');
      expect((await app.http().delete(`/api/me/addresses/${id}`).set(auth(b.token))).status).toBe(404);
      expect((await app.http().get('/api/me/addresses').set(auth(a.token))).body.items).toHaveLength(1);
      expect((await app.http().get('/api/me/addresses').set(auth(w.tokens.callCenter))).status).toBe(403);
      expect((await app.http().get('/api/me/addresses')).status).toBe(401);
    });
  });

  describe('orders the shop places', () => {
    const lockerOrder = (extra: object = {}) => ({
      lines: [{ sku: w.skus.pen, quantity: 1 }],
      fulfillment: { type: 'locker', pickupPointId: w.pointA1.id },
      paymentMethod: 'cod',
      ...extra,
    });

    it('delivers to a saved address: its campus and text frozen into the order', async () => {
      const c = await fx.customer('+8613811110007');
      const saved = await app
        .http()
        .post('/api/me/addresses')
        .set(auth(c.token))
        .send({ campusId: w.campusA2.id, building: '5号楼', room: '302', recipientName: '李雷' });
      const res = await place(c.token, {
        channel: 'wap',
        lines: [{ sku: w.skus.usb, quantity: 1 }],
        fulfillment: { type: 'delivery', addressId: saved.body.id },
        paymentMethod: 'cod',
      });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        channel: 'wap',
        status: 'confirmed',
        campusId: w.campusA2.id,
        fulfillment: { type: 'delivery', campusId: w.campusA2.id, address: '5号楼, 302 · 李雷' },
      });
      // Editing or deleting the address later leaves the order as it was placed.
      await app.http().patch(`/api/me/addresses/${saved.body.id}`).set(auth(c.token)).send({ room: '999' });
      await app.http().delete(`/api/me/addresses/${saved.body.id}`).set(auth(c.token));
      const again = await app.http().get(`/api/orders/${res.body.id}`).set(auth(c.token));
      expect(again.body.fulfillment.address).toBe('5号楼, 302 · 李雷');
    });

    it("refuses someone else's address (404 problem) and mixed or misplaced address input (400)", async () => {
      const a = await fx.customer('+8613811110008');
      const b = await fx.customer('+8613811110009');
      const saved = await app.http().post('/api/me/addresses').set(auth(a.token)).send({
        campusId: w.campusA1.id,
        building: 'B1',
        room: '101',
      });
      const delivery = (fulfillment: object) =>
        lockerOrder({ fulfillment: { type: 'delivery', ...fulfillment } });
      const theirs = await place(b.token, delivery({ addressId: saved.body.id }));
      expect(theirs.status).toBe(404);
      expect(theirs.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(theirs.body.code).toBe('not_found');
      const mixed = await place(a.token, delivery({ addressId: saved.body.id, address: 'Room 1' }));
      expect(mixed.status).toBe(400);
      expect(mixed.body.errors).toEqual([
        expect.objectContaining({ field: 'fulfillment.address', message: expect.any(String) }),
      ]);
      const locker = await place(
        a.token,
        lockerOrder({
          fulfillment: { type: 'locker', pickupPointId: w.pointA1.id, addressId: saved.body.id },
        }),
      );
      expect(locker.status).toBe(400);
      expect(locker.body.errors).toEqual([
        expect.objectContaining({ field: 'fulfillment.addressId', message: 'is only for delivery' }),
      ]);
      // Staff have no address book: a customer's address id is as unknown to them as any other.
      const staff = await place(w.tokens.callCenter, {
        ...delivery({ addressId: saved.body.id }),
        customer: { phone: '+8613811110008' },
      });
      expect(staff.status).toBe(404);
    });

    it("attributes an order placed through an agent's share link (agentCode) to that agent", async () => {
      const c = await fx.customer('+8613811110010');
      const res = await place(c.token, lockerOrder({ channel: 'wap', agentCode: w.agentA1.referralCode }));
      expect(res.status).toBe(201);
      expect(res.body.agentId).toBe(w.agentA1.id);
      const unknown = await place(c.token, lockerOrder({ agentCode: 'NOSUCH' }));
      expect(unknown.status).toBe(400);
      expect(unknown.body).toMatchObject({ code: 'unknown_agent_code' });
      expect(unknown.body.errors[0].field).toBe('agentCode');
    });

    it('records the channel the shop declares: wap from a phone, web from a desktop', async () => {
      const c = await fx.customer('+8613811110011');
      const wap = await place(c.token, lockerOrder({ channel: 'wap' }));
      const web = await place(c.token, lockerOrder({ channel: 'web' }));
      expect([wap.body.channel, web.body.channel]).toEqual(['wap', 'web']);
      const rows = await app.sql<{ channel: string }>(
        `SELECT channel FROM orders WHERE id = ANY($1::uuid[]) ORDER BY channel`,
        [[wap.body.id, web.body.id]],
      );
      expect(rows.map((r) => r.channel)).toEqual(['wap', 'web']);
      expect((await place(c.token, lockerOrder({ channel: 'phone' }))).status).toBe(403);
    });

    it('tells an unpaid online order when it will be cancelled (paymentDueAt), and nothing otherwise', async () => {
      const c = await fx.customer('+8613811110012');
      const online = await place(c.token, lockerOrder({ paymentMethod: 'online' }));
      expect(online.status).toBe(201);
      const due = new Date(online.body.paymentDueAt).getTime();
      const windowMs = app.config.paymentWindowMinutes * 60_000;
      // The expiry timer's time (the app's clock at placement): within a few seconds of createdAt + window.
      expect(Math.abs(due - (new Date(online.body.createdAt).getTime() + windowMs))).toBeLessThan(5_000);
      const read = await app.http().get(`/api/orders/${online.body.id}`).set(auth(c.token));
      expect(read.body.paymentDueAt).toBe(online.body.paymentDueAt);
      const listed = await app.http().get('/api/orders').set(auth(c.token));
      expect(listed.body.items.find((o: { id: string }) => o.id === online.body.id).paymentDueAt).toBe(
        online.body.paymentDueAt,
      );
      const cod = await place(c.token, lockerOrder());
      expect(cod.body.paymentDueAt).toBeNull();
      const cancelled = await app
        .http()
        .post(`/api/orders/${online.body.id}/cancel`)
        .set(auth(c.token))
        .send({ reason: 'changed my mind' });
      expect(cancelled.body.paymentDueAt).toBeNull();
    });
  });

  describe("the shop's static files", () => {
    let base: string;
    beforeAll(async () => {
      base = await listen(app);
    });

    /** The bytes as sent (node:http does not decompress), with the response headers. */
    const raw = (path: string, encoding: string) =>
      new Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
        get(`${base}${path}`, { headers: { 'accept-encoding': encoding } }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }),
          );
          res.on('error', reject);
        }).on('error', reject);
      });
    const same = (a: Buffer, b: Buffer) => a.length === b.length && a.equals(b);

    it('serves /shop as the app, never cached; hashed assets precompressed (brotli, gzip) and immutable', async () => {
      const dir = findConsoleDir()!;
      const page = await raw('/shop/orders/123', 'br, gzip');
      expect(page.status).toBe(200);
      expect(page.headers['cache-control']).toBe('no-cache');
      const html = page.body.toString('utf8');
      const script = /<script type="module" crossorigin src="(\/assets\/[^"]+\.js)"/.exec(html)![1];
      const file = join(dir, script);

      const br = await raw(script, 'gzip, deflate, br');
      expect(br.status).toBe(200);
      expect(br.headers['content-encoding']).toBe('br');
      expect(br.headers['content-type']).toMatch(/javascript/);
      expect(br.headers['cache-control']).toBe('public, max-age=31536000, immutable');
      expect(br.headers.vary).toMatch(/accept-encoding/i);
      expect(same(br.body, readFileSync(`${file}.br`))).toBe(true);

      const gz = await raw(script, 'gzip');
      expect(gz.headers['content-encoding']).toBe('gzip');
      expect(same(gz.body, readFileSync(`${file}.gz`))).toBe(true);

      const plain = await raw(script, 'identity');
      expect(plain.headers['content-encoding']).toBeUndefined();
      expect(same(plain.body, readFileSync(file))).toBe(true);
      expect(statSync(`${file}.br`).size).toBeLessThan(statSync(file).size / 2);

      const api = await app.http().get('/api/no-such-route');
      expect(api.status).toBe(404);
      expect(api.headers['content-type']).toMatch(/^application\/problem\+json/);
    });
  });
});
