import { randomBytes, randomUUID } from 'node:crypto';
import twilio from 'twilio';
import { QueueName, QueueRegistry } from '@campus/queue';
import type { Fixtures, TestApp, World } from '@campus/testing';
import { eventually } from '@campus/testing';
import { auth, startApp } from './support/app';
import { FulfilmentDriver, newPhone, Site } from './support/fulfilment';

// These tests wait on the worker (assignment, texts, alerts).
jest.setTimeout(90_000);

interface Problem {
  code: string;
  errors?: { field: string; message: string }[];
}

/** Today in Asia/Shanghai (the cash-up's day). */
const shanghaiToday = () => new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);

/**
 * The desks of issue 15 through the HTTP API, with the worker running: finding an order by number,
 * the pickup desk's waiting parcels, replacement codes and daily cash-up, texts and alerts to staff,
 * the agent's "new work" badge, and the order timeline with its texts. Every new route is checked
 * for scope (another region's → 404) and validation (problem+json naming the field).
 */
describe('Desks: pickup desk, call centre, agents, alerts (e2e)', () => {
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

  const get = (token: string, path: string, query: Record<string, unknown> = {}) =>
    app.http().get(path).query(query).set(auth(token));

  const expectProblem = (
    res: { status: number; body: Problem; headers: Record<string, string> },
    status: number,
  ) => {
    expect(res.status).toBe(status);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  };

  const fields = (res: { body: Problem }) => (res.body.errors ?? []).map((e) => e.field).sort();

  /** A counter parcel waiting at the site's counter: placed by the call centre, deposited by its agent. */
  async function counterParcel(site: Site, phone: string, paymentMethod = 'cod') {
    const order = await d.order({
      customer: { phone, name: 'Han Meimei' },
      lines: [{ sku: w.skus.pen, quantity: 2 }],
      fulfillment: { type: 'counter', pickupPointId: site.point.id },
      paymentMethod,
    });
    const agent = await d.outForDelivery(order.id, site);
    const dep = await d.post(agent.token, `/api/orders/${order.id}/deposit`, {});
    expect(dep.status).toBe(200);
    return { ...order, agent };
  }

  async function lockerParcel(site: Site, phone: string, paymentMethod = 'cod') {
    // Paid at the counter: keyed by the point's own staff; otherwise by the call centre.
    const placed = await d.place(
      paymentMethod === 'counter' ? site.pickupStaff : w.tokens.callCenter,
      d.lockerOrder(site, phone, paymentMethod),
    );
    expect(placed.status).toBe(201);
    const order = placed.body as { id: string; number: string; totalCents: number };
    const agent = await d.outForDelivery(order.id, site);
    const dep = await d.post(agent.token, `/api/orders/${order.id}/deposit`, { lockerId: site.locker.id });
    expect(dep.status).toBe(200);
    return { ...order, agent, label: dep.body.compartment.label as string };
  }

  /** The texts to `to` with `template` that mention `needle`, oldest first (from the message log). */
  const textsAbout = async (to: string, template: string, needle: string) =>
    (await d.texts(to, template)).filter((t) => t.body.includes(needle)).reverse();
  /** Code texts as the customer's phone shows them (the log masks codes: issue 17.2), oldest first. */
  const codeTextsAbout = async (to: string, template: string, needle: string) =>
    (await fx.codeTexts(to, template)).filter((t) => t.text.includes(needle)).reverse();

  const agentPhone = async (agentId: string) =>
    (await get(w.tokens.admin, `/api/agents/${agentId}`)).body.phone as string;

  /** Redelivers every outbox row matching `where` to every queue that consumes it, under fresh job ids. */
  async function redeliver(where: string, params: unknown[]): Promise<number> {
    const rows = await app.sql<{ id: string; event_type: string; payload: object }>(
      `SELECT id, event_type, payload FROM outbox WHERE ${where} ORDER BY id`,
      params,
    );
    const registry = app.worker!.get(QueueRegistry);
    const subscribers: Record<string, QueueName[]> = {
      'order.placed': [QueueName.Notifications, QueueName.Fulfilment],
      'order.status_changed': [QueueName.Notifications, QueueName.Fulfilment, QueueName.Tasks],
    };
    for (const row of rows) {
      for (const queue of subscribers[row.event_type] ?? []) {
        const job = await registry
          .get(queue)
          .add(
            row.event_type,
            { outboxId: String(row.id), type: row.event_type, payload: row.payload },
            { jobId: `redelivery-${queue}-${row.id}-${randomUUID()}`, removeOnComplete: false },
          );
        await job.finished();
      }
    }
    return rows.length;
  }

  /** An inbound text as Twilio posts it, signed with the auth token against PUBLIC_BASE_URL. */
  async function textIn(from: string, body: string) {
    const sid = `SM${randomBytes(16).toString('hex')}`;
    const params: Record<string, string> = {
      MessageSid: sid,
      SmsSid: sid,
      AccountSid: `AC${'0'.repeat(32)}`,
      From: from,
      To: '+8613912345678',
      Body: body,
      NumMedia: '0',
    };
    const path = '/api/channels/sms/twilio';
    const signature = twilio.getExpectedTwilioSignature(
      app.config.twilio.authToken!,
      `${app.config.publicBaseUrl}${path}`,
      params,
    );
    const res = await app.http().post(path).type('form').set('X-Twilio-Signature', signature).send(params);
    expect(res.status).toBe(200);
  }

  describe('GET /api/orders?number= (call centre: find by the number the customer reads out)', () => {
    it('finds exactly one order by its number for every role within scope, nothing outside it', async () => {
      const phone = newPhone();
      const customer = await fx.customer(phone);
      const placed = await d.place(w.tokens.callCenter, {
        customer: { phone },
        lines: [{ sku: w.skus.pen, quantity: 1 }],
        fulfillment: { type: 'locker', pickupPointId: w.pointA1.id },
        paymentMethod: 'online',
      });
      expect(placed.status).toBe(201);
      const { id, number } = placed.body as { id: string; number: string };
      const numbers = async (token: string, q: string = number) =>
        ((await get(token, '/api/orders', { number: q })).body.items as { id: string }[]).map((o) => o.id);
      for (const token of [w.tokens.callCenter, w.tokens.admin, w.tokens.managerA, customer.token]) {
        expect(await numbers(token)).toEqual([id]);
      }
      // spaces as read out are ignored; a prefix is not a match
      expect(await numbers(w.tokens.callCenter, `${number.slice(0, 6)} ${number.slice(6)}`)).toEqual([id]);
      expect(await numbers(w.tokens.callCenter, number.slice(0, -1))).toEqual([]);
      // out of scope: another region's manager, another customer, an agent not on it, another point
      const stranger = await fx.customer(newPhone());
      for (const token of [w.tokens.managerB, stranger.token, w.agentB1.token, w.tokens.pickupB1]) {
        expect(await numbers(token)).toEqual([]);
      }
      const bad = await get(w.tokens.callCenter, '/api/orders', { number: 'CO-123' });
      expectProblem(bad, 400);
      expect(fields(bad)).toEqual(['number']);
    });
  });

  describe('the pickup desk', () => {
    it('lists every parcel waiting at the point (lockers and counter) with masked phone, compartment, age and COD', async () => {
      const site = await d.site({ agents: 1 });
      const lockerPhone = newPhone();
      const inLocker = await lockerParcel(site, lockerPhone, 'cod');
      const counter = await counterParcel(site, newPhone(), 'cod');

      const res = await get(site.pickupStaff, `/api/pickup-points/${site.point.id}/parcels`, {
        state: 'waiting',
      });
      expect(res.status).toBe(200);
      const byOrder = new Map((res.body as { orderId: string }[]).map((p) => [p.orderId, p]));
      expect([...byOrder.keys()].sort()).toEqual([inLocker.id, counter.id].sort());
      expect(byOrder.get(inLocker.id)).toMatchObject({
        orderNumber: inLocker.number,
        lockerId: site.locker.id,
        lockerCode: site.locker.code,
        compartment: { label: inLocker.label },
        maskedPhone: `${lockerPhone.slice(0, 6)}****${lockerPhone.slice(-4)}`,
        paymentMethod: 'cod',
        collectCents: inLocker.totalCents,
        codeResendsLeft: 3,
        state: 'held',
      });
      expect(byOrder.get(counter.id)).toMatchObject({
        lockerId: null,
        compartment: null,
        collectCents: 1000,
      });
      expect(JSON.stringify(res.body)).not.toContain(lockerPhone);

      // the region's manager and admins see it; another point's staff and another region's manager do not
      expect((await get(w.tokens.managerA, `/api/pickup-points/${site.point.id}/parcels`)).status).toBe(200);
      expectProblem(await get(w.tokens.managerB, `/api/pickup-points/${site.point.id}/parcels`), 404);
      expectProblem(await get(w.tokens.pickupA1, `/api/pickup-points/${site.point.id}/parcels`), 404);
      const bad = await get(site.pickupStaff, `/api/pickup-points/${site.point.id}/parcels`, {
        state: 'gone',
      });
      expectProblem(bad, 400);
      expect(fields(bad)).toEqual(['state']);
    });

    it('re-sends a pickup code: the new one opens the parcel, the old one no longer does; 3 a day, then 429', async () => {
      const site = await d.site({ agents: 1 });
      const phone = newPhone();
      const parcel = await lockerParcel(site, phone, 'counter');
      const oldCode = await d.pickupCode(phone, parcel.id);
      const path = `/api/parcels/${parcel.id}/resend-code`;

      // out of scope: another point's staff, another customer → 404; agents may not → 403
      expectProblem(await d.post(w.tokens.pickupA1, path), 404);
      expectProblem(await d.post((await fx.customer(newPhone())).token, path), 404);
      expect((await d.post(parcel.agent.token, path)).status).toBe(403);
      const badId = await d.post(site.pickupStaff, '/api/parcels/not-a-uuid/resend-code');
      expectProblem(badId, 400);
      expect(fields(badId)).toEqual(['orderId']);

      const first = await d.post(site.pickupStaff, path);
      expect(first.status).toBe(200);
      expect(first.body).toMatchObject({ orderId: parcel.id, orderNumber: parcel.number, resendsLeft: 2 });
      expect(first.body.sentTo).not.toContain(phone.slice(5, 9));
      const texts = await codeTextsAbout(phone, 'pickup_code', parcel.number);
      expect(texts).toHaveLength(2);
      const newCode = texts[1].text.match(/(?<!\d)\d{6}(?!\d)/)![0];
      expect(newCode).not.toBe(oldCode);
      // stored hashed: neither code is in the table
      const [row] = await app.sql<{ code_hash: string; code_resends: number }>(
        `SELECT code_hash, code_resends FROM parcels WHERE order_id = $1`,
        [parcel.id],
      );
      expect(row.code_hash).not.toContain(newCode);
      expect(row.code_resends).toBe(1);

      // the call centre and the customer may re-send too; the fourth of the day is refused
      expect((await d.post(w.tokens.callCenter, path)).status).toBe(200);
      const customer = await fx.customer(phone);
      expect((await d.post(customer.token, path)).status).toBe(200);
      const limited = await d.post(site.pickupStaff, path);
      expectProblem(limited, 429);
      expect(limited.body.code).toBe('code_resend_limit');
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
      expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(24 * 3600);
      const latest = (await codeTextsAbout(phone, 'pickup_code', parcel.number)).at(-1)!;
      expect(await textsAbout(phone, 'pickup_code', parcel.number)).toHaveLength(4);
      const latestCode = latest.text.match(/(?<!\d)\d{6}(?!\d)/)![0];

      // the old codes fail, the latest opens the compartment
      const pickup = `/api/lockers/${site.locker.id}/pickup`;
      for (const stale of new Set([oldCode, newCode].filter((c) => c !== latestCode))) {
        const wrong = await d.post(site.pickupStaff, pickup, { code: stale });
        expect(wrong.status).toBe(422);
        expect(wrong.body.code).toBe('wrong_pickup_code');
      }
      const ok = await d.post(site.pickupStaff, pickup, { code: latestCode });
      expect(ok.status).toBe(200);
      expect(ok.body).toMatchObject({ status: 'delivered', compartment: { label: parcel.label } });

      // on the timeline; audited for staff; a collected parcel has no code to re-send
      const events = await d.events(parcel.id);
      expect(events.filter((e) => e.type === 'pickup_code_resent')).toHaveLength(3);
      const [{ id: parcelId }] = await app.sql<{ id: string }>(`SELECT id FROM parcels WHERE order_id = $1`, [
        parcel.id,
      ]);
      // the pickup clerk's and the call centre's are staff changes; the customer's own is not
      expect(
        await app.sql(`SELECT 1 FROM audit_log WHERE action = 'parcel.code_resent' AND entity_id = $1`, [
          parcelId,
        ]),
      ).toHaveLength(2);
      const after = await d.post(site.pickupStaff, path);
      expectProblem(after, 409);
      expect(after.body.code).toBe('parcel_not_waiting');
    });

    it('cash-up: collected (COD at hand-out, counter sales), handed in, the difference; closed once; seen by the region’s manager', async () => {
      const site = await d.site({ agents: 1 });
      const day = shanghaiToday();
      const base = `/api/pickup-points/${site.point.id}/cash-ups/${day}`;
      // 1. a COD counter parcel handed out with the cash
      const phone = newPhone();
      const parcel = await counterParcel(site, phone, 'cod');
      const code = await d.pickupCode(phone, parcel.id);
      const handed = await d.post(site.pickupStaff, `/api/pickup-points/${site.point.id}/pickup`, {
        code,
        codCollectedCents: parcel.totalCents,
      });
      expect(handed.status).toBe(200);
      // 2. a counter sale paid at the counter
      const sale = await d.place(site.pickupStaff, {
        customer: { phone: newPhone() },
        lines: [{ sku: w.skus.usb, quantity: 1 }],
        fulfillment: { type: 'counter', pickupPointId: site.point.id },
        paymentMethod: 'counter',
      });
      expect(sale.status).toBe(201);

      const open = await get(site.pickupStaff, base);
      expect(open.status).toBe(200);
      expect(open.body).toMatchObject({
        id: null,
        status: 'open',
        day,
        collectedCents: 1000 + 3900,
        refundedCents: 0,
        handedInCents: 0,
        expectedCents: 4900,
        differenceCents: -4900,
      });
      expect(
        open.body.collections.map((c: { kind: string; orderNumber: string }) => [c.kind, c.orderNumber]),
      ).toEqual(
        expect.arrayContaining([
          ['cod', parcel.number],
          ['counter_sale', sale.body.number],
        ]),
      );

      // validation names the field; other points' staff, managers and agents may not write
      const zero = await d.post(site.pickupStaff, `${base}/hand-ins`, { amountCents: 0, note: 'x' });
      expectProblem(zero, 400);
      expect(fields(zero)).toEqual(['amountCents']);
      const noNote = await d.post(site.pickupStaff, `${base}/hand-ins`, { amountCents: 100 });
      expect(fields(noNote)).toEqual(['note']);
      const badDay = await get(site.pickupStaff, `/api/pickup-points/${site.point.id}/cash-ups/2026-02-30`);
      expectProblem(badDay, 400);
      expect(fields(badDay)).toEqual(['day']);
      const future = await d.post(
        site.pickupStaff,
        `/api/pickup-points/${site.point.id}/cash-ups/2999-01-01/close`,
      );
      expectProblem(future, 400);
      expect(fields(future)).toEqual(['day']);
      expectProblem(
        await d.post(w.tokens.pickupA1, `${base}/hand-ins`, { amountCents: 100, note: 'x' }),
        404,
      );
      expect((await d.post(w.tokens.managerA, `${base}/close`)).status).toBe(403);

      // 3. hand in less than collected, then close: the difference is frozen
      const h1 = await d.post(site.pickupStaff, `${base}/hand-ins`, {
        amountCents: 4000,
        note: 'to manager Wang',
      });
      expect(h1.status).toBe(201);
      const h2 = await d.post(site.pickupStaff, `${base}/hand-ins`, { amountCents: 800, note: 'bag 0412' });
      expect(h2.body).toMatchObject({ handedInCents: 4800, differenceCents: -100 });
      const closed = await d.post(site.pickupStaff, `${base}/close`, { note: 'counted twice, ¥1 short' });
      expect(closed.status).toBe(200);
      expect(closed.body).toMatchObject({
        status: 'closed',
        collectedCents: 4900,
        handedInCents: 4800,
        differenceCents: -100,
        closeNote: 'counted twice, ¥1 short',
        changedSinceClose: false,
      });
      expect(closed.body.handIns.map((h: { note: string }) => h.note)).toEqual([
        'to manager Wang',
        'bag 0412',
      ]);
      const again = await d.post(site.pickupStaff, `${base}/close`);
      expectProblem(again, 409);
      expect(again.body.code).toBe('cash_up_closed');
      expectProblem(
        await d.post(site.pickupStaff, `${base}/hand-ins`, { amountCents: 100, note: 'late' }),
        409,
      );
      // the hand-ins are append-only, the close is audited
      await expect(app.sql(`UPDATE cash_hand_ins SET amount_cents = 1`)).rejects.toThrow(/append-only/);
      expect(
        await app.sql(
          `SELECT 1 FROM audit_log WHERE action IN ('cash_up.close', 'cash_up.hand_in') AND entity_id = $1`,
          [closed.body.id],
        ),
      ).toHaveLength(3);

      // the region's manager sees it (list + detail); another region's manager does not
      const list = await get(w.tokens.managerA, '/api/cash-ups', { pickupPointId: site.point.id });
      expect(list.status).toBe(200);
      expect(list.body.items).toEqual([
        expect.objectContaining({ id: closed.body.id, day, status: 'closed', differenceCents: -100 }),
      ]);
      expect((await get(w.tokens.managerA, base)).body).toMatchObject({
        status: 'closed',
        differenceCents: -100,
      });
      expect(
        (await get(w.tokens.managerB, '/api/cash-ups', { pickupPointId: site.point.id })).body.items,
      ).toEqual([]);
      expectProblem(await get(w.tokens.managerB, base), 404);
      expectProblem(await get(w.tokens.pickupA1, base), 404);
      expect((await get(w.tokens.pickupA1, '/api/cash-ups')).body.items).toEqual([]);
      const badList = await get(w.tokens.managerA, '/api/cash-ups', { from: 'yesterday', status: 'done' });
      expectProblem(badList, 400);
      expect(fields(badList)).toEqual(['from', 'status']);
    });
  });

  describe('agents are told of new work', () => {
    it('an order assigned to an agent texts their phone once, even when the events are delivered twice', async () => {
      const site = await d.site({ agents: 1 });
      const [agent] = site.agents;
      const phone = await agentPhone(agent.id);
      const order = await d.order(d.lockerOrder(site, newPhone(), 'cod'));
      expect(await d.assigned(order.id)).toBe(agent.id);
      const text = await eventually(
        async () => (await textsAbout(phone, 'agent_order_assigned', order.number))[0],
      );
      expect(text.body).toContain(`订单${order.number}`);
      expect(text.body).toContain(`代收¥${(order.totalCents / 100).toFixed(2)}`);
      await eventually(async () => {
        const [row] = await app.sql<{ status: string }>(
          `SELECT status FROM notifications WHERE to_phone = $1 AND template = 'agent_order_assigned' AND order_id = $2`,
          [phone, order.id],
        );
        return row?.status === 'sent';
      });

      expect(
        await redeliver(`aggregate_id = $1 AND event_type IN ('order.placed', 'order.status_changed')`, [
          order.id,
        ]),
      ).toBe(2);
      expect(await textsAbout(phone, 'agent_order_assigned', order.number)).toHaveLength(1);
      const alerts = await get(agent.token, '/api/alerts', { kind: 'order_assigned' });
      expect(
        alerts.body.items.filter((a: { data: { orderId: string } }) => a.data.orderId === order.id),
      ).toHaveLength(1);

      // a manager's reassignment to another agent is a new assignment: that agent is texted
      const other = await fx.agent(site.campus.id, 'second');
      const moved = await d.post(w.tokens.managerA, `/api/orders/${order.id}/assign`, { agentId: other.id });
      expect(moved.status).toBe(200);
      const otherPhone = await agentPhone(other.id);
      await eventually(
        async () => (await textsAbout(otherPhone, 'agent_order_assigned', order.number)).length === 1,
      );
      // assigning again to the same agent changes nothing and texts nothing
      expect(
        (await d.post(w.tokens.managerA, `/api/orders/${order.id}/assign`, { agentId: other.id })).status,
      ).toBe(200);
      expect(await app.sql(`SELECT 1 FROM notifications WHERE to_phone = $1`, [otherPhone])).toHaveLength(1);
    });

    it('a task given to an agent texts them; an agent who texted STOP gets no texts but still the alert', async () => {
      const site = await d.site({ agents: 1 });
      const [agent] = site.agents;
      const phone = await agentPhone(agent.id);
      const repair = await d.post(w.tokens.callCenter, '/api/tasks', {
        customerPhone: newPhone(),
        campusId: site.campus.id,
        description: 'printer jams',
        address: 'Library, 2nd floor',
      });
      expect(repair.status).toBe(201);
      expect(
        (await d.post(w.tokens.managerA, `/api/tasks/${repair.body.id}/assign`, { agentId: agent.id }))
          .status,
      ).toBe(200);
      const [text] = await d.texts(phone, 'agent_task_assigned');
      expect(text.body).toContain('维修取件');
      expect(text.body).toContain('Library, 2nd floor');

      // STOP from the agent's own phone (through the real Twilio webhook): later texts are suppressed
      await textIn(phone, 'STOP');
      await eventually(async () => {
        const [pref] = await app.sql<{ opted_out: boolean }>(
          `SELECT opted_out FROM sms_preferences WHERE phone = $1`,
          [phone],
        );
        return pref?.opted_out;
      });
      const order = await d.order(d.lockerOrder(site, newPhone(), 'cod'));
      await d.assigned(order.id);
      const row = await eventually(async () => {
        const [n] = await app.sql<{ status: string; error: string }>(
          `SELECT status, error FROM notifications WHERE to_phone = $1 AND order_id = $2`,
          [phone, order.id],
        );
        return n;
      });
      expect(row).toEqual({ status: 'suppressed', error: 'recipient opted out' });
      const alerts = await get(agent.token, '/api/alerts');
      expect(alerts.body.items.map((a: { kind: string }) => a.kind).sort()).toEqual([
        'order_assigned',
        'task_assigned',
      ]);
    });

    it('the badge counts deliveries and tasks given since the agent last opened each list (kept on the server)', async () => {
      const site = await d.site({ agents: 1 });
      const [agent] = site.agents;
      const news = async () => (await get(agent.token, '/api/fulfilment/work/news')).body;
      expect(await news()).toMatchObject({
        orders: { count: 0, seenAt: null },
        tasks: { count: 0, seenAt: null },
      });
      const o1 = await d.order(d.lockerOrder(site, newPhone(), 'cod'));
      await d.assigned(o1.id);
      expect((await news()).orders.count).toBe(1);

      const seen = await d.post(agent.token, '/api/fulfilment/work/seen', { list: 'orders' });
      expect(seen.status).toBe(200);
      expect(seen.body.orders).toMatchObject({ count: 0 });
      expect(seen.body.orders.seenAt).not.toBeNull();

      const o2 = await d.order(d.lockerOrder(site, newPhone(), 'cod'));
      await d.assigned(o2.id);
      const repair = await d.post(w.tokens.callCenter, '/api/tasks', {
        customerPhone: newPhone(),
        campusId: site.campus.id,
        description: 'router',
      });
      await d.post(w.tokens.managerA, `/api/tasks/${repair.body.id}/assign`, { agentId: agent.id });
      expect(await news()).toMatchObject({ orders: { count: 1 }, tasks: { count: 1 } });
      // another device of the same agent sees the same badge
      expect(
        (await get(await fx.login(await usernameOf(agent.id)), '/api/fulfilment/work/news')).body,
      ).toMatchObject({
        orders: { count: 1 },
        tasks: { count: 1 },
      });
      await d.post(agent.token, '/api/fulfilment/work/seen', { list: 'tasks' });
      expect(await news()).toMatchObject({ orders: { count: 1 }, tasks: { count: 0 } });

      const bad = await d.post(agent.token, '/api/fulfilment/work/seen', { list: 'everything' });
      expectProblem(bad, 400);
      expect(fields(bad)).toEqual(['list']);
      expect((await get(w.tokens.managerA, '/api/fulfilment/work/news')).status).toBe(403);
    });
  });

  const usernameOf = async (userId: string) =>
    (await app.sql<{ username: string }>(`SELECT username FROM users WHERE id = $1`, [userId]))[0].username;

  describe('texts to customers', () => {
    it('an online order keyed by staff texts the customer a link to pay it in the shop; STOP suppresses it', async () => {
      const site = await d.site({ agents: 1 });
      const phone = newPhone();
      const placed = await d.place(site.agents[0].token, {
        customer: { phone },
        lines: [{ sku: w.skus.pen, quantity: 1 }],
        fulfillment: { type: 'locker', pickupPointId: site.point.id },
        paymentMethod: 'online',
      });
      expect(placed.status).toBe(201);
      expect(placed.body).toMatchObject({
        channel: 'agent',
        agentId: site.agents[0].id,
        status: 'pending_payment',
      });
      const text = await eventually(async () => (await d.texts(phone, 'order_payment_link'))[0]);
      expect(text.body).toContain(`http://campus.test/shop/orders/${placed.body.id}`);
      expect(await d.texts(phone, 'order_placed')).toEqual([]);

      const stopped = newPhone();
      await textIn(stopped, 'STOP');
      await eventually(
        async () => (await app.sql(`SELECT 1 FROM sms_preferences WHERE phone = $1`, [stopped])).length,
      );
      const quiet = await d.place(w.tokens.callCenter, {
        customer: { phone: stopped },
        lines: [{ sku: w.skus.pen, quantity: 1 }],
        fulfillment: { type: 'locker', pickupPointId: site.point.id },
        paymentMethod: 'online',
      });
      const row = await eventually(async () => {
        const [n] = await app.sql<{ template: string; status: string }>(
          `SELECT template, status FROM notifications WHERE order_id = $1 AND to_phone = $2`,
          [quiet.body.id, stopped],
        );
        return n;
      });
      expect(row).toEqual({ template: 'order_payment_link', status: 'suppressed' });
    });

    it('the order timeline includes the texts sent about it, masked; a customer sees only their own', async () => {
      const site = await d.site({ agents: 1 });
      const phone = newPhone();
      const parcel = await lockerParcel(site, phone, 'cod');
      const code = await d.pickupCode(phone, parcel.id);
      await eventually(
        async () =>
          (await app.sql(`SELECT 1 FROM notifications WHERE order_id = $1`, [parcel.id])).length >= 4,
      );
      type Entry = { type: string; data: { template: string; to: string; body: string } };
      const timeline = async (token: string) =>
        (await get(token, `/api/orders/${parcel.id}/events`)).body as Entry[];
      const staff = await timeline(w.tokens.callCenter);
      const texts = staff.filter((e) => e.type === 'text');
      expect(texts.map((t) => t.data.template)).toEqual(
        expect.arrayContaining(['order_placed', 'agent_order_assigned', 'out_for_delivery', 'pickup_code']),
      );
      const pickupText = texts.find((t) => t.data.template === 'pickup_code')!;
      expect(pickupText.data.body).toContain(parcel.number);
      expect(pickupText.data.body).not.toContain(code);
      expect(pickupText.data.to).toBe(`${phone.slice(0, 6)}****${phone.slice(-4)}`);
      expect(JSON.stringify(staff)).not.toContain(phone);
      // texts come after the events that caused them
      expect(staff.findIndex((e) => e.data.template === 'pickup_code')).toBeGreaterThan(
        staff.findIndex((e) => e.type === 'deposit'),
      );
      const customer = await fx.customer(phone);
      const own = (await timeline(customer.token)).filter((e) => e.type === 'text');
      expect(own.map((t) => t.data.template)).not.toContain('agent_order_assigned');
      expect(own.length).toBeGreaterThanOrEqual(3);
      expect(
        (await get(w.tokens.admin, `/api/orders/${parcel.id}/events`, { texts: false })).body,
      ).not.toEqual(expect.arrayContaining([expect.objectContaining({ type: 'text' })]));
      expectProblem(await get(w.tokens.managerB, `/api/orders/${parcel.id}/events`), 404);
      const bad = await get(w.tokens.admin, `/api/orders/${parcel.id}/events`, { texts: 'maybe' });
      expectProblem(bad, 400);
      expect(fields(bad)).toEqual(['texts']);
    });
  });

  describe('staff alerts', () => {
    it('low stock alerts the admins and the managers of the regions that sell it (orders in 90 days, else all)', async () => {
      const sold = await fx.product(`ALRT-${randomUUID().slice(0, 6)}`, { stock: 6, lowStockThreshold: 5 });
      const order = await d.order({
        customer: { phone: newPhone() },
        lines: [{ sku: sold, quantity: 2 }],
        fulfillment: { type: 'locker', pickupPointId: w.pointA1.id },
        paymentMethod: 'cod',
      });
      expect(order.id).toBeDefined();
      type Alert = {
        id: string;
        kind: string;
        audience: string;
        regionId: string | null;
        data: { sku: string };
      };
      const lowFor = async (token: string, sku: string) =>
        ((await get(token, '/api/alerts', { kind: 'low_stock', limit: 200 })).body.items as Alert[]).filter(
          (a) => a.data.sku === sku,
        );
      const all = await eventually(async () => {
        const found = await lowFor(w.tokens.admin, sold);
        return found.length >= 2 && found;
      });
      expect(all.map((a) => [a.audience, a.regionId]).sort()).toEqual([
        ['admins', null],
        ['region', w.regionA.id],
      ]);
      expect((await lowFor(w.tokens.managerA, sold)).map((a) => a.audience)).toEqual(['region']);
      expect(await lowFor(w.tokens.managerB, sold)).toEqual([]);
      expect(await lowFor(w.agentA1.token, sold)).toEqual([]);

      // never ordered: every region's managers hear of it
      const unsold = await fx.product(`ALRU-${randomUUID().slice(0, 6)}`, { stock: 6, lowStockThreshold: 5 });
      const adj = await d.post(w.tokens.admin, `/api/products/${unsold}/stock-adjustments`, {
        delta: -2,
        reason: 'damaged',
      });
      expect(adj.status).toBe(200);
      await eventually(async () => (await lowFor(w.tokens.managerB, unsold)).length === 1);
      expect(await lowFor(w.tokens.managerA, unsold)).toHaveLength(1);

      // acknowledging: in scope only; a second time changes nothing
      const [mine] = await lowFor(w.tokens.managerA, sold);
      expectProblem(await d.post(w.tokens.managerB, `/api/alerts/${mine.id}/ack`), 404);
      expectProblem(await d.post(w.agentA1.token, `/api/alerts/${mine.id}/ack`), 404);
      const ack = await d.post(w.tokens.managerA, `/api/alerts/${mine.id}/ack`);
      expect(ack.status).toBe(200);
      expect(ack.body.acknowledgedAt).not.toBeNull();
      const again = await d.post(w.tokens.admin, `/api/alerts/${mine.id}/ack`);
      expect(again.body).toMatchObject({
        acknowledgedAt: ack.body.acknowledgedAt,
        acknowledgedById: ack.body.acknowledgedById,
      });
      const open = await get(w.tokens.managerA, '/api/alerts', { acknowledged: false, limit: 200 });
      expect(open.body.items.map((a: Alert) => a.id)).not.toContain(mine.id);
      expect(open.body.unacknowledged).toBe(open.body.items.length);

      const bad = await get(w.tokens.managerA, '/api/alerts', { acknowledged: 'maybe', kind: 'Low Stock!' });
      expectProblem(bad, 400);
      expect(fields(bad)).toEqual(['acknowledged', 'kind']);
      expect((await get((await fx.customer(newPhone())).token, '/api/alerts')).status).toBe(403);
    });
  });
});
