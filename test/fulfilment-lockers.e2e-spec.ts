import { randomUUID } from 'node:crypto';
import type { Fixtures, TestApp, World } from '@campus/testing';
import { eventually } from '@campus/testing';
import { auth, startApp } from './support/app';
import { FulfilmentDriver, newPhone, Site } from './support/fulfilment';

// The e2e project's testTimeout is not applied per project; these tests wait on the worker.
jest.setTimeout(60_000);

describe('Fulfilment: lockers and counters (e2e)', () => {
  let app: TestApp;
  let fx: Fixtures;
  let w: World;
  let d: FulfilmentDriver;

  beforeAll(async () => {
    ({ app, fx } = await startApp({ worker: true }));
    w = await fx.world();
    d = new FulfilmentDriver(app, fx, w);
  });
  afterAll(() => app?.close());

  const locker = async (id: string, token = w.tokens.admin) =>
    (await app.http().get(`/api/lockers/${id}`).set(auth(token))).body as {
      compartments: { id: string; label: string; size: string; state: string; orderId: string | null }[];
    };
  const stockOf = async (sku: string) =>
    (await app.http().get(`/api/products/${sku}`).set(auth(w.tokens.admin))).body.stock as {
      onHand: number;
      reserved: number;
    };

  /** A locker order keyed at the site's counter and paid there, taken out by its agent. */
  const paidLockerParcel = async (site: Site, phone: string, sku = w.skus.usb) => {
    const placed = await d.place(site.pickupStaff, d.lockerOrder(site, phone, 'counter', sku));
    expect(placed.status).toBe(201);
    const agent = await d.outForDelivery(placed.body.id, site);
    return { id: placed.body.id as string, number: placed.body.number as string, agent };
  };

  describe('the whole path of a locker order', () => {
    it('deposits into a compartment, texts a code, and the customer collects with it', async () => {
      const site = await d.site({ agents: 1 });
      const phone = newPhone();
      const sku = await fx.product(`LOCK-${randomUUID().slice(0, 6)}`, { stock: 10, priceCents: 2500 });
      const order = await paidLockerParcel(site, phone, sku);
      expect(await stockOf(sku)).toMatchObject({ onHand: 10, reserved: 1 });

      const work = await app.http().get('/api/fulfilment/work').set(auth(order.agent.token));
      expect(work.body.items[0]).toMatchObject({
        collectCents: 0,
        destination: {
          type: 'locker',
          pickupPoint: { id: site.point.id },
          lockers: [{ id: site.locker.id, free: { S: 2, M: 1, L: 1 } }],
        },
        nextActions: ['deposit'],
      });

      const dep = await d.post(order.agent.token, `/api/orders/${order.id}/deposit`, {
        lockerId: site.locker.id,
        size: 'M',
      });
      expect(dep.status).toBe(200);
      expect(dep.body).toMatchObject({
        status: 'awaiting_pickup',
        compartment: { label: 'M01' },
        parcel: { lockerId: site.locker.id, state: 'held' },
      });
      const compartmentId = dep.body.compartment.id;
      expect((await locker(site.locker.id)).compartments.find((c) => c.id === compartmentId)).toMatchObject({
        state: 'occupied',
        orderId: order.id,
      });

      // the code reaches the customer; only its hash is stored
      const code = await d.pickupCode(phone, order.id);
      const [text] = await d.texts(phone, 'pickup_code');
      expect(text.body).toContain(`-M01`);
      const stored = await app.sql<{ code_hash: string }>(
        `SELECT code_hash FROM parcels WHERE order_id = $1`,
        [order.id],
      );
      expect(stored[0].code_hash).toMatch(/^[0-9a-f]{64}$/);
      expect(stored[0].code_hash).not.toContain(code);

      // staff of the point see what waits in the locker
      const parcels = await app
        .http()
        .get(`/api/lockers/${site.locker.id}/parcels`)
        .set(auth(site.pickupStaff));
      expect(parcels.status).toBe(200);
      expect(parcels.body).toEqual([
        expect.objectContaining({
          orderId: order.id,
          compartment: expect.objectContaining({ label: 'M01' }),
        }),
      ]);

      // the customer signs in and opens the compartment with the code
      const customer = await fx.customer(phone);
      const picked = await d.post(customer.token, `/api/lockers/${site.locker.id}/pickup`, { code });
      expect(picked.status).toBe(200);
      expect(picked.body).toMatchObject({
        status: 'delivered',
        compartment: { id: compartmentId, label: 'M01' },
      });
      expect((await locker(site.locker.id)).compartments.find((c) => c.id === compartmentId)).toMatchObject({
        state: 'free',
        orderId: null,
      });
      expect(await stockOf(sku)).toMatchObject({ onHand: 9, reserved: 0 });
      const again = await d.post(customer.token, `/api/lockers/${site.locker.id}/pickup`, { code });
      expect(again.status).toBe(422);

      await d.completed(order.id);
      const events = await d.events(order.id);
      expect(events.map((e) => e.type)).toEqual([
        'placed',
        'assign',
        'dispatch',
        'deposit',
        'pickup',
        'complete',
      ]);
      expect(events[3]).toMatchObject({
        fromStatus: 'out_for_delivery',
        toStatus: 'awaiting_pickup',
        actor: { id: order.agent.id, role: 'agent' },
        data: { lockerId: site.locker.id, compartmentId, compartmentLabel: 'M01', size: 'M' },
      });
      expect(events[4]).toMatchObject({
        toStatus: 'delivered',
        actor: { id: customer.id, role: 'customer' },
        data: { lockerId: site.locker.id, compartmentLabel: 'M01', collectedBy: 'customer' },
      });
      const timers = await app.sql<{ kind: string; hour: number; hours: number }>(
        `SELECT payload->>'kind' AS kind, (payload->>'hour')::int AS hour,
                round(extract(epoch FROM available_at - created_at) / 3600)::int AS hours
           FROM outbox WHERE aggregate_id = $1 AND event_type = 'parcel.timer' ORDER BY available_at`,
        [order.id],
      );
      expect(timers).toEqual([
        { kind: 'reminder', hour: 24, hours: 24 },
        { kind: 'reminder', hour: 48, hours: 48 },
        { kind: 'expiry', hour: 72, hours: 72 },
      ]);
      await eventually(async () => (await d.texts(phone, 'delivered'))[0]);
    });

    it('a COD parcel is paid to the pickup staff, who collect it with the cash; customers cannot self-collect it', async () => {
      const site = await d.site({ agents: 1 });
      const phone = newPhone();
      const order = await d.order(d.lockerOrder(site, phone, 'cod'));
      const agent = await d.outForDelivery(order.id, site);
      await d.post(agent.token, `/api/orders/${order.id}/deposit`, { lockerId: site.locker.id }).expect(200);
      const code = await d.pickupCode(phone, order.id);

      const customer = await fx.customer(phone);
      const self = await d.post(customer.token, `/api/lockers/${site.locker.id}/pickup`, { code });
      expect(self.status).toBe(422);
      expect(self.body.code).toBe('cod_pay_at_counter');
      const otherPoint = await d.post(w.tokens.pickupA1, `/api/lockers/${site.locker.id}/pickup`, {
        code,
        codCollectedCents: 3900,
      });
      expect(otherPoint.status).toBe(404);
      const wrongCash = await d.post(site.pickupStaff, `/api/lockers/${site.locker.id}/pickup`, {
        code,
        phone,
        codCollectedCents: 3000,
      });
      expect(wrongCash.status).toBe(422);
      expect(wrongCash.body.code).toBe('cod_amount_mismatch');
      const ok = await d.post(site.pickupStaff, `/api/lockers/${site.locker.id}/pickup`, {
        code,
        phone,
        codCollectedCents: 3900,
      });
      expect(ok.status).toBe(200);
      expect(ok.body).toMatchObject({ status: 'delivered', codCollectedCents: 3900 });
      const ledger = await app.sql(
        `SELECT agent_id, pickup_point_id, amount_cents FROM cod_ledger WHERE order_id = $1`,
        [order.id],
      );
      expect(ledger).toEqual([{ agent_id: null, pickup_point_id: site.point.id, amount_cents: '3900' }]);
    });
  });

  describe('compartment allocation', () => {
    it('takes the requested size or the smallest that fits, skips out-of-service ones, and is 409 when none fits', async () => {
      const site = await d.site({ agents: 1, compartments: { S: 2, M: 1, L: 1 } });
      const deposit = async (size?: string) => {
        const o = await paidLockerParcel(site, newPhone());
        const res = await d.post(o.agent.token, `/api/orders/${o.id}/deposit`, {
          lockerId: site.locker.id,
          ...(size ? { size } : {}),
        });
        return { order: o, res };
      };
      const label = (r: { res: { body: { compartment?: { label: string } } } }) =>
        r.res.body.compartment?.label;
      const comps = (await locker(site.locker.id)).compartments;
      const byLabel = (l: string) => comps.find((c) => c.label === l)!.id;

      expect(label(await deposit('M'))).toBe('M01');
      expect(label(await deposit('M'))).toBe('L01');
      const full = await deposit('M');
      expect(full.res.status).toBe(409);
      expect(full.res.body).toMatchObject({ code: 'no_free_compartment', sizes: ['M', 'L'] });
      expect((await d.get(full.order.id)).status).toBe('out_for_delivery');

      const path = (label: string) => `/api/lockers/${site.locker.id}/compartments/${byLabel(label)}`;
      const oos = await app
        .http()
        .patch(path('S01'))
        .set(auth(w.tokens.managerA))
        .send({ state: 'out_of_service' });
      expect(oos.status).toBe(200);
      expect(oos.body).toMatchObject({ label: 'S01', state: 'out_of_service' });
      expect(label(await deposit())).toBe('S02');
      expect((await deposit()).res.status).toBe(409);
      await app.http().patch(path('S01')).set(auth(w.tokens.admin)).send({ state: 'free' }).expect(200);
      expect(label(await deposit())).toBe('S01');

      const occupied = await app
        .http()
        .patch(path('M01'))
        .set(auth(w.tokens.managerA))
        .send({ state: 'out_of_service' });
      expect(occupied.status).toBe(409);
      expect(occupied.body.code).toBe('compartment_occupied');
      expect(
        (await app.http().patch(path('M01')).set(auth(w.tokens.managerB)).send({ state: 'out_of_service' }))
          .status,
      ).toBe(404);
      expect(
        (
          await app
            .http()
            .patch(path('M01'))
            .set(auth(site.agents[0].token))
            .send({ state: 'out_of_service' })
        ).status,
      ).toBe(403);
      expect(
        (await app.http().patch(path('M01')).set(auth(w.tokens.managerA)).send({ state: 'occupied' })).status,
      ).toBe(400);
      expect(
        (await locker(site.locker.id, w.tokens.managerA)).compartments.map((c) => `${c.label}:${c.state}`),
      ).toEqual(['L01:occupied', 'M01:occupied', 'S01:occupied', 'S02:occupied']);
    });

    it('deposits only at the order’s own pickup point, into a locker the agent may use', async () => {
      const site = await d.site({ agents: 1 });
      const elsewhere = await fx.post<{ id: string }>(w.tokens.admin, '/api/pickup-points', {
        code: `ELSE${randomUUID().slice(0, 6)}`.toUpperCase(),
        name: 'Library',
        campusId: site.campus.id,
      });
      const otherLocker = await fx.post<{ id: string }>(w.tokens.admin, '/api/lockers', {
        code: `EL${randomUUID().slice(0, 6)}`.toUpperCase(),
        pickupPointId: elsewhere.id,
        compartments: { S: 1 },
      });
      const o = await paidLockerParcel(site, newPhone());
      const wrongPoint = await d.post(o.agent.token, `/api/orders/${o.id}/deposit`, {
        lockerId: otherLocker.id,
      });
      expect(wrongPoint.status).toBe(422);
      expect(wrongPoint.body.code).toBe('wrong_pickup_point');
      const otherCampus = await d.post(o.agent.token, `/api/orders/${o.id}/deposit`, {
        lockerId: w.lockerA1.id,
      });
      expect(otherCampus.status).toBe(404);
      const noLocker = await d.post(o.agent.token, `/api/orders/${o.id}/deposit`, {});
      expect(noLocker.status).toBe(400);
      expect(noLocker.body.errors[0].field).toBe('lockerId');
      const badSize = await d.post(o.agent.token, `/api/orders/${o.id}/deposit`, {
        lockerId: site.locker.id,
        size: 'XL',
      });
      expect(badSize.status).toBe(400);
      const notMine = await d.post(w.agentA1.token, `/api/orders/${o.id}/deposit`, {
        lockerId: site.locker.id,
      });
      expect(notMine.status).toBe(404);
    });

    it('100 concurrent deposits into a locker with 50 free compartments: exactly 50 succeed, none shared', async () => {
      const site = await d.site({ agents: 1, compartments: { S: 20, M: 20, L: 10 } });
      const [agent] = site.agents;
      const sku = await fx.product(`RUSH-${randomUUID().slice(0, 6)}`, { stock: 200, priceCents: 100 });
      const orders = await Promise.all(
        Array.from({ length: 100 }, () => d.order(d.lockerOrder(site, newPhone(), 'cod', sku))),
      );
      await eventually(async () => {
        const mine = await app
          .http()
          .get('/api/orders')
          .query({ assignedAgentId: 'me', status: 'assigned', limit: 200 })
          .set(auth(agent.token));
        return mine.body.items.length === 100;
      }, 30_000);
      const dispatched = await Promise.all(
        orders.map((o) => d.post(agent.token, `/api/orders/${o.id}/dispatch`)),
      );
      expect(dispatched.every((r) => r.status === 200)).toBe(true);

      const results = await Promise.all(
        orders.map((o) => d.post(agent.token, `/api/orders/${o.id}/deposit`, { lockerId: site.locker.id })),
      );
      const ok = results.filter((r) => r.status === 200);
      const refused = results.filter((r) => r.status === 409);
      expect(ok).toHaveLength(50);
      expect(refused).toHaveLength(50);
      expect(refused.every((r) => r.body.code === 'no_free_compartment')).toBe(true);
      expect(new Set(ok.map((r) => r.body.compartment.id)).size).toBe(50);

      const held = await app.sql<{ compartments: number; orders: number; occupied: number }>(
        `SELECT count(DISTINCT p.compartment_id)::int AS compartments, count(DISTINCT p.order_id)::int AS orders,
                (SELECT count(*)::int FROM compartments WHERE locker_id = $1 AND state = 'occupied') AS occupied
           FROM parcels p WHERE p.locker_id = $1 AND p.state = 'held'`,
        [site.locker.id],
      );
      expect(held[0]).toEqual({ compartments: 50, orders: 50, occupied: 50 });
      const mismatched = await app.sql(
        `SELECT 1 FROM parcels p JOIN compartments c ON c.id = p.compartment_id
          WHERE p.locker_id = $1 AND p.state = 'held' AND c.order_id IS DISTINCT FROM p.order_id`,
        [site.locker.id],
      );
      expect(mismatched).toEqual([]);
      const statuses = await Promise.all(refused.map((r) => d.get(r.body.instance.split('/')[3])));
      expect(statuses.every((o) => o.status === 'out_for_delivery')).toBe(true);
    }, 120_000);
  });

  describe('wrong pickup codes', () => {
    it('five wrong tries naming a parcel lock that parcel for 15 minutes (429); other parcels still open', async () => {
      const site = await d.site({ agents: 1 });
      const victim = newPhone();
      const neighbour = newPhone();
      const a = await paidLockerParcel(site, victim);
      await d.post(a.agent.token, `/api/orders/${a.id}/deposit`, { lockerId: site.locker.id }).expect(200);
      const b = await paidLockerParcel(site, neighbour);
      await d.post(b.agent.token, `/api/orders/${b.id}/deposit`, { lockerId: site.locker.id }).expect(200);
      const codeA = await d.pickupCode(victim, a.id);
      const codeB = await d.pickupCode(neighbour, b.id);
      const wrong = codeA === '000000' ? '000001' : '000000';
      const path = `/api/lockers/${site.locker.id}/pickup`;

      const malformed = await d.post(site.pickupStaff, path, { code: '12345', phone: victim });
      expect(malformed.status).toBe(400);
      for (let i = 1; i <= 5; i++) {
        const res = await d.post(site.pickupStaff, path, { code: wrong, phone: victim });
        expect(res.status).toBe(422);
        expect(res.body).toMatchObject({ code: 'wrong_pickup_code', triesLeft: 5 - i });
      }
      const locked = await d.post(site.pickupStaff, path, { code: codeA, phone: victim });
      expect(locked.status).toBe(429);
      expect(locked.body.code).toBe('pickup_locked');
      expect(Number(locked.headers['retry-after'])).toBeGreaterThan(14 * 60);
      expect(Number(locked.headers['retry-after'])).toBeLessThanOrEqual(15 * 60);
      expect((await d.get(a.id)).status).toBe('awaiting_pickup');

      const other = await d.post(site.pickupStaff, path, { code: codeB, phone: neighbour });
      expect(other.status).toBe(200);
      expect(other.body.status).toBe('delivered');
    });

    it('without a phone, five wrong tries lock that caller at that locker', async () => {
      const site = await d.site({ agents: 1 });
      const phone = newPhone();
      const o = await paidLockerParcel(site, phone);
      await d.post(o.agent.token, `/api/orders/${o.id}/deposit`, { lockerId: site.locker.id }).expect(200);
      const code = await d.pickupCode(phone, o.id);
      const guesser = await fx.customer(newPhone());
      const owner = await fx.customer(phone);
      const path = `/api/lockers/${site.locker.id}/pickup`;
      const wrong = code === '999999' ? '999998' : '999999';

      for (let i = 0; i < 5; i++)
        expect((await d.post(guesser.token, path, { code: wrong })).status).toBe(422);
      // even the right code is refused to this caller now (the guesser cannot probe on)
      const blocked = await d.post(guesser.token, path, { code });
      expect(blocked.status).toBe(429);
      // a customer cannot open someone else's parcel with its code either (it is not theirs)
      expect((await d.get(o.id)).status).toBe('awaiting_pickup');
      // another caller at the same locker is not affected
      const res = await d.post(owner.token, path, { code });
      expect(res.status).toBe(200);
    });

    it('a customer’s right code for someone else’s parcel counts as wrong', async () => {
      const site = await d.site({ agents: 1 });
      const phone = newPhone();
      const o = await paidLockerParcel(site, phone);
      await d.post(o.agent.token, `/api/orders/${o.id}/deposit`, { lockerId: site.locker.id }).expect(200);
      const code = await d.pickupCode(phone, o.id);
      const stranger = await fx.customer(newPhone());
      const res = await d.post(stranger.token, `/api/lockers/${site.locker.id}/pickup`, { code });
      expect(res.status).toBe(422);
      expect(res.body).toMatchObject({ code: 'wrong_pickup_code', triesLeft: 4 });
      expect((await d.get(o.id)).status).toBe('awaiting_pickup');
    });
  });

  describe('counter fulfilment', () => {
    it('an agent brings the order to the counter; the counter staff hand it out against the code', async () => {
      const site = await d.site({ agents: 1 });
      const phone = newPhone();
      const order = await d.order({
        customer: { phone },
        lines: [{ sku: w.skus.pen, quantity: 2 }],
        fulfillment: { type: 'counter', pickupPointId: site.point.id },
        paymentMethod: 'cod',
      });
      const agent = await d.outForDelivery(order.id, site);
      const withLocker = await d.post(agent.token, `/api/orders/${order.id}/deposit`, {
        lockerId: site.locker.id,
      });
      expect(withLocker.status).toBe(400);
      const dep = await d.post(agent.token, `/api/orders/${order.id}/deposit`, {});
      expect(dep.status).toBe(200);
      expect(dep.body).toMatchObject({
        status: 'awaiting_pickup',
        compartment: null,
        parcel: { lockerId: null },
      });
      const code = await d.pickupCode(phone, order.id);

      const waiting = await app
        .http()
        .get(`/api/pickup-points/${site.point.id}/parcels`)
        .set(auth(site.pickupStaff));
      expect(waiting.body.map((p: { orderId: string }) => p.orderId)).toEqual([order.id]);
      const customer = await fx.customer(phone);
      const path = `/api/pickup-points/${site.point.id}/pickup`;
      expect((await d.post(customer.token, path, { code })).status).toBe(403);
      expect((await d.post(w.tokens.pickupA1, path, { code, codCollectedCents: 1000 })).status).toBe(404);
      // the counter code does not open the locker
      expect((await d.post(site.pickupStaff, `/api/lockers/${site.locker.id}/pickup`, { code })).status).toBe(
        422,
      );

      const res = await d.post(site.pickupStaff, path, { code, codCollectedCents: 1000 });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ status: 'delivered', compartment: null, codCollectedCents: 1000 });
      await d.completed(order.id);
      const events = await d.events(order.id);
      expect(events.map((e) => e.type)).toEqual([
        'placed',
        'assign',
        'dispatch',
        'deposit',
        'pickup',
        'complete',
      ]);
      expect(events[4]).toMatchObject({
        actor: { role: 'pickup_staff' },
        data: { pickupPointId: site.point.id, lockerId: null, collectedBy: 'pickup_staff' },
      });
    });

    it('the counter staff may record receiving a counter parcel from the agent (but not fill lockers)', async () => {
      const site = await d.site({ agents: 1 });
      const phone = newPhone();
      const counter = await d.order({
        customer: { phone },
        lines: [{ sku: w.skus.pen, quantity: 1 }],
        fulfillment: { type: 'counter', pickupPointId: site.point.id },
        paymentMethod: 'cod',
      });
      await d.outForDelivery(counter.id, site);
      const received = await d.post(site.pickupStaff, `/api/orders/${counter.id}/deposit`, {});
      expect(received.status).toBe(200);
      expect((await d.events(counter.id)).at(-1)).toMatchObject({
        type: 'deposit',
        actor: { role: 'pickup_staff' },
      });
      const lockerOrder = await d.order(d.lockerOrder(site, newPhone()));
      await d.outForDelivery(lockerOrder.id, site);
      const refused = await d.post(site.pickupStaff, `/api/orders/${lockerOrder.id}/deposit`, {
        lockerId: site.locker.id,
      });
      expect(refused.status).toBe(422);
      expect(refused.body.code).toBe('wrong_fulfilment');
    });

    it('a counter sale keyed at the counter is not sent to an agent and is handed over at once', async () => {
      const site = await d.site({ agents: 1 });
      const sale = await d.place(site.pickupStaff, {
        customer: { phone: newPhone() },
        lines: [{ sku: w.skus.pen, quantity: 1 }],
        fulfillment: { type: 'counter', pickupPointId: site.point.id },
        paymentMethod: 'counter',
      });
      expect(sale.status).toBe(201);
      // a later order on the same campus is assigned, so the worker has seen the sale by then
      const later = await d.order(d.doorOrder(site.campus.id, newPhone()));
      await d.assigned(later.id);
      expect(await d.get(sale.body.id)).toMatchObject({ status: 'confirmed', assignedAgentId: null });

      expect((await d.post(site.agents[0].token, `/api/orders/${sale.body.id}/hand-over`)).status).toBe(403);
      expect((await d.post(w.tokens.pickupA1, `/api/orders/${sale.body.id}/hand-over`)).status).toBe(404);
      const res = await d.post(site.pickupStaff, `/api/orders/${sale.body.id}/hand-over`);
      expect(res.status).toBe(200);
      expect(res.body.status).toBe('delivered');
      await d.completed(sale.body.id);
      expect((await d.events(sale.body.id)).map((e) => e.type)).toEqual(['placed', 'hand_over', 'complete']);

      const lockerSale = await d.place(site.pickupStaff, d.lockerOrder(site, newPhone(), 'counter'));
      const refused = await d.post(site.pickupStaff, `/api/orders/${lockerSale.body.id}/hand-over`);
      expect(refused.status).toBe(422);
      expect(refused.body.code).toBe('not_a_counter_sale');
    });
  });
});
