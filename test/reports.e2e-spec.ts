import { randomUUID } from 'node:crypto';
import { shanghaiPeriod } from '@campus/core';
import type { AgentRef, Fixtures, TestApp, World } from '@campus/testing';
import { eventually, TestClock } from '@campus/testing';
import { auth, startApp } from './support/app';
import { FulfilmentDriver, newPhone, Site } from './support/fulfilment';
import { signedNotice } from './support/payments';
import { Reports1764600000000 } from '../migrations/1764600000000-reports';

// Builds its dataset through the API with the worker running; that takes a while.
jest.setTimeout(180_000);

interface Placed {
  id: string;
  totalCents: number;
}

/**
 * A known dataset across channels, campuses, regions and agents, driven through the API the way
 * customers and staff would, then every cell of the three reports checked. Only what the API cannot
 * arrange without waiting is done in SQL, and said so where it happens: how many minutes an online
 * payment took, and a task finishing after its SLA deadline (both stamped by the database clock).
 */
describe('Reports: channel funnel, agent leaderboard, customers (e2e)', () => {
  let app: TestApp;
  let fx: Fixtures;
  let w: World;
  let d: FulfilmentDriver;
  const clock = new TestClock();
  let s1: Site;
  let s2: Site;
  let x: AgentRef;
  let y: AgentRef;
  let from: string;
  let to: string;
  const ids: Record<string, string> = {};
  const P = Array.from({ length: 8 }, () => newPhone());

  /** d.site() names its campus `Campus <s>` for the code `FC<s>`. */
  const campusName = (site: Site) => `Campus ${site.campus.code.slice(2)}`;

  const get = (token: string, path: string, query: Record<string, string> = {}) =>
    app.http().get(path).query(query).set(auth(token));

  const phoneOrder = async (
    phone: string,
    site: { campus: { id: string } },
    lines: { sku: string; quantity: number }[],
  ): Promise<Placed> =>
    d.order({
      customer: { phone, name: 'Li Lei' },
      lines,
      fulfillment: { type: 'delivery', campusId: site.campus.id, address: 'Dorm 1, room 101' },
      paymentMethod: 'cod',
    });

  const placeAs = async (token: string, body: Record<string, unknown>): Promise<Placed> => {
    const res = await d.place(token, body as never);
    if (res.status !== 201) throw new Error(`place: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  };

  const doorDeliver = async (o: Placed, agent: AgentRef, cod = true) => {
    expect(await d.assigned(o.id)).toBe(agent.id);
    expect((await d.post(agent.token, `/api/orders/${o.id}/dispatch`)).status).toBe(200);
    const res = await d.post(
      agent.token,
      `/api/orders/${o.id}/deliver`,
      cod ? { codCollectedCents: o.totalCents } : {},
    );
    expect(res.status).toBe(200);
  };

  const deposit = async (o: Placed, site: Site) => {
    expect(await d.assigned(o.id)).toBe(site.agents[0].id);
    expect((await d.post(site.agents[0].token, `/api/orders/${o.id}/dispatch`)).status).toBe(200);
    const res = await d.post(site.agents[0].token, `/api/orders/${o.id}/deposit`, {
      lockerId: site.locker.id,
    });
    expect(res.status).toBe(200);
  };

  const pay = async (o: Placed) => {
    const res = await signedNotice(app, {
      orderId: o.id,
      amountCents: o.totalCents,
      providerRef: randomUUID(),
    });
    expect(res.status).toBe(200);
  };

  beforeAll(async () => {
    ({ app, fx } = await startApp({ worker: true, clock, env: { INSTALL_SLA_HOURS: '1' } }));
    w = await fx.world();
    d = new FulfilmentDriver(app, fx, w);
    s1 = await d.site({ agents: 1 });
    s2 = await d.site({ agents: 1 });
    [x] = s1.agents;
    [y] = s2.agents;
    const { usb, pen, router } = w.skus; // 3900, 500, 29900 (install fee 3000)
    // A default commission rule of 5 %: an agent earns on the orders attributed to them.
    expect((await d.post(w.tokens.admin, '/api/commission-rules', { rateBps: 500 })).status).toBe(201);

    // Before the window: P[1]'s first order, so P[1] is a returning customer.
    await phoneOrder(P[1], s1, [{ sku: pen, quantity: 1 }]);
    const [start] = await app.sql<{ now: Date }>(`SELECT now() + interval '1 millisecond' AS now`);
    await new Promise((r) => setTimeout(r, 20));
    from = start.now.toISOString();
    to = new Date(start.now.getTime() + 86_400_000).toISOString();

    // Campus S1 (region A, agent X)
    const o1 = await phoneOrder(P[0], s1, [{ sku: usb, quantity: 2 }]); // 7800, door, completed
    await doorDeliver(o1, x);
    const o2 = await d.order(d.lockerOrder(s1, P[1], 'cod', usb)); // 3900, locker, COD paid at the point
    await deposit(o2, s1);
    const code2 = await d.pickupCode(P[1], o2.id);
    const pick2 = await d.post(s1.pickupStaff, `/api/lockers/${s1.locker.id}/pickup`, {
      code: code2,
      codCollectedCents: 3900,
    });
    expect(pick2.status).toBe(200);
    const o3 = await phoneOrder(P[0], s1, [{ sku: pen, quantity: 1 }]); // cancelled by the call centre
    await d.assigned(o3.id);
    expect(
      (await d.post(w.tokens.callCenter, `/api/orders/${o3.id}/cancel`, { reason: 'duplicate' })).status,
    ).toBe(200);
    const web = await fx.customer(P[2]);
    const door = { type: 'delivery', campusId: s1.campus.id, address: 'Dorm 2' };
    const o4 = await placeAs(web.token, {
      channel: 'web',
      lines: [{ sku: usb, quantity: 1 }],
      fulfillment: door,
      paymentMethod: 'online',
    }); // 3900, paid, delivered, completed, returned
    await pay(o4);
    await doorDeliver(o4, x, false);
    await d.completed(o4.id);
    expect(
      (await d.post(w.tokens.managerA, `/api/orders/${o4.id}/return`, { reason: 'faulty' })).status,
    ).toBe(200);
    const o5 = await placeAs(web.token, {
      channel: 'web',
      lines: [{ sku: pen, quantity: 2 }],
      fulfillment: door,
      paymentMethod: 'online',
    }); // cancelled by the customer
    expect(
      (await d.post(web.token, `/api/orders/${o5.id}/cancel`, { reason: 'changed my mind' })).status,
    ).toBe(200);
    const wap = await fx.customer(P[3]);
    const o6 = await placeAs(wap.token, {
      channel: 'wap',
      lines: [{ sku: pen, quantity: 1 }],
      fulfillment: door,
      paymentMethod: 'online',
    }); // never paid: the timer cancels it
    const o7 = await placeAs(wap.token, {
      channel: 'wap',
      lines: [{ sku: usb, quantity: 1 }],
      fulfillment: door,
      paymentMethod: 'online',
    }); // paid, still with the agent
    await pay(o7);
    await d.assigned(o7.id);
    const o8 = await placeAs(x.token, {
      customer: { phone: P[4], name: 'Wang' },
      lines: [{ sku: usb, quantity: 1 }],
      fulfillment: { type: 'delivery', campusId: s1.campus.id, address: 'Dorm 3' },
      paymentMethod: 'cod',
    }); // agent channel, 3900
    await doorDeliver(o8, x);
    const o13 = await phoneOrder(P[0], s1, [{ sku: pen, quantity: 1 }]); // 500: P[0]'s second completed order
    await doorDeliver(o13, x);

    // Campus S2 (region A, agent Y)
    const o9 = await placeAs(s2.pickupStaff, {
      customer: { phone: P[5] },
      lines: [{ sku: pen, quantity: 2 }],
      fulfillment: { type: 'locker', pickupPointId: s2.point.id },
      paymentMethod: 'counter',
    }); // pickup_point channel, 1000, deposited by Y, collected
    await deposit(o9, s2);
    const code9 = await d.pickupCode(P[5], o9.id);
    expect(
      (await d.post(s2.pickupStaff, `/api/lockers/${s2.locker.id}/pickup`, { code: code9 })).status,
    ).toBe(200);
    const o10 = await phoneOrder(P[5], s2, [{ sku: router, quantity: 1 }]); // 29900, install task done
    await doorDeliver(o10, y);
    const task10 = await eventually(async () => {
      const res = await get(y.token, '/api/tasks', { orderId: o10.id });
      return res.body.items?.[0] as { id: string } | undefined;
    });
    const startAt = new Date(clock.now().getTime() + 5 * 60_000);
    const sched = await d.post(y.token, `/api/tasks/${task10.id}/schedule`, {
      windowStart: startAt.toISOString(),
      windowEnd: new Date(startAt.getTime() + 3_600_000).toISOString(),
    });
    expect(sched.status).toBe(200);
    expect((await d.post(y.token, `/api/tasks/${task10.id}/start`)).status).toBe(200);
    const done = await d.post(y.token, `/api/tasks/${task10.id}/complete`, {
      confirmationCode: await fx.taskCode(P[5]),
    });
    expect(done.status).toBe(200);
    const o11 = await phoneOrder(P[4], s2, [{ sku: router, quantity: 1 }]); // 29900, install task left undone
    await doorDeliver(o11, y);
    await eventually(async () => {
      const [t] = await app.sql<{ due_at: Date | null }>(`SELECT due_at FROM tasks WHERE order_id = $1`, [
        o11.id,
      ]);
      return t?.due_at ?? null;
    });

    // Region B (agent B1 is campus B1's only agent)
    const o12 = await phoneOrder(P[6], { campus: w.campusB1 }, [{ sku: usb, quantity: 1 }]);
    await doorDeliver(o12, w.agentB1);

    for (const o of [o1, o2, o8, o9, o10, o12, o13]) await d.completed(o.id);
    // The payment window (30 min) and the install SLA (1 h) pass: o6 is cancelled by the timer, o11's task is late.
    clock.advanceMinutes(61);
    await eventually(async () => (await d.get(o6.id)).status === 'cancelled');

    // The one thing the API cannot arrange: how long the online payments took (paid_at is the database's now()).
    await app.sql(`UPDATE orders SET paid_at = created_at + interval '12 minutes 30 seconds' WHERE id = $1`, [
      o4.id,
    ]);
    await app.sql(`UPDATE orders SET paid_at = created_at + interval '7 minutes' WHERE id = $1`, [o7.id]);
    Object.assign(ids, { o11: o11.id });
  });
  afterAll(() => app?.close());

  const zero = {
    orders: 0,
    confirmed: 0,
    cancelled: 0,
    cancelledByCustomer: 0,
    cancelledUnpaidTimeout: 0,
    cancelledOther: 0,
    delivered: 0,
    completed: 0,
    returned: 0,
    gmvCents: 0,
    netGmvCents: 0,
    conversionRate: null,
    confirmedRate: null,
    payment: { onlineOrders: 0, paid: 0, paidRate: null, medianMinutesToPay: null },
    returns: { orders: 0, units: 0, refundCents: 0, rate: null },
  };

  describe('GET /api/reports/channels', () => {
    it('admin: every cell of every channel and the total, orders placed in the window by every state reached', async () => {
      const res = await get(w.tokens.admin, '/api/reports/channels', { from, to });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ basis: 'placed_cohort', regionId: null, campusId: null, from, to });
      expect(res.body.channels).toEqual([
        {
          ...zero,
          channel: 'web',
          orders: 2,
          confirmed: 1,
          cancelled: 1,
          cancelledByCustomer: 1,
          delivered: 1,
          completed: 1,
          returned: 1,
          gmvCents: 3900,
          netGmvCents: 0,
          conversionRate: 5000,
          confirmedRate: 5000,
          payment: { onlineOrders: 2, paid: 1, paidRate: 5000, medianMinutesToPay: 12.5 },
          // The web order returned as a whole: its refund is a return refund (issue 16).
          returns: { orders: 1, units: 1, refundCents: 3900, rate: 10000 },
        },
        {
          ...zero,
          channel: 'wap',
          orders: 2,
          confirmed: 1,
          cancelled: 1,
          cancelledUnpaidTimeout: 1,
          conversionRate: 0,
          confirmedRate: 5000,
          payment: { onlineOrders: 2, paid: 1, paidRate: 5000, medianMinutesToPay: 7 },
        },
        { ...zero, channel: 'sms' },
        {
          ...zero,
          channel: 'phone',
          orders: 7,
          confirmed: 7,
          cancelled: 1,
          cancelledOther: 1,
          delivered: 6,
          completed: 5,
          gmvCents: 46000,
          netGmvCents: 46000,
          conversionRate: 7143,
          confirmedRate: 10000,
          returns: { orders: 0, units: 0, refundCents: 0, rate: 0 },
        },
        {
          ...zero,
          channel: 'pickup_point',
          orders: 1,
          confirmed: 1,
          delivered: 1,
          completed: 1,
          gmvCents: 1000,
          netGmvCents: 1000,
          conversionRate: 10000,
          confirmedRate: 10000,
          returns: { orders: 0, units: 0, refundCents: 0, rate: 0 },
        },
        {
          ...zero,
          channel: 'agent',
          orders: 1,
          confirmed: 1,
          delivered: 1,
          completed: 1,
          gmvCents: 3900,
          netGmvCents: 3900,
          conversionRate: 10000,
          confirmedRate: 10000,
          returns: { orders: 0, units: 0, refundCents: 0, rate: 0 },
        },
      ]);
      expect(res.body.total).toEqual({
        channel: 'total',
        orders: 13,
        confirmed: 11,
        cancelled: 3,
        cancelledByCustomer: 1,
        cancelledUnpaidTimeout: 1,
        cancelledOther: 1,
        delivered: 9,
        completed: 8,
        returned: 1,
        gmvCents: 54800,
        netGmvCents: 50900,
        conversionRate: 6154,
        confirmedRate: 8462,
        payment: { onlineOrders: 4, paid: 2, paidRate: 5000, medianMinutesToPay: 9.8 },
        returns: { orders: 1, units: 1, refundCents: 3900, rate: 1111 },
      });
    });

    it('a manager sees their region only; another region or its campus is 404; a campus narrows it', async () => {
      const a = await get(w.tokens.managerA, '/api/reports/channels', { from, to });
      expect(a.status).toBe(200);
      expect(a.body.regionId).toBe(w.regionA.id);
      expect(a.body.channels.find((c: { channel: string }) => c.channel === 'phone')).toMatchObject({
        orders: 6,
        delivered: 5,
        completed: 4,
        gmvCents: 42100,
      });
      expect(a.body.total).toMatchObject({ orders: 12, delivered: 8, completed: 7, gmvCents: 50900 });
      const b = await get(w.tokens.managerB, '/api/reports/channels', { from, to });
      expect(b.body.total).toMatchObject({ orders: 1, completed: 1, gmvCents: 3900 });
      const outOfScope: Record<string, string>[] = [
        { regionId: w.regionB.id },
        { campusId: w.campusB1.id },
        { campusId: randomUUID() },
      ];
      for (const q of outOfScope) {
        const res = await get(w.tokens.managerA, '/api/reports/channels', { from, to, ...q });
        expect(res.status).toBe(404);
      }
      const own = await get(w.tokens.managerA, '/api/reports/channels', { from, to, regionId: w.regionA.id });
      expect(own.body.total.orders).toBe(12);
      const campus = await get(w.tokens.admin, '/api/reports/channels', { from, to, campusId: s2.campus.id });
      expect(campus.body.total).toMatchObject({ orders: 3, completed: 2, gmvCents: 30900 });
      const region = await get(w.tokens.admin, '/api/reports/channels', { from, to, regionId: w.regionB.id });
      expect(region.body.total).toMatchObject({ orders: 1, gmvCents: 3900 });
      expect(
        (await get(w.tokens.admin, '/api/reports/channels', { from, to, regionId: randomUUID() })).status,
      ).toBe(404);
      const later = await get(w.tokens.admin, '/api/reports/channels', { from: to, to: '2099-01-01' });
      expect(later.status).toBe(400);
    });

    it('format=csv: text/csv with a BOM, a header row, one row per channel and the total', async () => {
      const res = await get(w.tokens.admin, '/api/reports/channels', { from, to, format: 'csv' }).buffer(
        true,
      );
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/csv; charset=utf-8/);
      expect(res.headers['content-disposition']).toBe('attachment; filename="channels.csv"');
      const text = res.text;
      expect(text.charCodeAt(0)).toBe(0xfeff);
      const lines = text.slice(1).trimEnd().split('\r\n');
      expect(lines[0]).toBe(
        'channel,orders,confirmed,cancelled,cancelled_by_customer,cancelled_unpaid_timeout,cancelled_other,' +
          'delivered,completed,returned,gmv_cents,net_gmv_cents,conversion_rate_bps,confirmed_rate_bps,' +
          'online_orders,online_paid,paid_rate_bps,median_minutes_to_pay,' +
          'orders_with_returns,returned_units,return_refunds_cents,return_rate_bps',
      );
      expect(lines).toHaveLength(8);
      expect(lines[1]).toBe('web,2,1,1,1,0,0,1,1,1,3900,0,5000,5000,2,1,5000,12.5,1,1,3900,10000');
      expect(lines[3]).toBe('sms,0,0,0,0,0,0,0,0,0,0,0,,,0,0,,,0,0,0,');
      expect(lines[7]).toBe('total,13,11,3,1,1,1,9,8,1,54800,50900,6154,8462,4,2,5000,9.8,1,1,3900,1111');
    });
  });

  describe('GET /api/reports/agents', () => {
    it('ranks every agent in scope with deliveries, locker/door share, tasks, COD and earnings', async () => {
      const period = shanghaiPeriod(clock.now());
      const res = await get(w.tokens.admin, '/api/reports/agents', { period });
      expect(res.status).toBe(200);
      const none = {
        ordersDelivered: 0,
        doorDeliveries: 0,
        lockerDeposits: 0,
        counterDeposits: 0,
        doorShare: null,
        lockerShare: null,
        tasksDone: 0,
        tasksOverdue: 0,
        codCollectedCents: 0,
        codHeldCents: 0,
        earningsCents: 0,
      };
      expect(res.body.period).toBe(period);
      expect(res.body.agents).toEqual([
        {
          ...none,
          rank: 1,
          agentId: x.id,
          displayName: expect.any(String),
          status: 'active',
          campus: { id: s1.campus.id, code: s1.campus.code, name: campusName(s1) },
          ordersDelivered: 5,
          doorDeliveries: 4,
          lockerDeposits: 1,
          doorShare: 8000,
          lockerShare: 2000,
          codCollectedCents: 12200,
          codHeldCents: 12200,
          earningsCents: 195, // 5 % of o8 (3900), the one order attributed to X (placed by X)
        },
        {
          ...none,
          rank: 2,
          agentId: y.id,
          displayName: expect.any(String),
          status: 'active',
          campus: { id: s2.campus.id, code: s2.campus.code, name: campusName(s2) },
          ordersDelivered: 3,
          doorDeliveries: 2,
          lockerDeposits: 1,
          doorShare: 6667,
          lockerShare: 3333,
          tasksDone: 1,
          tasksOverdue: 1,
          codCollectedCents: 59800,
          codHeldCents: 59800,
          earningsCents: 3000, // o10's install fee; no order is attributed to Y
        },
        {
          ...none,
          rank: 3,
          agentId: w.agentB1.id,
          displayName: 'agent-b1',
          status: 'active',
          campus: { id: w.campusB1.id, code: w.campusB1.code, name: 'Campus CB1' },
          ordersDelivered: 1,
          doorDeliveries: 1,
          doorShare: 10000,
          lockerShare: 0,
          codCollectedCents: 3900,
          codHeldCents: 3900,
        },
        {
          ...none,
          rank: 4,
          agentId: w.agentA1.id,
          displayName: 'agent-a1',
          status: 'active',
          campus: { id: w.campusA1.id, code: w.campusA1.code, name: 'Campus CA1' },
        },
        {
          ...none,
          rank: 5,
          agentId: w.agentA1b.id,
          displayName: 'agent-a1b',
          status: 'active',
          campus: { id: w.campusA1.id, code: w.campusA1.code, name: 'Campus CA1' },
        },
      ]);
    });

    it('the previous month is empty; a manager sees their region only; bad periods are 400', async () => {
      const period = shanghaiPeriod(clock.now());
      const [y0, m0] = period.split('-').map(Number);
      const prev = m0 === 1 ? `${y0 - 1}-12` : `${y0}-${String(m0 - 1).padStart(2, '0')}`;
      const before = await get(w.tokens.admin, '/api/reports/agents', { period: prev });
      expect(before.body.agents.map((a: { ordersDelivered: number }) => a.ordersDelivered)).toEqual([
        0, 0, 0, 0, 0,
      ]);
      const a = await get(w.tokens.managerA, '/api/reports/agents', { period });
      expect(a.body.agents.map((r: { agentId: string }) => r.agentId)).toEqual([
        x.id,
        y.id,
        w.agentA1.id,
        w.agentA1b.id,
      ]);
      expect(
        (await get(w.tokens.managerA, '/api/reports/agents', { period, regionId: w.regionB.id })).status,
      ).toBe(404);
      const b = await get(w.tokens.managerB, '/api/reports/agents', { period });
      expect(b.body.agents).toHaveLength(1);
      for (const bad of ['2026-13', '2026-1', 'november', '']) {
        const res = await get(w.tokens.admin, '/api/reports/agents', { period: bad });
        expect(res.status).toBe(400);
        expect(res.body.errors[0].field).toBe('period');
      }
      expect((await get(w.tokens.admin, '/api/reports/agents')).status).toBe(400);
    });

    it('format=csv lists the leaderboard in rank order', async () => {
      const period = shanghaiPeriod(clock.now());
      const res = await get(w.tokens.managerB, '/api/reports/agents', { period, format: 'csv' }).buffer(true);
      expect(res.headers['content-type']).toMatch(/^text\/csv/);
      const lines = res.text.slice(1).trimEnd().split('\r\n');
      expect(lines[0]).toBe(
        'rank,agent_id,agent,status,campus_code,campus,orders_delivered,door_deliveries,locker_deposits,' +
          'counter_deposits,door_share_bps,locker_share_bps,tasks_done,tasks_overdue,cod_collected_cents,' +
          'cod_held_cents,earnings_cents',
      );
      expect(lines.slice(1)).toEqual([
        `1,${w.agentB1.id},agent-b1,active,${w.campusB1.code},Campus CB1,1,1,0,0,10000,0,0,0,3900,3900,0`,
      ]);
    });
    it('a task done after its SLA deadline still counts as overdue; a cancelled one never does', async () => {
      const period = shanghaiPeriod(clock.now());
      // The deadline is delivered_at + INSTALL_SLA_HOURS on the database clock: the API cannot make a
      // task finish late without waiting, so the deadline of Y's done task is moved before its completion.
      await app.sql(
        `UPDATE tasks SET due_at = completed_at - interval '1 minute' WHERE agent_id = $1 AND status = 'done'`,
        [y.id],
      );
      const late = await get(w.tokens.admin, '/api/reports/agents', { period, campusId: s2.campus.id });
      expect(late.body.agents).toEqual([
        expect.objectContaining({ agentId: y.id, rank: 1, tasksDone: 1, tasksOverdue: 2 }),
      ]);
      await app.sql(`UPDATE tasks SET status = 'cancelled' WHERE order_id = $1`, [ids.o11]);
      const cancelled = await get(w.tokens.admin, '/api/reports/agents', { period, campusId: s2.campus.id });
      expect(cancelled.body.agents[0]).toMatchObject({ tasksDone: 1, tasksOverdue: 1 });
    });
  });

  describe('GET /api/reports/customers', () => {
    const campusRow = (campus: { id: string; code: string }, f: Record<string, unknown>) => ({
      campus: { id: campus.id, code: campus.code, name: expect.any(String) },
      customers: 0,
      newCustomers: 0,
      returningCustomers: 0,
      buyers: 0,
      repeatBuyers: 0,
      repeatPurchaseRate: null,
      ...f,
    });

    it('admin: new vs returning and the repeat-purchase rate per campus and in total', async () => {
      const res = await get(w.tokens.admin, '/api/reports/customers', { from, to });
      expect(res.status).toBe(200);
      const byCampus = new Map(res.body.campuses.map((c: { campus: { id: string } }) => [c.campus.id, c]));
      expect(res.body.campuses).toHaveLength(5);
      expect(byCampus.get(s1.campus.id)).toEqual(
        campusRow(s1.campus, {
          customers: 5,
          newCustomers: 4,
          returningCustomers: 1,
          buyers: 4,
          repeatBuyers: 1,
          repeatPurchaseRate: 2500,
        }),
      );
      expect(byCampus.get(s2.campus.id)).toEqual(
        campusRow(s2.campus, {
          customers: 2,
          newCustomers: 2,
          buyers: 1,
          repeatBuyers: 1,
          repeatPurchaseRate: 10000,
        }),
      );
      expect(byCampus.get(w.campusB1.id)).toEqual(
        campusRow(w.campusB1, { customers: 1, newCustomers: 1, buyers: 1, repeatPurchaseRate: 0 }),
      );
      expect(byCampus.get(w.campusA1.id)).toEqual(campusRow(w.campusA1, {}));
      expect(byCampus.get(w.campusA2.id)).toEqual(campusRow(w.campusA2, {}));
      expect(res.body.total).toEqual({
        customers: 7,
        newCustomers: 6,
        returningCustomers: 1,
        buyers: 6,
        repeatBuyers: 2,
        repeatPurchaseRate: 3333,
      });
    });

    it('a manager sees their region; a campus narrows it; out of scope 404; bad dates 400', async () => {
      const a = await get(w.tokens.managerA, '/api/reports/customers', { from, to });
      expect(a.body.campuses).toHaveLength(4);
      expect(a.body.total).toEqual({
        customers: 6,
        newCustomers: 5,
        returningCustomers: 1,
        buyers: 5,
        repeatBuyers: 2,
        repeatPurchaseRate: 4000,
      });
      const one = await get(w.tokens.managerA, '/api/reports/customers', {
        from,
        to,
        campusId: s2.campus.id,
      });
      expect(one.body.campuses).toHaveLength(1);
      expect(one.body.total).toMatchObject({ customers: 2, buyers: 1, repeatBuyers: 1 });
      expect(
        (await get(w.tokens.managerA, '/api/reports/customers', { from, to, campusId: w.campusB1.id }))
          .status,
      ).toBe(404);
      const cases: [Record<string, string>, string][] = [
        [{ from: '2026-02-30', to: '2026-03-01' }, 'from'],
        [{ from: 'today', to: '2026-03-01' }, 'from'],
        [{ from: '2026-03-02', to: '2026-03-01' }, 'to'],
        [{ from: '2024-01-01', to: '2026-01-01' }, 'to'],
        [{ from: '2026-03-01' } as Record<string, string>, 'to'],
        [{ from, to, campusId: 'nope' }, 'campusId'],
        [{ from, to, format: 'xml' }, 'format'],
      ];
      for (const [q, field] of cases) {
        const res = await get(w.tokens.admin, '/api/reports/customers', q);
        expect(res.status).toBe(400);
        expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
      }
    });

    it('format=csv: one row per campus and a total row', async () => {
      const res = await get(w.tokens.managerA, '/api/reports/customers', {
        from,
        to,
        campusId: s1.campus.id,
        format: 'csv',
      }).buffer(true);
      expect(res.headers['content-type']).toMatch(/^text\/csv/);
      const lines = res.text.slice(1).trimEnd().split('\r\n');
      expect(lines).toEqual([
        'campus_id,campus_code,campus,customers,new_customers,returning_customers,buyers,repeat_buyers,repeat_purchase_rate_bps',
        `${s1.campus.id},${s1.campus.code},${campusName(s1)},5,4,1,4,1,2500`,
        ',total,,5,4,1,4,1,2500',
      ]);
    });
  });

  it('the reports migration goes down and up again (its index only)', async () => {
    const indexes = async () =>
      (
        await app.sql<{ indexname: string }>(
          `SELECT indexname FROM pg_indexes WHERE indexname = 'order_events_handoff_idx'`,
        )
      ).map((r) => r.indexname);
    const runner = { query: (sql: string) => app.sql(sql) } as never;
    expect(await indexes()).toEqual(['order_events_handoff_idx']);
    await new Reports1764600000000().down(runner);
    expect(await indexes()).toEqual([]);
    await new Reports1764600000000().up(runner);
    expect(await indexes()).toEqual(['order_events_handoff_idx']);
  });
});
