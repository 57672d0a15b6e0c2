import { randomUUID } from 'node:crypto';
import { Fixtures, TestApp, World } from '@campus/testing';
import { auth, startApp } from './support/app';
import { signedNotice } from './support/payments';

describe('Payment notices (e2e)', () => {
  let app: TestApp;
  let fx: Fixtures;
  let w: World;
  let customer: { token: string };

  beforeAll(async () => {
    ({ app, fx } = await startApp());
    w = await fx.world();
    customer = await fx.customer('+8613866660001');
  });
  afterAll(() => app?.close());

  const onlineOrder = async (paymentMethod = 'online') => {
    const res = await app
      .http()
      .post('/api/orders')
      .set(auth(customer.token))
      .set('Idempotency-Key', randomUUID())
      .send({
        lines: [{ sku: w.skus.usb, quantity: 1 }],
        fulfillment: { type: 'locker', pickupPointId: w.pointA1.id },
        paymentMethod,
      });
    expect(res.status).toBe(201);
    return res.body as { id: string; totalCents: number; status: string };
  };

  it('a valid notice confirms the order, once, and a replay of the same reference is a 200 no-op', async () => {
    const order = await onlineOrder();
    const notice = { orderId: order.id, amountCents: order.totalCents, providerRef: `pay-${randomUUID()}` };
    const first = await signedNotice(app, notice);
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ status: 'applied', orderId: order.id, orderStatus: 'confirmed' });
    const replay = await signedNotice(app, notice);
    expect(replay.status).toBe(200);
    expect(replay.body).toEqual({ status: 'duplicate', orderId: order.id, orderStatus: 'confirmed' });
    const got = await app.http().get(`/api/orders/${order.id}`).set(auth(w.tokens.admin));
    expect(got.body.status).toBe('confirmed');
    expect(got.body.paidAt).not.toBeNull();
    const events = await app.http().get(`/api/orders/${order.id}/events`).set(auth(w.tokens.admin));
    expect(events.body.filter((e: { type: string }) => e.type === 'pay')).toHaveLength(1);
    expect(await app.sql(`SELECT 1 FROM payments WHERE order_id = $1`, [order.id])).toHaveLength(1);
    const outbox = await app.sql(
      `SELECT 1 FROM outbox WHERE aggregate_id = $1 AND event_type = 'order.status_changed'`,
      [order.id],
    );
    expect(outbox).toHaveLength(1);
  });

  it('concurrent replays of one notice confirm once', async () => {
    const order = await onlineOrder();
    const notice = { orderId: order.id, amountCents: order.totalCents, providerRef: `pay-${randomUUID()}` };
    const results = await Promise.all(Array.from({ length: 10 }, () => signedNotice(app, notice)));
    expect(results.map((r) => r.status)).toEqual(Array(10).fill(200));
    expect(results.filter((r) => r.body.status === 'applied')).toHaveLength(1);
    expect(
      await app.sql(`SELECT 1 FROM order_events WHERE order_id = $1 AND type = 'pay'`, [order.id]),
    ).toHaveLength(1);
  });

  it('a bad or missing signature is 401 and changes nothing', async () => {
    const order = await onlineOrder();
    const notice = { orderId: order.id, amountCents: order.totalCents, providerRef: `pay-${randomUUID()}` };
    const forged = await signedNotice(app, notice, 'not-the-secret-at-all');
    expect(forged.status).toBe(401);
    expect(forged.body.code).toBe('bad_signature');
    const unsigned = await app.http().post('/api/payments/notify').send(notice);
    expect(unsigned.status).toBe(401);
    const got = await app.http().get(`/api/orders/${order.id}`).set(auth(w.tokens.admin));
    expect(got.body.status).toBe('pending_payment');
    expect(await app.sql(`SELECT 1 FROM payments WHERE order_id = $1`, [order.id])).toHaveLength(0);
  });

  it('a wrong amount is 422 and records nothing', async () => {
    const order = await onlineOrder();
    const res = await signedNotice(app, {
      orderId: order.id,
      amountCents: order.totalCents - 1,
      providerRef: `pay-${randomUUID()}`,
    });
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({
      code: 'amount_mismatch',
      expected: order.totalCents,
      got: order.totalCents - 1,
    });
    expect(await app.sql(`SELECT 1 FROM payments WHERE order_id = $1`, [order.id])).toHaveLength(0);
  });

  it('an unknown order is 404; a cash-on-delivery order is 422; malformed notices are 400', async () => {
    expect(
      (
        await signedNotice(app, {
          orderId: randomUUID(),
          amountCents: 100,
          providerRef: `pay-${randomUUID()}`,
        })
      ).status,
    ).toBe(404);
    const cod = await onlineOrder('cod');
    const res = await signedNotice(app, {
      orderId: cod.id,
      amountCents: cod.totalCents,
      providerRef: `pay-${randomUUID()}`,
    });
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('not_an_online_order');
    const bad = await signedNotice(app, { orderId: 'nope', amountCents: 1.5, providerRef: '' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual([
      'amountCents',
      'orderId',
      'providerRef',
    ]);
  });

  it('money for an order that was cancelled meanwhile is not applied: a refund is owed, paid back by finance', async () => {
    const order = await onlineOrder();
    await app
      .http()
      .post(`/api/orders/${order.id}/cancel`)
      .set(auth(customer.token))
      .send({ reason: 'changed mind' })
      .expect(200);
    const notice = { orderId: order.id, amountCents: order.totalCents, providerRef: `pay-${randomUUID()}` };
    const res = await signedNotice(app, notice);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'refund_required', orderId: order.id, orderStatus: 'cancelled' });
    const events = await app.http().get(`/api/orders/${order.id}/events`).set(auth(w.tokens.admin));
    expect(events.body.map((e: { type: string }) => e.type)).toContain('payment_refund_required');
    // The refund is a row of the order's ledger: owed through that provider ("manual"), for the amount.
    const money = await app.http().get(`/api/orders/${order.id}/payments`).set(auth(customer.token));
    expect(money.body.refunds).toEqual([
      expect.objectContaining({
        amountCents: order.totalCents,
        method: 'manual',
        status: 'owed',
        cause: 'late_payment',
        holder: null,
      }),
    ]);
    const refundId = money.body.refunds[0].id as string;
    // Only finance (an admin) marks a provider refund paid out.
    const byManager = await app.http().post(`/api/refunds/${refundId}/paid-out`).set(auth(w.tokens.managerA));
    expect(byManager.status).toBe(403);
    const byAdmin = await app.http().post(`/api/refunds/${refundId}/paid-out`).set(auth(w.tokens.admin));
    expect(byAdmin.status).toBe(200);
    expect(byAdmin.body.status).toBe('paid_out');
    // A replay of the same notice is still a no-op.
    const replay = await signedNotice(app, {
      orderId: order.id,
      amountCents: order.totalCents,
      providerRef: notice.providerRef,
    });
    expect(replay.body.status).toBe('duplicate');
  });
});
