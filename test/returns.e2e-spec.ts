import { randomUUID } from 'node:crypto';
import { shanghaiPeriod } from '@campus/core';
import type { AgentRef, Fixtures, TestApp, World } from '@campus/testing';
import { eventually, TestClock } from '@campus/testing';
import { auth, startApp } from './support/app';
import { FulfilmentDriver, newPhone, Site } from './support/fulfilment';

/**
 * Return requests (issue 16 items 1, 2): some lines or units of a delivered order come back, approved
 * by the region's manager, collected by an agent (a return_pickup task completed with the customer's
 * code) or handed in; the stock, the refund and the commission reversal are booked for those lines
 * only, exactly to the fen, and replayed events book nothing twice.
 */
jest.setTimeout(120_000);

interface ReturnRequest {
  id: string;
  orderId: string;
  status: string;
  taskId: string | null;
  refundCents: number | null;
  lines: { lineIndex: number; sku: string; quantity: number; refundCents: number | null }[];
}

describe('Returns (e2e)', () => {
  let app: TestApp;
  let fx: Fixtures;
  let w: World;
  let d: FulfilmentDriver;
  const clock = new TestClock();
  let site: Site;
  let agent: AgentRef;
  let phone: string;
  let customer: { id: string; token: string };
  let order: { id: string; number: string; totalCents: number };
  let partial: ReturnRequest;
  let pen: string;
  let lamp: string;
  const suffix = randomUUID().slice(0, 6).toUpperCase();

  const stockOf = async (sku: string) =>
    Number(
      (
        await app.sql<{ on_hand: number }>(
          `SELECT s.on_hand FROM stock s JOIN products p ON p.id = s.product_id WHERE p.sku = $1`,
          [sku],
        )
      )[0].on_hand,
    );
  const entriesOf = (orderId: string) =>
    app.sql<{ kind: string; amount_cents: string; source_id: string }>(
      `SELECT kind, amount_cents, source_id FROM commission_entries WHERE order_id = $1 ORDER BY id`,
      [orderId],
    );
  const refundsOf = async (orderId: string) =>
    (await app.http().get(`/api/orders/${orderId}/payments`).set(auth(w.tokens.admin))).body.refunds as {
      id: string;
      amountCents: number;
      method: string;
      status: string;
      cause: string;
      holder: { agentId: string | null } | null;
    }[];
  const request = (
    token: string,
    orderId: string,
    lines: { sku: string; quantity: number }[],
    reason = 'faulty',
  ) => app.http().post(`/api/orders/${orderId}/return-requests`).set(auth(token)).send({ lines, reason });

  /** A door-delivery COD order attributed to the site's agent, delivered (cash collected) and completed. */
  async function completedOrder(lines: { sku: string; quantity: number }[], to = phone) {
    const o = await d.order({
      customer: { phone: to, name: 'Li Lei' },
      lines,
      fulfillment: { type: 'delivery', campusId: site.campus.id, address: 'Dorm 5, room 302' },
      paymentMethod: 'cod',
      agentCode: agent.referralCode,
    });
    const deliverer = await d.outForDelivery(o.id, site);
    const delivered = await d.post(deliverer.token, `/api/orders/${o.id}/deliver`, {
      codCollectedCents: o.totalCents,
    });
    expect(delivered.status).toBe(200);
    await d.completed(o.id);
    await eventually(async () => (await entriesOf(o.id)).some((e) => e.kind === 'order_commission'));
    return o;
  }

  beforeAll(async () => {
    ({ app, fx } = await startApp({ worker: true, clock, workerAttempts: 3, workerBackoffMs: 200 }));
    w = await fx.world();
    d = new FulfilmentDriver(app, fx, w);
    site = await d.site({ agents: 1 });
    agent = site.agents[0];
    pen = await fx.product(`RPEN${suffix}`, { priceCents: 3333, stock: 50, category: `ret${suffix}` });
    lamp = await fx.product(`RLAMP${suffix}`, { priceCents: 1999, stock: 50, category: `ret${suffix}` });
    // 10 % of 3 × 33.33 = 999.9 → 1000 fen; 5 % of 2 × 19.99 = 199.9 → 200, + 7 fen a unit = 214.
    await fx.post(w.tokens.admin, '/api/commission-rules', { sku: pen, rateBps: 1000 });
    await fx.post(w.tokens.admin, '/api/commission-rules', { sku: lamp, rateBps: 500, fixedCents: 7 });
    phone = newPhone();
    order = await completedOrder([
      { sku: pen, quantity: 3 },
      { sku: lamp, quantity: 2 },
    ]);
    customer = await fx.customer(phone);
  });
  afterAll(() => app?.close());

  it('a partial return of one of two lines: stock, refund and commission reversal exact for that line only; replayed events book nothing twice', async () => {
    const [earned] = await entriesOf(order.id);
    expect(earned).toMatchObject({ kind: 'order_commission', amount_cents: '1214' });
    const penBefore = await stockOf(pen);
    const lampBefore = await stockOf(lamp);

    // 1. The customer asks from "my orders": one pen of three.
    const created = await request(customer.token, order.id, [{ sku: pen, quantity: 1 }], 'the pen leaks');
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      status: 'open',
      orderId: order.id,
      lines: [{ sku: pen, quantity: 1 }],
    });
    // One pending request per order.
    const again = await request(customer.token, order.id, [{ sku: lamp, quantity: 1 }]);
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('return_already_pending');

    // 2. The region's manager approves: the agent who delivered gets a return_pickup task.
    const approved = await d.post(w.tokens.managerA, `/api/return-requests/${created.body.id}/approve`, {
      note: 'ok, collect it',
    });
    expect([approved.status, approved.body]).toEqual([
      200,
      expect.objectContaining({ status: 'approved', collection: 'agent' }),
    ]);
    const taskId = approved.body.taskId as string;
    const task = await app.http().get(`/api/tasks/${taskId}`).set(auth(agent.token));
    expect(task.body).toMatchObject({
      kind: 'return_pickup',
      status: 'assigned',
      agentId: agent.id,
      orderId: order.id,
      items: [expect.objectContaining({ sku: pen, quantity: 1 })],
    });

    // 3. The agent agrees a window (the customer is texted a code), collects, confirms with the code.
    const start = new Date(clock.now().getTime() + 60 * 60_000);
    const scheduled = await d.post(agent.token, `/api/tasks/${taskId}/schedule`, {
      windowStart: start.toISOString(),
      windowEnd: new Date(start.getTime() + 60 * 60_000).toISOString(),
    });
    expect(scheduled.status).toBe(200);
    expect((await d.post(agent.token, `/api/tasks/${taskId}/start`)).status).toBe(200);
    const code = await fx.taskCode(phone);
    const done = await d.post(agent.token, `/api/tasks/${taskId}/complete`, { confirmationCode: code });
    expect(done.status).toBe(200);

    // 4. Received (the worker books it): refund of that unit only, exact to the fen, owed in cash by the agent.
    partial = await eventually(async () => {
      const r = await app.http().get(`/api/return-requests/${created.body.id}`).set(auth(customer.token));
      return r.body.status === 'received' && (r.body as ReturnRequest);
    });
    expect(partial.refundCents).toBe(3333);
    expect(partial.lines).toEqual([expect.objectContaining({ sku: pen, quantity: 1, refundCents: 3333 })]);
    const refunds = await refundsOf(order.id);
    expect(refunds).toEqual([
      expect.objectContaining({
        amountCents: 3333,
        method: 'cash',
        status: 'owed',
        cause: 'return',
        holder: expect.objectContaining({ agentId: agent.id }),
      }),
    ]);
    const after = await d.get(order.id);
    expect(after.status).toBe('completed');
    const view = (await app.http().get(`/api/orders/${order.id}`).set(auth(customer.token))).body;
    expect(
      view.lines.map((l: { sku: string; returnedQuantity: number }) => [l.sku, l.returnedQuantity]),
    ).toEqual([
      [pen, 1],
      [lamp, 0],
    ]);
    expect(await stockOf(pen)).toBe(penBefore + 1);
    expect(await stockOf(lamp)).toBe(lampBefore);

    // The commission of that line only: 1 of 3 units of 1000 fen → 333 (the lamp's 214 untouched).
    const reversal = await eventually(async () =>
      (await entriesOf(order.id)).find((e) => e.kind === 'reversal' && e.source_id === partial.id),
    );
    expect(Number(reversal.amount_cents)).toBe(-333);

    // 5. Every event of the return delivered again (as a relay retry would): nothing is booked twice.
    const replayed = await app.sql<{ id: string }>(
      `INSERT INTO outbox (event_type, aggregate_id, payload)
       SELECT event_type, aggregate_id, payload FROM outbox
        WHERE (event_type IN ('order.lines_returned', 'refund.cash_owed') AND aggregate_id = $1)
           OR (event_type = 'task.completed' AND payload->>'taskId' = $2)
       RETURNING id`,
      [order.id, taskId],
    );
    expect(replayed.length).toBe(3);
    await eventually(async () => {
      const [row] = await app.sql<{ n: number }>(
        `SELECT count(*)::int AS n FROM outbox WHERE id = ANY($1::bigint[]) AND published_at IS NULL`,
        [replayed.map((r) => r.id)],
      );
      return row.n === 0;
    });
    // Give the consumers time to run the replayed jobs, then check nothing moved.
    await new Promise((r) => setTimeout(r, 1500));
    const entries = await entriesOf(order.id);
    expect(entries.map((e) => [e.kind, Number(e.amount_cents)])).toEqual([
      ['order_commission', 1214],
      ['reversal', -333],
    ]);
    expect(await refundsOf(order.id)).toHaveLength(1);
    const [cash] = await app.sql<{ n: number; total: string }>(
      `SELECT count(*)::int AS n, sum(amount_cents) AS total FROM commission_cash_refunds WHERE order_id = $1`,
      [order.id],
    );
    expect(cash).toEqual({ n: 1, total: '3333' });
    expect(await stockOf(pen)).toBe(penBefore + 1);
  });

  it('the COD cash refund is owed by the agent and netted, with the reversal, in their next settlement', async () => {
    const period = shanghaiPeriod(clock.now());
    const created = await d.post(w.tokens.managerA, '/api/settlements', { regionId: w.regionA.id, period });
    expect(created.status).toBe(201);
    const statement = (created.body.statements as { agentId: string }[]).find((s) => s.agentId === agent.id);
    expect(statement).toMatchObject({
      commissionCents: 1214,
      reversalCents: -333,
      codHeldCents: order.totalCents,
      cashRefundsCents: 3333,
    });
  });

  it('the rest handed in at the pickup point: the order ends `returned`, refunds and reversals add up to the order exactly', async () => {
    const created = await request(w.tokens.callCenter, order.id, [
      { sku: pen, quantity: 2 },
      { sku: lamp, quantity: 2 },
    ]);
    expect(created.status).toBe(201);
    // Another region's manager cannot see it; a customer cannot decide.
    expect(
      (await d.post(w.tokens.managerB, `/api/return-requests/${created.body.id}/approve`, { note: 'x' }))
        .status,
    ).toBe(404);
    expect(
      (await d.post(customer.token, `/api/return-requests/${created.body.id}/approve`, { note: 'x' })).status,
    ).toBe(403);
    const approved = await d.post(w.tokens.managerA, `/api/return-requests/${created.body.id}/approve`, {
      note: 'bring it to the lobby',
      collection: 'drop_off',
    });
    expect(approved.body).toMatchObject({ status: 'approved', collection: 'drop_off', taskId: null });
    const received = await d.post(w.tokens.managerA, `/api/return-requests/${created.body.id}/receive`, {});
    expect(received.status).toBe(200);
    // 2 of 3 pens: 9999 − 3333 = 6666; 2 lamps: 3998.
    expect(received.body).toMatchObject({ status: 'received', refundCents: 6666 + 3998 });
    expect((await d.get(order.id)).status).toBe('returned');
    const refunds = await refundsOf(order.id);
    expect(refunds.reduce((n, r) => n + r.amountCents, 0)).toBe(order.totalCents);
    const entries = await eventually(async () => {
      const e = await entriesOf(order.id);
      return e.length === 3 && e;
    });
    expect(entries.map((e) => Number(e.amount_cents))).toEqual([1214, -333, -881]);
    // Receiving twice is refused.
    expect(
      (await d.post(w.tokens.managerA, `/api/return-requests/${created.body.id}/receive`, {})).status,
    ).toBe(409);
  });

  it('a manager rejects a request with a note; the customer may ask again', async () => {
    const o = await completedOrder([{ sku: lamp, quantity: 1 }]);
    const created = await request(customer.token, o.id, [{ sku: lamp, quantity: 1 }], 'changed my mind');
    expect(created.status).toBe(201);
    const rejected = await d.post(w.tokens.managerA, `/api/return-requests/${created.body.id}/reject`, {
      note: 'opened and used',
    });
    expect(rejected.status).toBe(200);
    expect(rejected.body).toMatchObject({
      status: 'rejected',
      decisionNote: 'opened and used',
      taskId: null,
    });
    expect(await refundsOf(o.id)).toEqual([]);
    expect((await d.get(o.id)).status).toBe('completed');
    // Deciding again is refused; the customer sees it in their list.
    expect(
      (await d.post(w.tokens.managerA, `/api/return-requests/${created.body.id}/approve`, { note: 'x' }))
        .status,
    ).toBe(409);
    const mine = await app
      .http()
      .get('/api/return-requests')
      .query({ orderId: o.id })
      .set(auth(customer.token));
    expect(mine.body.items.map((r: ReturnRequest) => [r.id, r.status])).toEqual([
      [created.body.id, 'rejected'],
    ]);
    // Units not in the order, or more than were bought: 400 naming the line.
    const tooMany = await request(customer.token, o.id, [{ sku: lamp, quantity: 2 }]);
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.errors).toEqual([expect.objectContaining({ field: 'lines[0].quantity' })]);
    expect((await request(customer.token, o.id, [{ sku: lamp, quantity: 1 }])).status).toBe(201);
  });

  it('reports: refunds per day and method for finance; returns per channel and per product; net GMV less partial refunds', async () => {
    // One more order, 2 pens, one handed back: it stays completed with a partial refund.
    const o = await completedOrder([{ sku: pen, quantity: 2 }]);
    const created = await request(customer.token, o.id, [{ sku: pen, quantity: 1 }]);
    await d.post(w.tokens.managerA, `/api/return-requests/${created.body.id}/approve`, {
      note: 'drop it off',
      collection: 'drop_off',
    });
    const received = await d.post(w.tokens.managerA, `/api/return-requests/${created.body.id}/receive`, {});
    expect(received.body).toMatchObject({ status: 'received', refundCents: 3333 });
    expect((await d.get(o.id)).status).toBe('completed');

    const window = {
      from: new Date(Date.now() - 86_400_000).toISOString(),
      to: new Date(Date.now() + 86_400_000).toISOString(),
    };
    const channels = await app.http().get('/api/reports/channels').query(window).set(auth(w.tokens.admin));
    expect(channels.status).toBe(200);
    const phoneRow = channels.body.channels.find((c: { channel: string }) => c.channel === 'phone');
    // Orders: the first (returned as a whole: 13997), the rejected one (1999, completed) and this one (6666).
    expect(phoneRow).toMatchObject({
      orders: 3,
      completed: 3,
      returned: 1,
      gmvCents: 13997 + 1999 + 6666,
      netGmvCents: 1999 + 6666 - 3333,
      returns: { orders: 2, units: 5 + 1, refundCents: 13997 + 3333, rate: 6667 },
    });
    const products = channels.body.products as { sku: string }[];
    expect(products.find((p) => p.sku === pen)).toEqual({
      sku: pen,
      name: expect.any(String),
      deliveredUnits: 5,
      returnedUnits: 4,
      refundCents: 9999 + 3333,
      rate: 8000,
    });
    expect(products.find((p) => p.sku === lamp)).toMatchObject({
      deliveredUnits: 3,
      returnedUnits: 2,
      refundCents: 3998,
      rate: 6667,
    });

    // Finance: every refund row, per day and method (all cash here, all still owed by the agent).
    const refunds = await app.http().get('/api/reports/refunds').query(window).set(auth(w.tokens.admin));
    expect(refunds.status).toBe(200);
    expect(refunds.body.totals).toEqual([
      {
        day: 'total',
        method: 'cash',
        refunds: 3,
        amountCents: 13997 + 3333,
        paidCents: 0,
        outstandingCents: 13997 + 3333,
        failedCents: 0,
        returnRefunds: 3,
      },
    ]);
    expect(refunds.body.days.reduce((n: number, r: { amountCents: number }) => n + r.amountCents, 0)).toBe(
      13997 + 3333,
    );
    // Another region's manager sees none of it; an agent may not ask.
    const b = await app.http().get('/api/reports/refunds').query(window).set(auth(w.tokens.managerB));
    expect(b.body.totals).toEqual([]);
    expect((await app.http().get('/api/reports/refunds').query(window).set(auth(agent.token))).status).toBe(
      403,
    );
    const csv = await app
      .http()
      .get('/api/reports/refunds')
      .query({ ...window, format: 'csv' })
      .set(auth(w.tokens.admin));
    expect(csv.headers['content-type']).toContain('text/csv');
  });

  it('a request after RETURN_WINDOW_DAYS (7) of delivery is refused with 422', async () => {
    const other = newPhone();
    const o = await completedOrder([{ sku: pen, quantity: 1 }], other);
    const owner = await fx.customer(other);
    clock.advanceMinutes(7 * 24 * 60 + 1);
    const late = await request(owner.token, o.id, [{ sku: pen, quantity: 1 }]);
    expect(late.status).toBe(422);
    expect(late.body.code).toBe('return_window_closed');
    // The call centre too; and someone else's order is not even there.
    expect((await request(w.tokens.callCenter, o.id, [{ sku: pen, quantity: 1 }])).status).toBe(422);
    expect((await request(customer.token, o.id, [{ sku: pen, quantity: 1 }])).status).toBe(404);
  });
});
