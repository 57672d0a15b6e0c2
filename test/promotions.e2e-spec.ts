import { randomBytes, randomUUID } from 'node:crypto';
import twilio from 'twilio';
import type { Fixtures, TestApp, World } from '@campus/testing';
import { eventually } from '@campus/testing';
import { auth, startApp } from './support/app';

/** Promotions, coupons and flash sales as orders see them (API.md § Promotions). */
describe('Promotions: priced in the order statement (e2e)', () => {
  let app: TestApp;
  let fx: Fixtures;
  let w: World;
  let seq = 0;

  beforeAll(async () => {
    ({ app, fx } = await startApp({ worker: true }));
    w = await fx.world();
  });
  afterAll(() => app?.close());

  const hourAgo = () => new Date(Date.now() - 3600_000).toISOString();
  const inADay = () => new Date(Date.now() + 86_400_000).toISOString();
  const sku = async (priceCents: number, opts: { stock?: number; category?: string } = {}) =>
    fx.product(`P${seq++}-${randomUUID().slice(0, 6)}`, { priceCents, ...opts });
  const promotion = (body: Record<string, unknown>, token = w.tokens.admin) =>
    fx.post<{ id: string; uses: number }>(token, '/api/promotions', {
      name: `Promo ${seq++}`,
      startsAt: hourAgo(),
      endsAt: inADay(),
      ...body,
    });
  const place = (body: Record<string, unknown>, token = w.tokens.callCenter, key = randomUUID()) =>
    app.http().post('/api/orders').set(auth(token)).set('Idempotency-Key', key).send(body);
  let phoneSeq = Math.floor(Math.random() * 9e7);
  const phone = () => `+86135${String(phoneSeq++).padStart(8, '0')}`;
  const order = (lines: { sku: string; quantity: number }[], extra: Record<string, unknown> = {}) => ({
    customer: { phone: phone(), name: 'Li Lei' },
    lines,
    fulfillment: { type: 'locker', pickupPointId: w.pointA1.id },
    paymentMethod: 'cod',
    ...extra,
  });
  const ok = async (body: Record<string, unknown>, token?: string) => {
    const res = await place(body, token);
    if (res.status !== 201) throw new Error(`place: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  };

  describe('each kind', () => {
    it('percent_off on a SKU: the line carries list price, discount and the promotion', async () => {
      const a = await sku(3333);
      const other = await sku(1000);
      const p = await promotion({ kind: 'percent_off', percentBps: 1500, skus: [a] });
      const o = await ok(
        order([
          { sku: a, quantity: 3 },
          { sku: other, quantity: 1 },
        ]),
      );
      // 3 × 33.33 = 99.99; 15% = 14.9985 → 15.00 (half-up, once per line)
      expect(o.lines[0]).toMatchObject({
        sku: a,
        quantity: 3,
        listPriceCents: 3333,
        unitPriceCents: 3333,
        discountCents: 1500,
        lineTotalCents: 8499,
        promotionId: p.id,
        flashSaleId: null,
        discounts: [{ source: 'promotion', id: p.id, promotionId: p.id, amountCents: 1500 }],
      });
      expect(o.lines[1]).toMatchObject({ discountCents: 0, lineTotalCents: 1000, promotionId: null });
      expect(o).toMatchObject({
        subtotalCents: 10999,
        discountCents: 1500,
        totalCents: 9499,
        couponCode: null,
      });
      const stored = await app.http().get(`/api/orders/${o.id}`).set(auth(w.tokens.admin));
      expect(stored.body).toMatchObject({ subtotalCents: 10999, discountCents: 1500, totalCents: 9499 });
      expect(stored.body.lines[0]).toMatchObject({
        listPriceCents: 3333,
        discountCents: 1500,
        promotionId: p.id,
      });
    });

    it('amount_off on a category is per unit, never below zero', async () => {
      const cat = `cat${seq++}`;
      const a = await sku(500, { category: cat });
      const b = await sku(2000, { category: cat });
      await promotion({ kind: 'amount_off', amountCents: 800, categories: [cat] });
      const o = await ok(
        order([
          { sku: a, quantity: 2 },
          { sku: b, quantity: 2 },
        ]),
      );
      expect(o.lines.map((l: { discountCents: number }) => l.discountCents)).toEqual([1000, 1600]);
      expect(o.totalCents).toBe(2 * 2000 - 1600);
    });

    it('spend_and_save (满减) comes off the discounted subtotal, split by largest remainder over three lines', async () => {
      const cat = `sas${seq++}`;
      const [a, b, c] = [
        await sku(1001, { category: cat }),
        await sku(1001, { category: cat }),
        await sku(1001, { category: cat }),
      ];
      const p = await promotion({
        kind: 'spend_and_save',
        thresholdCents: 3000,
        amountCents: 1000,
        categories: [cat],
      });
      const o = await ok(
        order([
          { sku: a, quantity: 1 },
          { sku: b, quantity: 1 },
          { sku: c, quantity: 1 },
        ]),
      );
      // 1000 over 1001/1001/1001: 333 each and 1 fen left, to the first line (equal remainders → earlier line).
      expect(o.lines.map((l: { discountCents: number }) => l.discountCents)).toEqual([334, 333, 333]);
      expect(o.lines.every((l: { promotionId: string }) => l.promotionId === p.id)).toBe(true);
      expect(o).toMatchObject({ subtotalCents: 3003, discountCents: 1000, totalCents: 2003 });
      const sum = o.lines.reduce((s: number, l: { lineTotalCents: number }) => s + l.lineTotalCents, 0);
      expect(sum).toBe(o.totalCents);

      // Under the threshold: nothing.
      const small = await ok(order([{ sku: a, quantity: 2 }]));
      expect(small.discountCents).toBe(0);
    });

    it('gift: a free line of the gift SKU while its stock lasts, skipped silently when out', async () => {
      const router = await sku(20000);
      const mouse = await sku(2500, { stock: 1 });
      const p = await promotion({ kind: 'gift', giftSku: mouse, skus: [router], thresholdCents: 10000 });
      const first = await ok(order([{ sku: router, quantity: 1 }]));
      expect(first.lines).toHaveLength(2);
      expect(first.lines[1]).toMatchObject({
        sku: mouse,
        quantity: 1,
        listPriceCents: 2500,
        unitPriceCents: 0,
        discountCents: 2500,
        lineTotalCents: 0,
        promotionId: p.id,
      });
      expect(first).toMatchObject({ subtotalCents: 22500, discountCents: 2500, totalCents: 20000 });
      const stock = await app.http().get(`/api/products/${mouse}`).set(auth(w.tokens.admin));
      expect(stock.body.stock).toMatchObject({ onHand: 1, reserved: 1, available: 0 });

      const second = await ok(order([{ sku: router, quantity: 1 }]));
      expect(second.lines).toHaveLength(1);
      expect(second).toMatchObject({ subtotalCents: 20000, discountCents: 0, totalCents: 20000 });
      const stored = await app.http().get(`/api/orders/${second.id}`).set(auth(w.tokens.admin));
      expect(stored.body.lines).toHaveLength(1);
      const promo = await app.http().get(`/api/promotions/${p.id}`).set(auth(w.tokens.admin));
      expect(promo.body.uses).toBe(1);
    });

    it('flash sale: its price replaces the list price and excludes other line promotions', async () => {
      const a = await sku(5000);
      await promotion({ kind: 'percent_off', percentBps: 5000, skus: [a] });
      const fs = await fx.post<{ id: string; sold: number }>(w.tokens.admin, '/api/flash-sales', {
        sku: a,
        priceCents: 3000,
        quantity: 5,
        perCustomerLimit: 2,
        startsAt: hourAgo(),
        endsAt: inADay(),
      });
      expect(fs.sold).toBe(0);
      const o = await ok(order([{ sku: a, quantity: 2 }]));
      expect(o.lines[0]).toMatchObject({
        listPriceCents: 5000,
        unitPriceCents: 3000,
        discountCents: 4000,
        lineTotalCents: 6000,
        flashSaleId: fs.id,
        promotionId: null,
      });
      const list = await app.http().get('/api/flash-sales').set(auth(w.tokens.callCenter));
      expect(list.body.items.find((f: { id: string }) => f.id === fs.id)).toMatchObject({
        sold: 2,
        remaining: 3,
      });
    });
  });

  describe('precedence', () => {
    it('one promotion per kind: the better line promotion per line, then spend-and-save, then the coupon', async () => {
      const cat = `prec${seq++}`;
      const a = await sku(10000, { category: cat });
      const b = await sku(10000, { category: cat });
      const tenPct = await promotion({ kind: 'percent_off', percentBps: 1000, categories: [cat] });
      await promotion({ kind: 'percent_off', percentBps: 500, categories: [cat] }); // worse: not used
      const off15 = await promotion({ kind: 'amount_off', amountCents: 1500, skus: [b] });
      const save = await promotion({
        kind: 'spend_and_save',
        thresholdCents: 15000,
        amountCents: 2000,
        categories: [cat],
      });
      const couponPromo = await promotion({
        kind: 'percent_off',
        percentBps: 1000,
        requiresCoupon: true,
        categories: [cat],
      });
      const { codes } = await fx.post<{ codes: string[] }>(
        w.tokens.admin,
        `/api/promotions/${couponPromo.id}/coupons`,
        {
          code: `PREC${seq++}X`,
        },
      );
      const o = await ok(
        order(
          [
            { sku: a, quantity: 1 },
            { sku: b, quantity: 1 },
          ],
          { couponCode: codes[0].toLowerCase() },
        ),
      );
      // a: 10% → 9000; b: 15.00 off beats 10% → 8500; save 2000 over 9000/8500 → 1029/971;
      // coupon 10% of 15500 = 1550 over 7971/7529 → 797/753.
      expect(o.lines[0].discounts).toEqual([
        { source: 'promotion', id: tenPct.id, promotionId: tenPct.id, amountCents: 1000 },
        { source: 'promotion', id: save.id, promotionId: save.id, amountCents: 1029 },
        { source: 'coupon', id: expect.any(String), promotionId: couponPromo.id, amountCents: 797 },
      ]);
      expect(o.lines[1].discounts).toEqual([
        { source: 'promotion', id: off15.id, promotionId: off15.id, amountCents: 1500 },
        { source: 'promotion', id: save.id, promotionId: save.id, amountCents: 971 },
        { source: 'coupon', id: expect.any(String), promotionId: couponPromo.id, amountCents: 753 },
      ]);
      expect(o).toMatchObject({
        subtotalCents: 20000,
        discountCents: 1000 + 1500 + 2000 + 1550,
        couponCode: codes[0],
      });
      expect(o.totalCents).toBe(20000 - 6050);
    });

    it('validity window, region, campus and channel decide whether a promotion runs', async () => {
      const a = await sku(1000);
      await promotion({
        kind: 'percent_off',
        percentBps: 1000,
        skus: [a],
        startsAt: inADay(),
        endsAt: new Date(Date.now() + 2 * 86_400_000).toISOString(),
      });
      await promotion({ kind: 'percent_off', percentBps: 2000, skus: [a], regionId: w.regionB.id });
      await promotion({ kind: 'percent_off', percentBps: 3000, skus: [a], campusIds: [w.campusA2.id] });
      await promotion({ kind: 'percent_off', percentBps: 4000, skus: [a], channels: ['web', 'wap'] });
      const phoneOrder = await ok(order([{ sku: a, quantity: 1 }]));
      expect(phoneOrder.discountCents).toBe(0);
      const c = await fx.customer(phone());
      const web = await ok(
        {
          lines: [{ sku: a, quantity: 1 }],
          fulfillment: { type: 'locker', pickupPointId: w.pointA1.id },
          paymentMethod: 'cod',
        },
        c.token,
      );
      expect(web.discountCents).toBe(400);
    });

    it('a budget (maxUses) stops a promotion once used up; PATCH can end it', async () => {
      const a = await sku(1000);
      const p = await promotion({ kind: 'amount_off', amountCents: 100, skus: [a], maxUses: 2 });
      expect((await ok(order([{ sku: a, quantity: 1 }]))).discountCents).toBe(100);
      expect((await ok(order([{ sku: a, quantity: 1 }]))).discountCents).toBe(100);
      expect((await ok(order([{ sku: a, quantity: 1 }]))).discountCents).toBe(0);
      const q = await app.http().get(`/api/promotions/${p.id}`).set(auth(w.tokens.admin));
      expect(q.body).toMatchObject({ uses: 2, maxUses: 2 });
      const b = await sku(1000);
      const p2 = await promotion({ kind: 'amount_off', amountCents: 100, skus: [b] });
      const patched = await app
        .http()
        .patch(`/api/promotions/${p2.id}`)
        .set(auth(w.tokens.admin))
        .send({ active: false });
      expect(patched.status).toBe(200);
      expect((await ok(order([{ sku: b, quantity: 1 }]))).discountCents).toBe(0);
    });
  });

  describe('coupons', () => {
    it('unknown → 422 coupon_invalid naming the field; used up → 409 coupon_used; one use per customer', async () => {
      const a = await sku(2000);
      const p = await promotion({ kind: 'amount_off', amountCents: 500, requiresCoupon: true, skus: [a] });
      const unknown = await place(order([{ sku: a, quantity: 1 }], { couponCode: 'NOSUCHCODE' }));
      expect(unknown.status).toBe(422);
      expect(unknown.headers['content-type']).toMatch(/problem\+json/);
      expect(unknown.body).toMatchObject({ code: 'coupon_invalid', errors: [{ field: 'couponCode' }] });

      const { codes } = await fx.post<{ codes: string[] }>(
        w.tokens.admin,
        `/api/promotions/${p.id}/coupons`,
        { count: 3 },
      );
      expect(codes).toHaveLength(3);
      expect(new Set(codes).size).toBe(3);
      for (const c of codes) expect(c).toMatch(/^[A-HJ-NP-Z2-9]{10}$/);
      const buyer = order([{ sku: a, quantity: 1 }], { couponCode: codes[0] });
      const used = await ok(buyer);
      expect(used).toMatchObject({ discountCents: 500, totalCents: 1500, couponCode: codes[0] });
      expect(used.lines[0].discounts[0]).toMatchObject({ source: 'coupon', promotionId: p.id });
      const again = await place({ ...buyer, customer: { phone: phone() } });
      expect(again.status).toBe(409);
      expect(again.body).toMatchObject({ code: 'coupon_used', errors: [{ field: 'couponCode' }] });

      // A shared code, once per customer.
      const shared = await fx.post<{ codes: string[] }>(w.tokens.admin, `/api/promotions/${p.id}/coupons`, {
        code: `SHARE${seq++}`,
      });
      const me = phone();
      await ok(order([{ sku: a, quantity: 1 }], { couponCode: shared.codes[0], customer: { phone: me } }));
      const twice = await place(
        order([{ sku: a, quantity: 1 }], { couponCode: shared.codes[0], customer: { phone: me } }),
      );
      expect(twice.status).toBe(409);
      expect(twice.body.code).toBe('coupon_used');
      await ok(order([{ sku: a, quantity: 1 }], { couponCode: shared.codes[0] }));
      // The code is taken.
      const taken = await app
        .http()
        .post(`/api/promotions/${p.id}/coupons`)
        .set(auth(w.tokens.admin))
        .send({ code: shared.codes[0] });
      expect(taken.status).toBe(409);
      expect(taken.body.code).toBe('coupon_code_taken');
    });

    it('an expired coupon is 422 coupon_invalid; a coupon for goods not in the order too', async () => {
      const a = await sku(2000);
      const p = await promotion({ kind: 'amount_off', amountCents: 500, requiresCoupon: true, skus: [a] });
      const { codes } = await fx.post<{ codes: string[] }>(
        w.tokens.admin,
        `/api/promotions/${p.id}/coupons`,
        {},
      );
      const other = await sku(1000);
      const notApplicable = await place(order([{ sku: other, quantity: 1 }], { couponCode: codes[0] }));
      expect(notApplicable.status).toBe(422);
      expect(notApplicable.body.code).toBe('coupon_invalid');
      await app
        .http()
        .patch(`/api/promotions/${p.id}`)
        .set(auth(w.tokens.admin))
        .send({ endsAt: new Date(Date.now() - 1000).toISOString() });
      const expired = await place(order([{ sku: a, quantity: 1 }], { couponCode: codes[0] }));
      expect(expired.status).toBe(422);
      expect(expired.body.code).toBe('coupon_invalid');
    });

    it('an agent code gives the customer the discount and the agent the attribution', async () => {
      const a = await sku(3000);
      const p = await promotion({
        kind: 'percent_off',
        percentBps: 1000,
        requiresCoupon: true,
        regionId: w.regionA.id,
      });
      const { codes } = await fx.post<{ codes: string[] }>(
        w.tokens.managerA,
        `/api/promotions/${p.id}/coupons`,
        {
          code: `AGENT${seq++}`,
          agentId: w.agentA1b.id,
        },
      );
      const o = await ok(order([{ sku: a, quantity: 1 }], { couponCode: codes[0] }));
      expect(o).toMatchObject({ agentId: w.agentA1b.id, discountCents: 300, totalCents: 2700 });
      // An agent of another region cannot be given a code of region A's promotion.
      const wrong = await app
        .http()
        .post(`/api/promotions/${p.id}/coupons`)
        .set(auth(w.tokens.admin))
        .send({ code: `AGENTB${seq++}`, agentId: w.agentB1.id });
      expect(wrong.status).toBe(404);
    });

    it('issued by text through the outbox, honouring STOP; the batch downloads as CSV', async () => {
      const p = await promotion({ kind: 'amount_off', amountCents: 300, requiresCoupon: true });
      const optedOut = phone();
      const reachable = phone();
      await app.sql(`INSERT INTO sms_preferences (phone, opted_out) VALUES ($1, true)`, [optedOut]);
      const sent = await fx.post<{ batchId: string; sent: { phone: string; code: string }[] }>(
        w.tokens.admin,
        `/api/promotions/${p.id}/coupons/send`,
        { phones: [reachable, optedOut.replace('+86', '')] },
      );
      expect(sent.sent.map((s) => s.phone).sort()).toEqual([reachable, optedOut].sort());
      const texts = await eventually(async () => {
        const res = await app
          .http()
          .get('/api/notifications')
          .query({ type: 'coupon_issued', limit: 200 })
          .set(auth(w.tokens.admin));
        const mine = res.body.items.filter((n: { to: string }) => n.to === reachable || n.to === optedOut);
        return mine.length === 2 ? mine : null;
      }, 30_000);
      const byPhone = Object.fromEntries(texts.map((t: { to: string }) => [t.to, t]));
      const code = sent.sent.find((s) => s.phone === reachable)!.code;
      expect(byPhone[reachable].body).toContain(code);
      expect(byPhone[reachable].status).not.toBe('suppressed');
      expect(byPhone[optedOut].status).toBe('suppressed');

      const csv = await app
        .http()
        .get(`/api/promotions/${p.id}/coupons`)
        .query({ batchId: sent.batchId, format: 'csv' })
        .set(auth(w.tokens.admin));
      expect(csv.status).toBe(200);
      expect(csv.headers['content-type']).toMatch(/text\/csv/);
      const lines = csv.text.trim().split('\r\n');
      expect(lines[0]).toBe('code,max_uses,uses,per_customer,agent_id,issued_to,batch_id,created_at');
      expect(lines).toHaveLength(3);
      expect(csv.text).toContain(code);
    });
  });

  describe('flash sales', () => {
    const flash = (s: string, quantity: number, perCustomerLimit: number, priceCents = 1000) =>
      fx.post<{ id: string }>(w.tokens.admin, '/api/flash-sales', {
        sku: s,
        priceCents,
        quantity,
        perCustomerLimit,
        startsAt: hourAgo(),
        endsAt: inADay(),
      });

    it("the shop's product answers carry salePriceCents and saleEndsAt while a sale runs for the campus", async () => {
      const a = await sku(5000);
      const b = await sku(5000);
      const other = await fx.post<{ id: string; endsAt: string }>(w.tokens.admin, '/api/flash-sales', {
        sku: b,
        priceCents: 3000,
        quantity: 5,
        perCustomerLimit: 1,
        startsAt: hourAgo(),
        endsAt: inADay(),
        campusIds: [w.campusB1.id],
      });
      const fs = await fx.post<{ id: string; endsAt: string }>(w.tokens.admin, '/api/flash-sales', {
        sku: a,
        priceCents: 3900,
        quantity: 5,
        perCustomerLimit: 1,
        startsAt: hourAgo(),
        endsAt: inADay(),
      });
      const list = await app.http().get('/api/shop/products').query({ campusId: w.campusA1.id, q: a });
      expect(list.status).toBe(200);
      expect(list.body.items).toEqual([
        expect.objectContaining({ sku: a, priceCents: 5000, salePriceCents: 3900, saleEndsAt: fs.endsAt }),
      ]);
      const one = await app.http().get(`/api/shop/products/${a}`).query({ campusId: w.campusA1.id });
      expect(one.body).toMatchObject({ priceCents: 5000, salePriceCents: 3900 });
      // A sale for campus B only: not on campus A's answers.
      const notHere = await app.http().get(`/api/shop/products/${b}`).query({ campusId: w.campusA1.id });
      expect(notHere.body).not.toHaveProperty('salePriceCents');
      const there = await app.http().get(`/api/shop/products/${b}`).query({ campusId: w.campusB1.id });
      expect(there.body).toMatchObject({ salePriceCents: 3000, saleEndsAt: other.endsAt });
    });

    it('sold out → 409 flash_sale_sold_out, or the list price with allowListPrice', async () => {
      const a = await sku(2000);
      await flash(a, 1, 5);
      await ok(order([{ sku: a, quantity: 1 }]));
      const out = await place(order([{ sku: a, quantity: 1 }]));
      expect(out.status).toBe(409);
      expect(out.body.code).toBe('flash_sale_sold_out');
      const list = await ok(order([{ sku: a, quantity: 1 }], { allowListPrice: true }));
      expect(list.lines[0]).toMatchObject({ unitPriceCents: 2000, flashSaleId: null, lineTotalCents: 2000 });
    });

    it('over the per-customer limit → 422 flash_sale_limit; a replayed key counts once', async () => {
      const a = await sku(2000);
      const fs = await flash(a, 10, 2);
      const me = phone();
      const body = order([{ sku: a, quantity: 2 }], { customer: { phone: me } });
      const key = randomUUID();
      const first = await place(body, undefined, key);
      expect(first.status).toBe(201);
      const replay = await place(body, undefined, key);
      expect(replay.status).toBe(201);
      expect(replay.body.id).toBe(first.body.id);
      const more = await place(order([{ sku: a, quantity: 1 }], { customer: { phone: me } }));
      expect(more.status).toBe(422);
      expect(more.body.code).toBe('flash_sale_limit');
      const [row] = await app.sql<{ sold: number }>(`SELECT sold FROM flash_sales WHERE id = $1`, [fs.id]);
      expect(row.sold).toBe(2);
    });
  });

  describe('uses given back', () => {
    it('a cancelled order gives back its coupon use and flash-sale units', async () => {
      const a = await sku(2000);
      const fs = await fx.post<{ id: string }>(w.tokens.admin, '/api/flash-sales', {
        sku: a,
        priceCents: 1500,
        quantity: 1,
        perCustomerLimit: 1,
        startsAt: hourAgo(),
        endsAt: inADay(),
      });
      const b = await sku(1000);
      const p = await promotion({ kind: 'amount_off', amountCents: 100, requiresCoupon: true, skus: [b] });
      const { codes } = await fx.post<{ codes: string[] }>(
        w.tokens.admin,
        `/api/promotions/${p.id}/coupons`,
        {},
      );
      const me = phone();
      const o = await ok(
        order(
          [
            { sku: a, quantity: 1 },
            { sku: b, quantity: 1 },
          ],
          { couponCode: codes[0], customer: { phone: me } },
        ),
      );
      expect((await place(order([{ sku: b, quantity: 1 }], { couponCode: codes[0] }))).body.code).toBe(
        'coupon_used',
      );
      const cancel = await app
        .http()
        .post(`/api/orders/${o.id}/cancel`)
        .set(auth(w.tokens.callCenter))
        .send({ reason: 'changed mind' });
      expect(cancel.status).toBe(200);
      const [sale] = await app.sql<{ sold: number }>(`SELECT sold FROM flash_sales WHERE id = $1`, [fs.id]);
      expect(sale.sold).toBe(0);
      // The same customer may buy again (limit 1), and the single-use code works again.
      const again = await ok(
        order(
          [
            { sku: a, quantity: 1 },
            { sku: b, quantity: 1 },
          ],
          { couponCode: codes[0], customer: { phone: me } },
        ),
      );
      expect(again.lines[0].flashSaleId).toBe(fs.id);
      expect(again.couponCode).toBe(codes[0]);
      const promo = await app.http().get(`/api/promotions/${p.id}`).set(auth(w.tokens.admin));
      expect(promo.body.uses).toBe(1);
    });

    it('a fully returned order gives them back too (release is idempotent)', async () => {
      const b = await sku(1000);
      const p = await promotion({ kind: 'amount_off', amountCents: 100, requiresCoupon: true, skus: [b] });
      const { codes } = await fx.post<{ codes: string[] }>(
        w.tokens.admin,
        `/api/promotions/${p.id}/coupons`,
        {},
      );
      const o = await ok(
        order([{ sku: b, quantity: 1 }], {
          couponCode: codes[0],
          paymentMethod: 'counter',
          fulfillment: { type: 'counter', pickupPointId: w.shopA1.id },
        }),
        w.tokens.pickupA1,
      );
      const handed = await app
        .http()
        .post(`/api/orders/${o.id}/hand-over`)
        .set(auth(w.tokens.pickupA1))
        .send({});
      if (handed.status !== 200) {
        // Fall back to the state machine through SQL-free routes only: deliver via transition is not exposed.
        throw new Error(`hand-over: ${handed.status} ${JSON.stringify(handed.body)}`);
      }
      const ret = await app
        .http()
        .post(`/api/orders/${o.id}/return`)
        .set(auth(w.tokens.admin))
        .send({ reason: 'faulty' });
      expect(ret.status).toBe(200);
      const [c] = await app.sql<{ uses: number }>(`SELECT uses FROM coupons WHERE code = $1`, [codes[0]]);
      expect(c.uses).toBe(0);
      const [r] = await app.sql<{ released_at: Date | null }>(
        `SELECT released_at FROM pricing_redemptions WHERE order_id = $1 AND kind = 'coupon'`,
        [o.id],
      );
      expect(r.released_at).not.toBeNull();
      await ok(order([{ sku: b, quantity: 1 }], { couponCode: codes[0] }));
    });
  });

  describe('the SMS channel', () => {
    /** A text from `from`, signed as Twilio signs it; the TwiML reply's text. */
    const text = async (from: string, body: string): Promise<string> => {
      const sid = `SM${randomBytes(16).toString('hex')}`;
      const params: Record<string, string> = {
        MessageSid: sid,
        SmsSid: sid,
        From: from,
        To: '+8613912345678',
        Body: body,
      };
      const url = `${app.config.publicBaseUrl}/api/channels/sms/twilio`;
      const res = await app
        .http()
        .post('/api/channels/sms/twilio')
        .type('form')
        .set(
          'X-Twilio-Signature',
          twilio.getExpectedTwilioSignature(app.config.twilio.authToken!, url, params),
        )
        .send(params);
      if (res.status !== 200) throw new Error(`${res.status} ${res.text}`);
      return res.text;
    };

    it('quotes the promotional price on BUY and places the order at that price on YES', async () => {
      const a = await sku(2000);
      await promotion({ kind: 'percent_off', percentBps: 2500, skus: [a], channels: ['sms'] });
      const from = phone();
      const quote = await text(from, `BUY ${a} 2 @${w.pointA1.code}`);
      expect(quote).toContain('30.00'); // 2 × 20.00 − 25 %
      const yes = await text(from, 'YES');
      expect(yes).toContain('30.00');
      const orders = await app.http().get('/api/orders').query({ phone: from }).set(auth(w.tokens.admin));
      expect(orders.body.items[0]).toMatchObject({
        channel: 'sms',
        subtotalCents: 4000,
        discountCents: 1000,
        totalCents: 3000,
      });
    });
  });

  describe('money after the sale', () => {
    /** A counter sale handed over at once, then completed by the admin. */
    const counterSale = async (
      lines: { sku: string; quantity: number }[],
      extra: Record<string, unknown> = {},
    ) => {
      const o = await ok(
        order(lines, {
          paymentMethod: 'counter',
          fulfillment: { type: 'counter', pickupPointId: w.shopA1.id },
          agentCode: w.agentA1.referralCode,
          ...extra,
        }),
        w.tokens.pickupA1,
      );
      expect(
        (await app.http().post(`/api/orders/${o.id}/hand-over`).set(auth(w.tokens.pickupA1)).send({})).status,
      ).toBe(200);
      expect(
        (await app.http().post(`/api/orders/${o.id}/complete`).set(auth(w.tokens.admin)).send({})).status,
      ).toBe(200);
      return o;
    };

    it('commission is computed on the paid amount; a free gift line earns nothing', async () => {
      const a = await sku(10000);
      const gift = await sku(3000);
      await fx.post(w.tokens.admin, '/api/commission-rules', { sku: a, rateBps: 1000 });
      await fx.post(w.tokens.admin, '/api/commission-rules', { sku: gift, rateBps: 1000, fixedCents: 500 });
      await promotion({ kind: 'percent_off', percentBps: 2000, skus: [a] });
      await promotion({ kind: 'gift', giftSku: gift, skus: [a] });
      const o = await counterSale([{ sku: a, quantity: 1 }]);
      expect(o.lines).toHaveLength(2);
      expect(o.totalCents).toBe(8000);
      const entry = await eventually(async () => {
        const rows = await app.sql<{ amount_cents: string }>(
          `SELECT amount_cents FROM commission_entries WHERE source_id = $1 AND kind = 'order_commission'`,
          [o.id],
        );
        return rows[0];
      }, 30_000);
      // 10% of the 80.00 paid (not of the 100.00 list price); the gift: nothing.
      expect(Number(entry.amount_cents)).toBe(800);
    });

    it('the promotion report: orders, discount, GMV, new customers, gross margin and ROI; cost is admin-only', async () => {
      const a = await sku(10000);
      const patched = await app
        .http()
        .patch(`/api/products/${a}`)
        .set(auth(w.tokens.admin))
        .send({ costCents: 6000 });
      expect(patched.body.costCents).toBe(6000);
      const seen = await app.http().get(`/api/products/${a}`).set(auth(w.tokens.managerA));
      expect(seen.body).not.toHaveProperty('costCents');
      const seenByCc = await app.http().get('/api/products').query({ q: a }).set(auth(w.tokens.callCenter));
      expect(seenByCc.body.items[0]).not.toHaveProperty('costCents');
      const p = await promotion({ kind: 'amount_off', amountCents: 1000, skus: [a] });
      const fs = await fx.post<{ id: string }>(w.tokens.managerA, '/api/flash-sales', {
        sku: a,
        priceCents: 8000,
        quantity: 5,
        perCustomerLimit: 5,
        startsAt: hourAgo(),
        endsAt: inADay(),
      });
      // Flash sale for campus A's orders: 2 orders; then the flash sale is stopped and the promotion applies.
      const returning = phone();
      await ok(order([{ sku: w.skus.pen, quantity: 1 }], { customer: { phone: returning } }));
      await ok(order([{ sku: a, quantity: 1 }], { customer: { phone: returning } }));
      await ok(order([{ sku: a, quantity: 2 }]));
      await app
        .http()
        .patch(`/api/flash-sales/${fs.id}`)
        .set(auth(w.tokens.managerA))
        .send({ active: false });
      await ok(order([{ sku: a, quantity: 1 }]));
      const cancelled = await ok(order([{ sku: a, quantity: 1 }]));
      await app
        .http()
        .post(`/api/orders/${cancelled.id}/cancel`)
        .set(auth(w.tokens.callCenter))
        .send({ reason: 'x' });

      const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
      const res = await app
        .http()
        .get('/api/reports/promotions')
        .query({ from: today, to: today })
        .set(auth(w.tokens.admin));
      expect(res.status).toBe(200);
      const flash = res.body.items.find((i: { id: string }) => i.id === fs.id);
      expect(flash).toMatchObject({
        kind: 'flash_sale',
        name: a,
        orders: 2,
        discountCents: 3 * 2000,
        gmvCents: 3 * 8000,
        newCustomers: 1,
        // 3 × (80.00 − 60.00) = 60.00 margin for 60.00 of discount
        grossMarginCents: 6000,
        roiBps: 10_000,
      });
      const promo = res.body.items.find((i: { id: string }) => i.id === p.id);
      expect(promo).toMatchObject({
        kind: 'promotion',
        orders: 1,
        discountCents: 1000,
        gmvCents: 9000,
        newCustomers: 1,
      });
      expect(promo.grossMarginCents).toBe(3000);
      expect(promo.roiBps).toBe(30_000);

      const managerB = await app
        .http()
        .get('/api/reports/promotions')
        .query({ from: today, to: today })
        .set(auth(w.tokens.managerB));
      expect(managerB.status).toBe(200);
      expect(managerB.body.items.find((i: { id: string }) => i.id === fs.id)).toBeUndefined();
      const csv = await app
        .http()
        .get('/api/reports/promotions')
        .query({ from: today, to: today, format: 'csv' })
        .set(auth(w.tokens.managerA));
      expect(csv.headers['content-type']).toMatch(/text\/csv/);
      expect(csv.text).toContain(fs.id);
    });
  });

  describe('scoping and validation', () => {
    it("managers make promotions in their own region; another region's is 404, the list is theirs", async () => {
      const mine = await promotion(
        { kind: 'amount_off', amountCents: 100, skus: ['NOPE-1'] },
        w.tokens.managerA,
      );
      const get = await app.http().get(`/api/promotions/${mine.id}`).set(auth(w.tokens.managerA));
      expect(get.body.regionId).toBe(w.regionA.id);
      const other = await app.http().get(`/api/promotions/${mine.id}`).set(auth(w.tokens.managerB));
      expect(other.status).toBe(404);
      const patch = await app
        .http()
        .patch(`/api/promotions/${mine.id}`)
        .set(auth(w.tokens.managerB))
        .send({ active: false });
      expect(patch.status).toBe(404);
      const coupons = await app
        .http()
        .post(`/api/promotions/${mine.id}/coupons`)
        .set(auth(w.tokens.managerB))
        .send({});
      expect(coupons.status).toBe(404);
      const elsewhere = await app.http().post('/api/promotions').set(auth(w.tokens.managerA)).send({
        name: 'x',
        kind: 'amount_off',
        amountCents: 100,
        regionId: w.regionB.id,
        startsAt: hourAgo(),
        endsAt: inADay(),
      });
      expect(elsewhere.status).toBe(404);
      const campusB = await app
        .http()
        .post('/api/promotions')
        .set(auth(w.tokens.managerA))
        .send({
          name: 'x',
          kind: 'amount_off',
          amountCents: 100,
          campusIds: [w.campusB1.id],
          startsAt: hourAgo(),
          endsAt: inADay(),
        });
      expect(campusB.status).toBe(404);
      const listB = await app.http().get('/api/promotions').set(auth(w.tokens.managerB));
      expect(listB.body.items.map((p: { id: string }) => p.id)).not.toContain(mine.id);
      const flashB = await app.http().post('/api/flash-sales').set(auth(w.tokens.managerB)).send({
        sku: w.skus.pen,
        priceCents: 100,
        quantity: 1,
        perCustomerLimit: 1,
        startsAt: hourAgo(),
        endsAt: inADay(),
      });
      expect(flashB.status).toBe(201);
      expect(flashB.body.regionId).toBe(w.regionB.id);
      const audit = await app
        .http()
        .get('/api/audit')
        .query({ entityId: mine.id })
        .set(auth(w.tokens.managerA));
      expect(audit.body.items.map((a: { action: string }) => a.action)).toContain('promotion.create');
    });

    it('bad input is a problem+json 400 naming the field', async () => {
      const bad = async (body: Record<string, unknown>, field: string, path = '/api/promotions') => {
        const named = path === '/api/promotions' ? { name: 'x' } : {};
        const res = await app
          .http()
          .post(path)
          .set(auth(w.tokens.admin))
          .send({ ...named, startsAt: hourAgo(), endsAt: inADay(), ...body });
        expect(res.status).toBe(400);
        expect(res.headers['content-type']).toMatch(/problem\+json/);
        expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
      };
      await bad({ kind: 'bogus' }, 'kind');
      await bad({ kind: 'percent_off' }, 'percentBps');
      await bad({ kind: 'percent_off', percentBps: 20000 }, 'percentBps');
      await bad({ kind: 'spend_and_save', amountCents: 100 }, 'thresholdCents');
      await bad({ kind: 'gift' }, 'giftSku');
      await bad({ kind: 'amount_off', amountCents: 100, endsAt: hourAgo(), startsAt: inADay() }, 'endsAt');
      await bad({ kind: 'amount_off', amountCents: 100, channels: ['fax'] }, 'channels');
      await bad({ kind: 'amount_off', amountCents: 100, startsAt: 'tomorrow' }, 'startsAt');
      const fsBody = { sku: w.skus.usb, quantity: 1, perCustomerLimit: 1 };
      await bad({ ...fsBody, priceCents: 999999 }, 'priceCents', '/api/flash-sales');
      await bad({ ...fsBody, priceCents: 100, perCustomerLimit: 0 }, 'perCustomerLimit', '/api/flash-sales');
      const p = await promotion({ kind: 'amount_off', amountCents: 100, skus: ['NOPE-2'] });
      const auto = await app
        .http()
        .post(`/api/promotions/${p.id}/coupons`)
        .set(auth(w.tokens.admin))
        .send({});
      expect(auto.status).toBe(422);
      expect(auto.body.code).toBe('promotion_not_coupon');
      const tooMany = await app
        .http()
        .post(`/api/promotions/${p.id}/coupons`)
        .set(auth(w.tokens.admin))
        .send({ count: 10001 });
      expect(tooMany.status).toBe(400);
      expect(tooMany.body.errors[0].field).toBe('count');
      const badCoupon = await place(order([{ sku: w.skus.usb, quantity: 1 }], { couponCode: 'a b' }));
      expect(badCoupon.status).toBe(400);
      expect(badCoupon.body.errors[0].field).toBe('couponCode');
    });
  });
});
