import { randomUUID } from 'node:crypto';
import type { Fixtures, TestApp, World } from '@campus/testing';
import { eventually } from '@campus/testing';
import { auth, startApp } from './support/app';
import { FulfilmentDriver, newPhone, Site } from './support/fulfilment';

/**
 * The real timers, shortened: LOCKER_HOUR_MS makes one hour of the locker schedule last 100 ms, so
 * with a 36-hour hold the 24-hour reminder fires after 2.4 s and the expiry after 3.6 s. Everything
 * else is production code: outbox rows with available_at, the relay, Bull, the timer consumer.
 */
const HOUR_MS = 100;
const HOLD_HOURS = 36;

// The e2e project's testTimeout is not applied per project; these tests wait on the worker.
jest.setTimeout(60_000);

describe('Fulfilment: reminders and expiry of uncollected parcels (e2e)', () => {
  let app: TestApp;
  let fx: Fixtures;
  let w: World;
  let d: FulfilmentDriver;

  beforeAll(async () => {
    ({ app, fx } = await startApp({
      worker: true,
      env: { LOCKER_HOUR_MS: String(HOUR_MS), LOCKER_HOLD_HOURS: String(HOLD_HOURS) },
    }));
    w = await fx.world();
    d = new FulfilmentDriver(app, fx, w);
  });
  afterAll(() => app?.close());

  const deposited = async (site: Site, phone: string, sku: string, type: 'locker' | 'counter') => {
    // A counter order keyed at the counter is handed over there; one bought by phone is carried in.
    const placed = await d.place(type === 'locker' ? site.pickupStaff : w.tokens.callCenter, {
      customer: { phone },
      lines: [{ sku, quantity: 2 }],
      fulfillment: { type, pickupPointId: site.point.id },
      paymentMethod: type === 'locker' ? 'counter' : 'cod',
    });
    expect(placed.status).toBe(201);
    const agent = await d.outForDelivery(placed.body.id, site);
    const dep = await d.post(
      agent.token,
      `/api/orders/${placed.body.id}/deposit`,
      type === 'locker' ? { lockerId: site.locker.id } : {},
    );
    expect(dep.status).toBe(200);
    return {
      id: placed.body.id as string,
      agent,
      compartment: dep.body.compartment as { id: string } | null,
    };
  };

  it('reminds the customer, then returns the order, frees the compartment and tells the agent to retrieve it', async () => {
    const site = await d.site({ agents: 1 });
    const sku = await fx.product(`EXP-${randomUUID().slice(0, 6)}`, { stock: 10 });
    const phone = newPhone();
    const inLocker = await deposited(site, phone, sku, 'locker');
    const atCounter = await deposited(site, phone, sku, 'counter');
    const stock = async () =>
      (await app.http().get(`/api/products/${sku}`).set(auth(w.tokens.admin))).body.stock as {
        onHand: number;
        reserved: number;
      };
    expect(await stock()).toMatchObject({ onHand: 10, reserved: 4 });

    for (const o of [inLocker, atCounter]) {
      await eventually(async () => (await d.get(o.id)).status === 'returned', 15_000);
    }
    const reminders = await d.texts(phone, 'pickup_reminder');
    expect(reminders.map((t) => t.orderId).sort()).toEqual([inLocker.id, atCounter.id].sort());
    expect(await stock()).toMatchObject({ onHand: 10, reserved: 0 });

    const lockerView = await app.http().get(`/api/lockers/${site.locker.id}`).set(auth(w.tokens.admin));
    expect(
      lockerView.body.compartments.find((c: { id: string }) => c.id === inLocker.compartment!.id),
    ).toMatchObject({ state: 'free', orderId: null });

    const events = await d.events(inLocker.id);
    expect(events.map((e) => e.type)).toEqual([
      'placed',
      'assign',
      'dispatch',
      'deposit',
      'pickup_reminder',
      'expire',
    ]);
    expect(events[4].data).toMatchObject({ hour: 24 });
    expect(events[5]).toMatchObject({
      fromStatus: 'awaiting_pickup',
      toStatus: 'returned',
      actor: { role: 'system' },
      reason: `not collected within ${HOLD_HOURS} hours`,
      data: { lockerId: site.locker.id, compartmentId: inLocker.compartment!.id },
    });

    const agentPhone = (await app.http().get(`/api/agents/${inLocker.agent.id}`).set(auth(w.tokens.admin)))
      .body.phone as string;
    const retrieve = await d.texts(agentPhone, 'parcel_retrieve');
    expect(retrieve.map((t) => t.orderId).sort()).toEqual([inLocker.id, atCounter.id].sort());
    expect(retrieve.find((t) => t.orderId === inLocker.id)!.body).toContain(`${site.locker.code}-`);
    const returned = await d.texts(phone, 'parcel_returned');
    expect(returned).toHaveLength(2);

    const parcels = await app.sql<{ state: string }>(
      `SELECT state FROM parcels WHERE order_id = ANY($1::uuid[])`,
      [[inLocker.id, atCounter.id]],
    );
    expect(parcels.map((p) => p.state)).toEqual(['expired', 'expired']);

    // a code for an expired parcel opens nothing
    const code = await d.pickupCode(phone, inLocker.id);
    const late = await d.post(site.pickupStaff, `/api/lockers/${site.locker.id}/pickup`, { code, phone });
    expect(late.status).toBe(422);
  });

  it('does nothing when the parcel was collected before its timers fired', async () => {
    const site = await d.site({ agents: 1 });
    const sku = await fx.product(`KEPT-${randomUUID().slice(0, 6)}`, { stock: 10 });
    const phone = newPhone();
    const customer = await fx.customer(phone); // signed in beforehand: the pickup beats the first timer
    const o = await deposited(site, phone, sku, 'locker');
    const code = await d.pickupCode(phone, o.id);
    await d.post(customer.token, `/api/lockers/${site.locker.id}/pickup`, { code }).expect(200);

    const [parcel] = await app.sql<{ id: string }>(`SELECT id FROM parcels WHERE order_id = $1`, [o.id]);
    // the timers did fire (and recorded that they ran) ...
    await eventually(async () => {
      const rows = await app.sql(`SELECT consumer FROM processed_jobs WHERE key = $1`, [parcel.id]);
      return rows.length === 2;
    }, 15_000);
    // ... and changed nothing (the order completed at pickup, as nothing else was pending)
    await d.completed(o.id);
    expect((await d.events(o.id)).map((e) => e.type)).toEqual([
      'placed',
      'assign',
      'dispatch',
      'deposit',
      'pickup',
      'complete',
    ]);
    expect(await d.texts(phone, 'pickup_reminder')).toEqual([]);
    expect(await d.texts(phone, 'parcel_returned')).toEqual([]);
    const [stock] = await app.sql<{ on_hand: number; reserved: number }>(
      `SELECT on_hand, reserved FROM stock s JOIN products p ON p.id = s.product_id WHERE p.sku = $1`,
      [sku],
    );
    expect(stock).toEqual({ on_hand: 8, reserved: 0 });
  });
});
