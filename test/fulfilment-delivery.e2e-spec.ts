import { randomUUID } from 'node:crypto';
import type { Fixtures, TestApp, World } from '@campus/testing';
import { eventually } from '@campus/testing';
import { auth, startApp } from './support/app';
import { FulfilmentDriver, newPhone } from './support/fulfilment';

// The e2e project's testTimeout is not applied per project; these tests wait on the worker.
jest.setTimeout(60_000);

describe('Fulfilment: assignment and door delivery with cash on delivery (e2e)', () => {
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

  describe('the whole path of a door-delivery COD order', () => {
    it('is auto-assigned, dispatched (customer texted), delivered with the exact cash, and the cash is held by the agent', async () => {
      const site = await d.site({ agents: 1 });
      const [agent] = site.agents;
      const phone = newPhone();
      const sku = await fx.product(`DOOR-${randomUUID().slice(0, 6)}`, { stock: 10, priceCents: 3900 });
      const order = await d.order(d.doorOrder(site.campus.id, phone, sku));
      expect(order.totalCents).toBe(7800);

      // 1. auto-assigned through the outbox to the campus's only active agent
      expect(await d.assigned(order.id)).toBe(agent.id);

      // 2. the agent sees it in their work list with what, where and the cash to collect
      const work = await app.http().get('/api/fulfilment/work').set(auth(agent.token));
      expect(work.status).toBe(200);
      expect(work.body.items).toEqual([
        expect.objectContaining({
          order: expect.objectContaining({
            id: order.id,
            lines: [expect.objectContaining({ sku, quantity: 2 })],
          }),
          collectCents: 7800,
          destination: { type: 'delivery', campusId: site.campus.id, address: 'Dorm 5, room 302' },
          nextActions: ['dispatch'],
        }),
      ]);

      // 3. dispatch → out_for_delivery, and the customer is told to have the cash ready
      const out = await d.post(agent.token, `/api/orders/${order.id}/dispatch`);
      expect(out.status).toBe(200);
      expect(out.body.status).toBe('out_for_delivery');
      const texted = await eventually(async () => (await d.texts(phone, 'out_for_delivery'))[0]);
      expect(texted.body).toContain('78.00');

      // 4. deliver: the wrong amount is refused, the exact total is accepted
      const short = await d.post(agent.token, `/api/orders/${order.id}/deliver`, { codCollectedCents: 7000 });
      expect(short.status).toBe(422);
      expect(short.body).toMatchObject({ code: 'cod_amount_mismatch', expectedCents: 7800 });
      const missing = await d.post(agent.token, `/api/orders/${order.id}/deliver`, {});
      expect(missing.status).toBe(400);
      expect(missing.body.errors[0].field).toBe('codCollectedCents');
      const ok = await d.post(agent.token, `/api/orders/${order.id}/deliver`, { codCollectedCents: 7800 });
      expect(ok.status).toBe(200);
      expect(ok.body).toMatchObject({ status: 'delivered', codCollectedCents: 7800 });
      await eventually(async () => (await d.texts(phone, 'delivered'))[0]);

      // 5. the agent's COD-held balance
      const cod = await app.http().get(`/api/agents/${agent.id}/cod`).set(auth(agent.token));
      expect(cod.status).toBe(200);
      expect(cod.body).toMatchObject({
        agentId: agent.id,
        heldCents: 7800,
        entryCount: 1,
        items: [{ orderId: order.id, amountCents: 7800, expectedCents: 7800, overrideReason: null }],
      });

      // 6. every step is on the timeline (who, when, where) and has its outbox event
      await d.completed(order.id); // nothing else pending: completed on delivery
      const events = await d.events(order.id);
      expect(events.map((e) => e.type)).toEqual(['placed', 'assign', 'dispatch', 'deliver', 'complete']);
      expect(events[1]).toMatchObject({
        toStatus: 'assigned',
        actor: { role: 'system' },
        data: { agentId: agent.id, mode: 'auto', openDeliveries: 0 },
      });
      expect(events[2]).toMatchObject({
        toStatus: 'out_for_delivery',
        actor: { id: agent.id, role: 'agent' },
      });
      expect(events[3]).toMatchObject({
        toStatus: 'delivered',
        actor: { id: agent.id, role: 'agent' },
        data: { codCollectedCents: 7800, expectedCents: 7800, override: false, address: 'Dorm 5, room 302' },
      });
      const outbox = await app.sql<{ action: string }>(
        `SELECT payload->>'action' AS action FROM outbox WHERE aggregate_id = $1 AND event_type = 'order.status_changed'
          ORDER BY id`,
        [order.id],
      );
      expect(outbox.map((r) => r.action)).toEqual(['assign', 'dispatch', 'deliver', 'complete']);
      // the goods left stock for good on delivery
      const stock = await app.http().get(`/api/products/${sku}`).set(auth(w.tokens.admin));
      expect(stock.body.stock).toMatchObject({ onHand: 8, reserved: 0 });
    });

    it('keeps the COD ledger append-only with one entry per order', async () => {
      const [entry] = await app.sql<{ id: string; order_id: string }>(
        `SELECT id, order_id FROM cod_ledger LIMIT 1`,
      );
      await expect(
        app.sql(`UPDATE cod_ledger SET amount_cents = 1 WHERE id = $1`, [entry.id]),
      ).rejects.toThrow(/append-only/);
      await expect(app.sql(`DELETE FROM cod_ledger WHERE id = $1`, [entry.id])).rejects.toThrow(
        /append-only/,
      );
      await expect(
        app.sql(
          `INSERT INTO cod_ledger (order_id, agent_id, amount_cents, expected_cents, recorded_by_id, recorded_by_role)
           SELECT order_id, agent_id, amount_cents, expected_cents, recorded_by_id, recorded_by_role
             FROM cod_ledger WHERE id = $1`,
          [entry.id],
        ),
      ).rejects.toThrow(/cod_ledger_order_key/);
    });

    it('lets a manager record a different amount with a reason; agents may not override', async () => {
      const site = await d.site({ agents: 1 });
      const order = await d.order(d.doorOrder(site.campus.id, newPhone()));
      const agent = await d.outForDelivery(order.id, site);

      const agentOverride = await d.post(agent.token, `/api/orders/${order.id}/deliver`, {
        codCollectedCents: 7000,
        overrideReason: 'customer was short',
      });
      expect(agentOverride.status).toBe(403);
      const noReason = await d.post(w.tokens.managerA, `/api/orders/${order.id}/deliver`, {
        codCollectedCents: 7000,
      });
      expect(noReason.status).toBe(422);
      const tooMuch = await d.post(w.tokens.managerA, `/api/orders/${order.id}/deliver`, {
        codCollectedCents: 9000,
        overrideReason: 'tip',
      });
      expect(tooMuch.status).toBe(422);
      expect(tooMuch.body.code).toBe('cod_over_collected');
      const otherRegion = await d.post(w.tokens.managerB, `/api/orders/${order.id}/deliver`, {
        codCollectedCents: 7000,
        overrideReason: 'x',
      });
      expect(otherRegion.status).toBe(404);

      const res = await d.post(w.tokens.managerA, `/api/orders/${order.id}/deliver`, {
        codCollectedCents: 7000,
        overrideReason: 'customer was ¥8 short; agreed by phone',
      });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ status: 'delivered', codCollectedCents: 7000 });
      const events = await d.events(order.id);
      expect(events.find((e) => e.type === 'deliver')).toMatchObject({
        type: 'deliver',
        actor: { role: 'regional_manager' },
        reason: 'customer was ¥8 short; agreed by phone',
        data: { codCollectedCents: 7000, expectedCents: 7800, override: true, agentId: agent.id },
      });
      const cod = await app.http().get(`/api/agents/${agent.id}/cod`).set(auth(w.tokens.managerA));
      expect(cod.body).toMatchObject({
        heldCents: 7000,
        items: [{ amountCents: 7000, expectedCents: 7800, recordedBy: { role: 'regional_manager' } }],
      });
      // another manager's region, and another agent's balance, are out of scope
      expect((await app.http().get(`/api/agents/${agent.id}/cod`).set(auth(w.tokens.managerB))).status).toBe(
        404,
      );
      expect((await app.http().get(`/api/agents/${agent.id}/cod`).set(auth(w.agentA1.token))).status).toBe(
        404,
      );
      expect(
        (await app.http().get(`/api/agents/${agent.id}/cod`).set(auth(w.tokens.callCenter))).status,
      ).toBe(403);
    });

    it('refuses door delivery of a locker order (it is deposited)', async () => {
      const site = await d.site({ agents: 1 });
      const order = await d.order(d.lockerOrder(site, newPhone()));
      const agent = await d.outForDelivery(order.id, site);
      const res = await d.post(agent.token, `/api/orders/${order.id}/deliver`, { codCollectedCents: 3900 });
      expect(res.status).toBe(422);
      expect(res.body.code).toBe('wrong_fulfilment');
    });
  });

  describe('auto-assignment', () => {
    it('gives each new order to the least-loaded active agent, ties to the longest idle', async () => {
      const site = await d.site({ agents: 1 });
      const [busy] = site.agents;
      const phone = newPhone();
      for (let i = 0; i < 3; i++) {
        const o = await d.order(d.doorOrder(site.campus.id, phone));
        expect(await d.assigned(o.id)).toBe(busy.id);
      }
      const a = await fx.agent(site.campus.id, 'fresh-a');
      const b = await fx.agent(site.campus.id, 'fresh-b');
      const first = await d.assigned((await d.order(d.doorOrder(site.campus.id, phone))).id);
      expect([a.id, b.id]).toContain(first);
      const second = await d.assigned((await d.order(d.doorOrder(site.campus.id, phone))).id);
      expect(second).toBe(first === a.id ? b.id : a.id); // 0 open beats 1 open
      const third = await d.assigned((await d.order(d.doorOrder(site.campus.id, phone))).id);
      expect(third).toBe(first); // both have 1 open; `first` has been idle longer
    });

    it('balances 20 orders placed at once over 4 agents (assignments lock what they count)', async () => {
      const site = await d.site({ agents: 4 });
      const orders = await Promise.all(
        Array.from({ length: 20 }, () => d.order(d.doorOrder(site.campus.id, newPhone(), w.skus.pen))),
      );
      const agents = await Promise.all(orders.map((o) => d.assigned(o.id)));
      const load = new Map<string, number>();
      for (const a of agents) load.set(a, (load.get(a) ?? 0) + 1);
      expect([...load.values()]).toEqual([5, 5, 5, 5]);
    });

    it('leaves an order with no active agent on its campus unassigned, in the manager’s pool', async () => {
      const order = await d.order(d.doorOrder(w.campusA2.id, newPhone()));
      await eventually(async () => (await d.events(order.id)).find((e) => e.type === 'assignment_pending'));
      expect(await d.get(order.id)).toMatchObject({ status: 'confirmed', assignedAgentId: null });
      const pool = await app
        .http()
        .get('/api/orders')
        .query({ unassigned: 'true', limit: 200 })
        .set(auth(w.tokens.managerA));
      expect(pool.status).toBe(200);
      expect(pool.body.items.map((o: { id: string }) => o.id)).toContain(order.id);
      expect(
        pool.body.items.every(
          (o: { status: string; assignedAgentId: string | null }) =>
            o.status === 'confirmed' && o.assignedAgentId === null,
        ),
      ).toBe(true);
      const otherRegion = await app
        .http()
        .get('/api/orders')
        .query({ unassigned: 'true', limit: 200 })
        .set(auth(w.tokens.managerB));
      expect(otherRegion.body.items.map((o: { id: string }) => o.id)).not.toContain(order.id);
    });
  });

  describe('assignment by a manager', () => {
    it('assigns and reassigns within scope: 404 out of scope, 422 for an agent who cannot take it, 403 for other roles', async () => {
      const order = await d.order(d.doorOrder(w.campusA2.id, newPhone()));
      const first = await fx.agent(w.campusA2.id, 'a2-first');
      const second = await fx.agent(w.campusA2.id, 'a2-second');
      // wait until the worker has looked at it (no agent existed when it was placed, or it got one now)
      await eventually(async () =>
        (await d.events(order.id)).find((e) => e.type === 'assignment_pending' || e.type === 'assign'),
      );

      const path = `/api/orders/${order.id}/assign`;
      expect((await d.post(w.tokens.managerB, path, { agentId: first.id })).status).toBe(404);
      expect((await d.post(w.tokens.managerA, path, { agentId: w.agentB1.id })).status).toBe(404);
      expect((await d.post(w.tokens.managerA, path, { agentId: randomUUID() })).status).toBe(404);
      const otherCampus = await d.post(w.tokens.managerA, path, { agentId: w.agentA1.id });
      expect(otherCampus.status).toBe(422);
      expect(otherCampus.body.code).toBe('agent_unavailable');
      expect((await d.post(w.agentA1.token, path, { agentId: first.id })).status).toBe(403);
      expect((await d.post(w.tokens.callCenter, path, { agentId: first.id })).status).toBe(403);
      expect((await d.post(w.tokens.managerA, path, { agentId: 'nope' })).status).toBe(400);

      const res = await d.post(w.tokens.managerA, path, { agentId: first.id, reason: 'knows the dorm' });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ status: 'assigned', assignedAgentId: first.id });
      const again = await d.post(w.tokens.admin, path, { agentId: second.id });
      expect(again.status).toBe(200);
      expect(again.body.assignedAgentId).toBe(second.id);
      const last = (await d.events(order.id)).at(-1);
      expect(last).toMatchObject({
        type: 'assign',
        fromStatus: 'assigned',
        toStatus: 'assigned',
        actor: { role: 'admin' },
        data: { agentId: second.id, mode: 'manual', previousAgentId: first.id },
      });

      await app
        .http()
        .patch(`/api/agents/${first.id}`)
        .set(auth(w.tokens.managerA))
        .send({ status: 'suspended' })
        .expect(200);
      const suspended = await d.post(w.tokens.managerA, path, { agentId: first.id });
      expect(suspended.status).toBe(422);

      // once dispatched, the order cannot be reassigned
      await d.post(second.token, `/api/orders/${order.id}/dispatch`).expect(200);
      const late = await d.post(w.tokens.managerA, path, { agentId: second.id });
      expect(late.status).toBe(409);
      expect(late.body.currentStatus).toBe('out_for_delivery');
    });
  });

  describe('agent scoping', () => {
    it('an agent cannot see or dispatch another agent’s order, and lists only their own', async () => {
      const site = await d.site({ agents: 2 });
      const [x, y] = site.agents;
      const o1 = await d.order(d.doorOrder(site.campus.id, newPhone()));
      const o2 = await d.order(d.doorOrder(site.campus.id, newPhone()));
      const owner1 = await d.assigned(o1.id);
      const owner2 = await d.assigned(o2.id);
      expect(new Set([owner1, owner2])).toEqual(new Set([x.id, y.id]));
      const mine = owner1 === x.id ? o1 : o2;
      const theirs = owner1 === x.id ? o2 : o1;

      expect((await app.http().get(`/api/orders/${theirs.id}`).set(auth(x.token))).status).toBe(404);
      expect((await d.post(x.token, `/api/orders/${theirs.id}/dispatch`)).status).toBe(404);
      expect((await d.post(w.agentB1.token, `/api/orders/${mine.id}/dispatch`)).status).toBe(404);
      expect((await d.post(w.tokens.managerA, `/api/orders/${mine.id}/dispatch`)).status).toBe(403);

      const list = await app.http().get('/api/orders').query({ assignedAgentId: 'me' }).set(auth(x.token));
      expect(list.body.items.map((o: { id: string }) => o.id)).toEqual([mine.id]);
      const all = await app.http().get('/api/orders').query({ limit: 200 }).set(auth(x.token));
      expect(all.body.items.map((o: { id: string }) => o.id)).not.toContain(theirs.id);
      const work = await app.http().get('/api/fulfilment/work').set(auth(x.token));
      expect(work.body.items.map((i: { order: { id: string } }) => i.order.id)).toEqual([mine.id]);

      // an agent who earns on an order (attributed) sees it, but cannot take it out for someone else
      const attributed = await d.place(w.agentA1.token, d.doorOrder(w.campusA1.id, newPhone()));
      await d.assigned(attributed.body.id);
      await d
        .post(w.tokens.managerA, `/api/orders/${attributed.body.id}/assign`, { agentId: w.agentA1b.id })
        .expect(200);
      expect(
        (await app.http().get(`/api/orders/${attributed.body.id}`).set(auth(w.agentA1.token))).status,
      ).toBe(200);
      expect((await d.post(w.agentA1.token, `/api/orders/${attributed.body.id}/dispatch`)).status).toBe(404);
      expect((await d.post(w.agentA1b.token, `/api/orders/${attributed.body.id}/dispatch`)).status).toBe(200);
    });
  });

  describe('suspension', () => {
    it('returns a suspended agent’s undispatched orders to the pool and re-assigns them; dispatched ones stay', async () => {
      const site = await d.site({ agents: 1 });
      const [leaving] = site.agents;
      const orders = [];
      for (let i = 0; i < 3; i++) orders.push(await d.order(d.doorOrder(site.campus.id, newPhone())));
      for (const o of orders) expect(await d.assigned(o.id)).toBe(leaving.id);
      await d.post(leaving.token, `/api/orders/${orders[0].id}/dispatch`).expect(200);
      const staying = await fx.agent(site.campus.id, 'staying');

      const res = await app
        .http()
        .patch(`/api/agents/${leaving.id}`)
        .set(auth(w.tokens.managerA))
        .send({ status: 'suspended' });
      expect(res.status).toBe(200);
      expect(res.body.status).toBe('suspended');

      for (const o of orders.slice(1)) {
        await eventually(async () => (await d.get(o.id)).assignedAgentId === staying.id);
        const types = (await d.events(o.id)).map((e) => e.type);
        expect(types).toEqual(['placed', 'assign', 'unassign', 'assign']);
        const unassign = (await d.events(o.id))[2];
        expect(unassign).toMatchObject({
          fromStatus: 'assigned',
          toStatus: 'confirmed',
          reason: 'agent suspended',
          data: { agentId: leaving.id, cause: 'suspended' },
        });
        // back in the pool is not a payment: a COD order stays unpaid
        expect((await d.get(o.id)).paidAt).toBeNull();
      }
      expect(await d.get(orders[0].id)).toMatchObject({
        status: 'out_for_delivery',
        assignedAgentId: leaving.id,
      });

      // suspended agents get nothing new
      const fresh = await d.order(d.doorOrder(site.campus.id, newPhone()));
      expect(await d.assigned(fresh.id)).toBe(staying.id);
    });

    it('with no other agent, the orders wait unassigned in the pool', async () => {
      const site = await d.site({ agents: 1 });
      const [only] = site.agents;
      const o = await d.order(d.doorOrder(site.campus.id, newPhone()));
      expect(await d.assigned(o.id)).toBe(only.id);
      await app
        .http()
        .patch(`/api/agents/${only.id}`)
        .set(auth(w.tokens.admin))
        .send({ status: 'suspended' })
        .expect(200);
      await eventually(async () => (await d.events(o.id)).find((e) => e.type === 'assignment_pending'));
      expect(await d.get(o.id)).toMatchObject({ status: 'confirmed', assignedAgentId: null });
      // Issue 17.5: a suspended agent's token changes nothing.
      const dispatch = await d.post(only.token, `/api/orders/${o.id}/dispatch`);
      expect(dispatch.status).toBe(403);
      expect(dispatch.body.code).toBe('agent_suspended');
    });

    it('an agent moved to another campus gives back the old campus’s undispatched orders', async () => {
      const site = await d.site({ agents: 1 });
      const [mover] = site.agents;
      const o = await d.order(d.doorOrder(site.campus.id, newPhone()));
      expect(await d.assigned(o.id)).toBe(mover.id);
      const other = await fx.agent(site.campus.id, 'remaining');
      await app
        .http()
        .patch(`/api/agents/${mover.id}`)
        .set(auth(w.tokens.managerA))
        .send({ campusId: w.campusA2.id })
        .expect(200);
      await eventually(async () => (await d.get(o.id)).assignedAgentId === other.id);
      const unassign = (await d.events(o.id)).find((e) => e.type === 'unassign');
      expect(unassign?.data).toMatchObject({ agentId: mover.id, cause: 'moved' });
    });
  });
});
