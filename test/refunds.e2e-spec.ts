import { randomUUID } from 'node:crypto';
import { shanghaiPeriod } from '@campus/core';
import type { Fixtures, TestApp, World } from '@campus/testing';
import { eventually } from '@campus/testing';
import { auth, startApp } from './support/app';
import { FakeAlipay, startFakeAlipay } from './support/fake-alipay';
import { FulfilmentDriver, newPhone } from './support/fulfilment';

/**
 * The order's money ledger end to end: cash refunds owed by whoever holds the cash (the agent who
 * collected it at the door, or the counter), their place in the agent's settlement, marking them paid
 * out (scoped, audited), a paid locker parcel sent back, and the database's own guards.
 */

// Parcels are sent back after LOCKER_HOLD_HOURS × LOCKER_HOUR_MS = 300 ms (the real timers, shortened).
jest.setTimeout(90_000);

interface Refund {
  id: string;
  orderId: string;
  amountCents: number;
  method: string;
  status: string;
  cause: string;
  holder: { agentId: string | null; pickupPointId: string | null } | null;
  paidOutAt: string | null;
  paidOutById: string | null;
}

describe('Refunds and the cash that pays them (e2e)', () => {
  let app: TestApp;
  let fx: Fixtures;
  let w: World;
  let d: FulfilmentDriver;
  let fake: FakeAlipay;

  beforeAll(async () => {
    fake = await startFakeAlipay({
      deliver: async (url, form) => {
        const res = await app.http().post(url.pathname).type('form').send(form);
        return { status: res.status, text: res.text };
      },
    });
    ({ app, fx } = await startApp({
      worker: true,
      workerAttempts: 3,
      workerBackoffMs: 200,
      env: { ...fake.env, LOCKER_HOUR_MS: '100', LOCKER_HOLD_HOURS: '3' },
    }));
    w = await fx.world();
    d = new FulfilmentDriver(app, fx, w);
  });
  afterAll(async () => {
    await app?.close();
    await fake?.close();
  });

  const refundsOf = async (orderId: string, token = w.tokens.admin) =>
    (await app.http().get(`/api/orders/${orderId}/payments`).set(auth(token))).body.refunds as Refund[];
  const paidOut = (id: string, token: string) =>
    app.http().post(`/api/refunds/${id}/paid-out`).set(auth(token)).send({});

  it('a delivered COD order returned: a cash refund owed by the agent who collected, in their settlement, then paid out', async () => {
    const site = await d.site({ agents: 1 });
    const o = await d.order(d.doorOrder(site.campus.id, newPhone()));
    const agent = await d.outForDelivery(o.id, site);
    const delivered = await d.post(agent.token, `/api/orders/${o.id}/deliver`, {
      codCollectedCents: o.totalCents,
    });
    expect(delivered.status).toBe(200);
    await d.completed(o.id);

    const returned = await d.post(w.tokens.managerA, `/api/orders/${o.id}/return`, {
      reason: 'screen cracked',
    });
    expect(returned.status).toBe(200);
    // Written with the return (no worker involved): owed in cash by the agent who took the cash.
    const [refund] = await refundsOf(o.id);
    expect(refund).toMatchObject({
      amountCents: o.totalCents,
      method: 'cash',
      status: 'owed',
      cause: 'return',
      holder: { agentId: agent.id, pickupPointId: null },
    });
    const owed = await app
      .http()
      .get('/api/refunds')
      .query({ method: 'cash', status: 'owed', holderAgentId: agent.id })
      .set(auth(w.tokens.managerA));
    expect(owed.body.items.map((r: Refund) => r.id)).toEqual([refund.id]);

    // The agent's money: the COD cash held and the cash refund they pay back out of it.
    const earnings = await eventually(async () => {
      const res = await app.http().get(`/api/agents/${agent.id}/earnings`).set(auth(agent.token));
      return res.body.cashRefundsCents === o.totalCents && res.body;
    });
    expect(earnings).toMatchObject({
      codHeldCents: o.totalCents,
      cashRefundsCents: o.totalCents,
      netCents: 0,
    });

    const period = shanghaiPeriod(new Date());
    const created = await d.post(w.tokens.managerA, '/api/settlements', { regionId: w.regionA.id, period });
    expect(created.status).toBe(201);
    const statement = (created.body.statements as { agentId: string }[]).find((s) => s.agentId === agent.id);
    expect(statement).toMatchObject({
      codHeldCents: o.totalCents,
      cashRefundsCents: o.totalCents,
      netCents: 0,
    });
    const lines = await app
      .http()
      .get(`/api/settlements/${created.body.id}/statements/${agent.id}`)
      .set(auth(agent.token));
    expect(lines.body.cashRefunds).toEqual([
      expect.objectContaining({ refundId: refund.id, orderId: o.id, amountCents: o.totalCents, period }),
    ]);
    const csv = await app
      .http()
      .get(`/api/settlements/${created.body.id}/export.csv`)
      .set(auth(w.tokens.managerA))
      .buffer(true)
      .parse((res, cb) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString('utf8')));
        res.on('end', () => cb(null, text));
      });
    const rows = (csv.body as string)
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    const header = rows[0].split(',');
    const cells = rows.find((r) => r.includes(agent.id))!.split(',');
    const cell = (name: string) => cells[header.indexOf(name)];
    expect([cell('cod_held'), cell('cash_refunds'), cell('net_payable')]).toEqual([
      (o.totalCents / 100).toFixed(2),
      (o.totalCents / 100).toFixed(2),
      '0.00',
    ]);
    const integrity = await app
      .http()
      .get('/api/commissions/integrity')
      .query({ period })
      .set(auth(w.tokens.admin));
    expect(integrity.body).toMatchObject({ ok: true, problems: [] });

    // Paid out to the customer: only by the region's manager or an admin, once, audited.
    expect((await paidOut(refund.id, w.tokens.managerB)).status).toBe(404);
    expect((await paidOut(refund.id, agent.token)).status).toBe(403);
    expect((await paidOut(refund.id, w.tokens.callCenter)).status).toBe(403);
    const done = await paidOut(refund.id, w.tokens.managerA);
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ id: refund.id, status: 'paid_out' });
    expect(done.body.paidOutAt).not.toBeNull();
    const again = await paidOut(refund.id, w.tokens.admin);
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ code: 'illegal_transition', currentStatus: 'paid_out' });
    const audit = await app.sql<{ action: string; after: { status: string } }>(
      `SELECT action, after FROM audit_log WHERE entity_type = 'refund' AND entity_id = $1`,
      [refund.id],
    );
    expect(audit).toEqual([
      expect.objectContaining({
        action: 'refund.paid_out',
        after: expect.objectContaining({ status: 'paid_out' }),
      }),
    ]);
    expect((await d.events(o.id)).map((e) => e.type)).toContain('refund_paid_out');
  });

  it('a counter sale cancelled after the cash was taken: a cash refund owed by the pickup point', async () => {
    const site = await d.site({ agents: 1 });
    const placed = await d.place(site.pickupStaff, {
      customer: { phone: newPhone() },
      lines: [{ sku: w.skus.pen, quantity: 3 }],
      fulfillment: { type: 'counter', pickupPointId: site.point.id },
      paymentMethod: 'counter',
    });
    expect(placed.status).toBe(201);
    const receipt = await app.sql<{ method: string; holder_pickup_point_id: string; amount_cents: string }>(
      `SELECT method, holder_pickup_point_id, amount_cents FROM payments WHERE order_id = $1`,
      [placed.body.id],
    );
    expect(receipt).toEqual([
      {
        method: 'counter',
        holder_pickup_point_id: site.point.id,
        amount_cents: String(placed.body.totalCents),
      },
    ]);
    await d.post(w.tokens.managerA, `/api/orders/${placed.body.id}/cancel`, {
      reason: 'goods damaged on the shelf',
    });
    const [refund] = await refundsOf(placed.body.id);
    expect(refund).toMatchObject({
      method: 'cash',
      status: 'owed',
      cause: 'cancel',
      amountCents: placed.body.totalCents,
      holder: { agentId: null, pickupPointId: site.point.id },
    });
    // Owed, it is not yet out of the drawer; paid out, the day's cash-up counts it as refunded.
    const day = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
    const cashUp = () =>
      app.http().get(`/api/pickup-points/${site.point.id}/cash-ups/${day}`).set(auth(site.pickupStaff));
    expect((await cashUp()).body.refundedCents).toBe(0);
    expect((await paidOut(refund.id, w.tokens.managerA)).body.status).toBe('paid_out');
    const after = (await cashUp()).body;
    expect(after).toMatchObject({
      collectedCents: placed.body.totalCents,
      refundedCents: placed.body.totalCents,
      expectedCents: 0,
    });
    expect(after.refunds).toEqual([
      expect.objectContaining({
        refundId: refund.id,
        orderNumber: placed.body.number,
        amountCents: placed.body.totalCents,
      }),
    ]);
  });

  it('a paid locker parcel nobody collects is sent back and its money refunded through Alipay', async () => {
    const site = await d.site({ agents: 1 });
    const c = await fx.customer(newPhone());
    const placed = await d.place(c.token, {
      lines: [{ sku: w.skus.usb, quantity: 1 }],
      fulfillment: { type: 'locker', pickupPointId: site.point.id },
      paymentMethod: 'online',
    });
    expect(placed.status).toBe(201);
    const attempt = await app
      .http()
      .post(`/api/orders/${placed.body.id}/payments`)
      .set(auth(c.token))
      .send({ method: 'alipay_wap' });
    expect(attempt.status).toBe(201);
    await fetch(attempt.body.redirectUrl); // the customer opens the cashier
    await fake.markPaid(attempt.body.outTradeNo, { notify: true });
    const agent = await d.outForDelivery(placed.body.id, site);
    expect(
      (await d.post(agent.token, `/api/orders/${placed.body.id}/deposit`, { lockerId: site.locker.id }))
        .status,
    ).toBe(200);
    await eventually(async () => (await d.get(placed.body.id)).status === 'returned', 20_000);
    const refund = await eventually(async () => {
      const [r] = await refundsOf(placed.body.id, c.token);
      return r?.status === 'succeeded' && r;
    }, 20_000);
    expect(refund).toMatchObject({ method: 'alipay', cause: 'expire', amountCents: placed.body.totalCents });
    expect(fake.refunds.filter((r) => r.outTradeNo === attempt.body.outTradeNo)).toEqual([
      expect.objectContaining({
        outRequestNo: refund.id,
        refundAmount: (placed.body.totalCents / 100).toFixed(2),
      }),
    ]);
  });

  it('an order that never received money owes nothing when cancelled; refunds are scoped like orders', async () => {
    const o = await d.order({
      customer: { phone: newPhone() },
      lines: [{ sku: w.skus.pen, quantity: 1 }],
      fulfillment: { type: 'locker', pickupPointId: w.pointA1.id },
      paymentMethod: 'cod',
    });
    await d.post(w.tokens.callCenter, `/api/orders/${o.id}/cancel`, { reason: 'no longer needed' });
    expect(await refundsOf(o.id)).toEqual([]);
    const other = await fx.customer(newPhone());
    expect((await app.http().get(`/api/orders/${o.id}/payments`).set(auth(other.token))).status).toBe(404);
    expect((await app.http().get(`/api/orders/${o.id}/payments`).set(auth(w.tokens.managerB))).status).toBe(
      404,
    );
    const bad = await app
      .http()
      .get('/api/refunds')
      .query({ status: 'lost', from: 'yesterday' })
      .set(auth(w.tokens.admin));
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['from', 'status']);
    expect((await paidOut(randomUUID(), w.tokens.admin)).status).toBe(404);
  });

  it('the database keeps refunds within what was received and the ledger append-only', async () => {
    const site = await d.site({ agents: 1 });
    const placed = await d.place(site.pickupStaff, {
      customer: { phone: newPhone() },
      lines: [{ sku: w.skus.pen, quantity: 1 }],
      fulfillment: { type: 'counter', pickupPointId: site.point.id },
      paymentMethod: 'counter',
    });
    await d.post(w.tokens.admin, `/api/orders/${placed.body.id}/cancel`, { reason: 'test' });
    const [refund] = await refundsOf(placed.body.id);
    const [payment] = await app.sql<{ id: string; region_id: string }>(
      `SELECT p.id, o.region_id FROM payments p JOIN orders o ON o.id = p.order_id WHERE p.order_id = $1`,
      [placed.body.id],
    );
    // One more fen than was received, even split over two refunds, is refused.
    await expect(
      app.sql(
        `INSERT INTO refunds (id, order_id, payment_id, region_id, amount_cents, method, status, cause, reason,
           holder_pickup_point_id, requested_by_id, requested_by_role)
         VALUES ($1, $2, $3, $4, 1, 'cash', 'owed', 'return', 'x', $5, $6, 'admin')`,
        [randomUUID(), placed.body.id, payment.id, payment.region_id, site.point.id, randomUUID()],
      ),
    ).rejects.toThrow(/refunds of payment .* would reach/);
    await expect(
      app.sql(`UPDATE refunds SET amount_cents = amount_cents + 1 WHERE id = $1`, [refund.id]),
    ).rejects.toThrow(/may only change its status/);
    await expect(
      app.sql(`UPDATE refunds SET status = 'pending' WHERE id = $1`, [refund.id]),
    ).rejects.toThrow();
    await expect(app.sql(`DELETE FROM refunds WHERE id = $1`, [refund.id])).rejects.toThrow(/never deleted/);
    await expect(app.sql(`UPDATE payments SET amount_cents = 1 WHERE id = $1`, [payment.id])).rejects.toThrow(
      /append-only/,
    );
  });
});
