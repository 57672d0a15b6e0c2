import { shanghaiPeriod } from '@campus/core';
import type { Fixtures, TestApp, World } from '@campus/testing';
import { eventually } from '@campus/testing';
import { auth, startApp } from '../support/app';
import { FulfilmentDriver, newPhone, Site } from '../support/fulfilment';

jest.setTimeout(120_000);

/**
 * Issue 17.10: GET /api/agents/:id/cod answers the cash the agent still holds — collected on delivery
 * minus what they handed in (the COD cash of settlements that were paid) — not lifetime cash.
 */
describe('COD cash held by an agent (e2e)', () => {
  let app: TestApp;
  let fx: Fixtures;
  let w: World;
  let d: FulfilmentDriver;
  let site: Site;

  beforeAll(async () => {
    ({ app, fx } = await startApp({ worker: true }));
    w = await fx.world();
    d = new FulfilmentDriver(app, fx, w);
    site = await d.site({ agents: 1 });
  });
  afterAll(() => app?.close());

  const deliverCod = async () => {
    const o = await d.order(d.doorOrder(site.campus.id, newPhone()));
    const agent = await d.outForDelivery(o.id, site);
    const res = await d.post(agent.token, `/api/orders/${o.id}/deliver`, { codCollectedCents: o.totalCents });
    expect(res.status).toBe(200);
    // The commissions ledger learns of the cash through the outbox.
    await eventually(
      async () => (await app.sql(`SELECT 1 FROM commission_cod WHERE order_id = $1`, [o.id]))[0],
    );
    return o;
  };
  const cod = async (token = w.tokens.admin) =>
    (await app.http().get(`/api/agents/${site.agents[0].id}/cod`).set(auth(token))).body as {
      heldCents: number;
      collectedCents: number;
      settledCents: number;
      refundsPaidOutCents: number;
      items: { orderId: string; settled: boolean }[];
    };

  it('held = collected − settled − refunds paid out: a paid settlement takes the cash off, later cash counts, a cash refund handed over leaves the agent', async () => {
    const a = await deliverCod();
    const b = await deliverCod();
    expect(await cod(site.agents[0].token)).toMatchObject({
      collectedCents: a.totalCents + b.totalCents,
      settledCents: 0,
      heldCents: a.totalCents + b.totalCents,
    });

    const settlement = await d.post(w.tokens.managerA, '/api/settlements', {
      regionId: w.regionA.id,
      period: shanghaiPeriod(new Date()),
    });
    expect(settlement.status).toBe(201);
    // Drawn up and approved, the cash is still with the agent until the settlement is paid.
    expect((await d.post(w.tokens.admin, `/api/settlements/${settlement.body.id}/approve`)).status).toBe(200);
    expect((await cod()).heldCents).toBe(a.totalCents + b.totalCents);
    expect(
      (await d.post(w.tokens.admin, `/api/settlements/${settlement.body.id}/mark-paid`, {})).status,
    ).toBe(200);

    const after = await cod(site.agents[0].token);
    expect(after).toMatchObject({
      collectedCents: a.totalCents + b.totalCents,
      settledCents: a.totalCents + b.totalCents,
      heldCents: 0,
    });
    expect(after.items.every((e) => e.settled)).toBe(true);

    const c = await deliverCod();
    const now = await cod();
    expect(now.heldCents).toBe(c.totalCents);
    expect(now.items.find((e) => e.orderId === c.id)).toMatchObject({ settled: false });
    // The agent's earnings say the same.
    const earnings = await app
      .http()
      .get(`/api/agents/${site.agents[0].id}/earnings`)
      .set(auth(w.tokens.admin));
    expect(earnings.body.codHeldCents).toBe(c.totalCents);

    // The order comes back: its cash is refunded by the agent who holds it; once handed to the
    // customer (paid out), the agent no longer holds it.
    expect((await d.post(w.tokens.managerA, `/api/orders/${c.id}/return`, { reason: 'faulty' })).status).toBe(
      200,
    );
    const refund = await eventually(async () => {
      const res = await app.http().get('/api/refunds').set(auth(w.tokens.admin));
      return (res.body.items as { id: string; orderId: string; method: string; status: string }[]).find(
        (r) => r.orderId === c.id && r.method === 'cash',
      );
    });
    expect(refund.status).toBe('owed');
    expect((await cod()).heldCents).toBe(c.totalCents);
    expect((await d.post(w.tokens.managerA, `/api/refunds/${refund.id}/paid-out`)).status).toBe(200);
    expect(await cod()).toMatchObject({ heldCents: 0, refundsPaidOutCents: c.totalCents });
  });
});
