import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { eventually, Fixtures, phoneOrder, TestApp, testEnv, World } from '@campus/testing';
import { auth, startApp } from '../support/app';
import { FakeTwilio } from '../support/fake-twilio';
import { Replica, startApiReplica, startWorkerReplica } from './support/replicas';

const TWILIO = {
  TWILIO_ACCOUNT_SID: `AC${'5'.repeat(32)}`,
  TWILIO_AUTH_TOKEN: 'test-twilio-auth-token',
  TWILIO_FROM: '+15005550006',
};

/**
 * README "Scaling out": N API and M worker processes on one PostgreSQL and one Redis. API A runs in
 * this process; API B and both workers are separate Node processes started from the apps' real
 * entry points, so one of them can be killed with SIGKILL.
 */
describe('Scale-out: two APIs and two workers on one PostgreSQL and Redis (e2e)', () => {
  const twilio = new FakeTwilio();
  let app: TestApp;
  let fx: Fixtures;
  let w: World;
  let apiB: Replica;
  const workers: Replica[] = [];
  let env: Record<string, string>;

  beforeAll(async () => {
    const twilioUrl = await twilio.start();
    // Short job locks: a killed worker's jobs return to the queue in seconds, not in a minute.
    // A text left "sending" by a killed worker is looked up at Twilio once it is 10 s old (not 120 s).
    const shared = {
      ...TWILIO,
      TWILIO_API_BASE_URL: twilioUrl,
      QUEUE_LOCK_MS: '2000',
      SMS_SENDING_STALE_SECONDS: '10',
    };
    ({ app, fx } = await startApp({ env: shared }));
    env = testEnv(app.config.databaseUrl, {
      ...shared,
      QUEUE_PREFIX: app.config.queuePrefix,
      LOG_LEVEL: process.env.TEST_LOG_LEVEL || 'warn',
    });
    [apiB] = await Promise.all([startApiReplica(env), startWorkerReplica(env).then((r) => workers.push(r))]);
    workers.push(await startWorkerReplica(env));
    w = await fx.world();
    // Each replica loads the TypeScript sources itself: slow on a busy 2-core machine.
  }, 330_000);

  afterAll(async () => {
    await Promise.all([apiB?.stop(), ...workers.map((r) => r.stop())]);
    await app?.close();
    await twilio.stop();
  });

  const posts = () => twilio.requests.filter((r) => r.method === 'POST');
  const onA = () => app.http();
  const onB = () => request(apiB.url!);
  /**
   * One buyer: on 503 (a replica's database pool is saturated on this shared 2-core machine) it tries
   * again with the same Idempotency-Key, as a client following Retry-After would; a replay never
   * makes a second order.
   */
  const place = async (via: typeof onA, body: Record<string, unknown>) => {
    const key = randomUUID();
    for (let attempt = 1; ; attempt++) {
      const res = await via()
        .post('/api/orders')
        .set(auth(w.tokens.callCenter))
        .set('Idempotency-Key', key)
        .send(body);
      if (res.status !== 503 || attempt === 20) return res;
      await new Promise((r) => setTimeout(r, 500 + Math.random() * 1_000));
    }
  };

  it('a token signed in on one API works on the other, both ways', async () => {
    const fromA = w.tokens.callCenter; // signed in through API A by the fixtures
    expect((await onB().get('/api/orders').set(auth(fromA))).status).toBe(200);

    const signIn = await onB()
      .post('/api/auth/login')
      .send({ username: 'admin', password: 'admin-test-password' });
    expect(signIn.status).toBe(200);
    const fromB = signIn.body.accessToken as string;
    const me = await onA().get('/api/regions').set(auth(fromB));
    expect(me.status).toBe(200);
    // A token neither API signed stays refused on both.
    const forged = `${fromB.slice(0, -4)}AAAA`;
    expect((await onA().get('/api/orders').set(auth(forged))).status).toBe(401);
    expect((await onB().get('/api/orders').set(auth(forged))).status).toBe(401);
  });

  it('200 buyers for the last 10 units, spread over both APIs, make exactly 10 orders', async () => {
    const sku = await fx.product(`SCALE10-${randomUUID().slice(0, 8)}`, { stock: 10 });
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        place(i % 2 ? onB : onA, phoneOrder(w, { sku, phone: `+86137${String(i).padStart(8, '0')}` })),
      ),
    );
    const statuses = results.reduce<Record<number, number>>(
      (m, r) => ({ ...m, [r.status]: (m[r.status] ?? 0) + 1 }),
      {},
    );
    const created = results.filter((r) => r.status === 201);
    expect({ statuses, other: results.find((r) => ![201, 409].includes(r.status))?.body }).toEqual({
      statuses: { 201: 10, 409: 190 },
      other: undefined,
    });
    expect(created).toHaveLength(10);
    expect(results.filter((r) => r.status === 409)).toHaveLength(190);
    expect(results.find((r) => r.status === 409)!.body).toMatchObject({ code: 'out_of_stock' });
    // Both APIs took half the buyers, and each answered every one of them with a sale or "sold out".
    for (const side of [0, 1]) {
      const answers = results.filter((_, i) => i % 2 === side).map((r) => r.status);
      expect(answers).toHaveLength(100);
      expect(answers.every((s) => s === 201 || s === 409)).toBe(true);
    }
    const stock = await onA().get(`/api/products/${sku}`).set(auth(w.tokens.admin));
    expect(stock.body.stock).toMatchObject({ onHand: 10, reserved: 10, available: 0 });
    const rows = await app.sql<{ n: number; q: number }>(
      `SELECT count(DISTINCT order_id)::int AS n, sum(quantity)::int AS q FROM order_lines WHERE sku = $1`,
      [sku],
    );
    expect(rows[0]).toEqual({ n: 10, q: 10 });
  });

  it('a worker killed with SIGKILL mid-burst: every order is assigned and texted exactly once', async () => {
    const ORDERS = 120;
    const sku = await fx.product(`BURST-${randomUUID().slice(0, 8)}`, { stock: ORDERS });
    const phone = (i: number) => `+86136${String(i).padStart(8, '0')}`;
    const placing = Promise.all(
      Array.from({ length: ORDERS }, async (_, i) => {
        const res = await place(i % 2 ? onB : onA, phoneOrder(w, { sku, phone: phone(i) }));
        expect(res.status).toBe(201);
        return { id: res.body.id as string, number: res.body.number as string, phone: phone(i) };
      }),
    );
    const assigned = async () =>
      (
        await app.sql<{ n: number }>(
          `SELECT count(*)::int AS n FROM orders o JOIN order_lines l ON l.order_id = o.id
            WHERE l.sku = $1 AND o.status = 'assigned'`,
          [sku],
        )
      )[0].n;
    // Mid-burst: the workers have started on the orders and are far from done.
    const atKill = await eventually(async () => {
      const n = await assigned();
      return n >= 5 && n;
    }, 60_000);
    const victim = workers[1];
    await victim.kill();
    expect(victim.child.signalCode).toBe('SIGKILL');
    expect(atKill).toBeLessThan(ORDERS);
    const orders = await placing;

    // The survivor relays what the dead worker claimed and takes over its locked jobs.
    await eventually(async () => (await assigned()) === ORDERS, 90_000);
    const texted = () =>
      orders.every((o) => twilio.sentTo(o.phone).length >= 1) &&
      orders.every((o) => posts().some((r) => r.form.Body.includes(o.number) && r.form.To !== o.phone));
    await eventually(async () => texted(), 120_000);
    const ids = orders.map((o) => o.id);
    // Texts the victim had handed to Twilio but not recorded stay "sending" until they are
    // SMS_SENDING_STALE_SECONDS old; their retried jobs then find them in Twilio's message list and
    // record them (reliability's reconciliation), sending nothing again.
    await eventually(async () => {
      const [left] = await app.sql<{ n: number }>(
        `SELECT count(*)::int AS n FROM notifications WHERE order_id = ANY($1::uuid[]) AND status <> 'sent'`,
        [ids],
      );
      return left.n === 0;
    }, 120_000);
    // A late duplicate would arrive within a lock period or two.
    await new Promise((r) => setTimeout(r, 5_000));

    const assignments = await app.sql<{ order_id: string; n: number }>(
      `SELECT order_id, count(*)::int AS n FROM order_events
        WHERE order_id = ANY($1::uuid[]) AND to_status = 'assigned' GROUP BY order_id`,
      [ids],
    );
    expect(assignments).toHaveLength(ORDERS);
    expect(assignments.every((a) => a.n === 1)).toBe(true);
    for (const o of orders) {
      // The customer's "order placed" text, once; the agent's "new order" text, once.
      expect(twilio.sentTo(o.phone)).toHaveLength(1);
      const agentTexts = posts().filter((r) => r.form.To !== o.phone && r.form.Body.includes(o.number));
      expect(agentTexts).toHaveLength(1);
    }
    const rows = await app.sql<{ template: string; status: string; n: number }>(
      `SELECT template, status, count(*)::int AS n FROM notifications WHERE order_id = ANY($1::uuid[])
        GROUP BY template, status ORDER BY template, status`,
      [ids],
    );
    expect(rows).toEqual([
      { template: 'agent_order_assigned', status: 'sent', n: ORDERS },
      { template: 'order_placed', status: 'sent', n: ORDERS },
    ]);
  }, 360_000);

  it('a worker killed after Twilio accepted a text, before recording it: recorded from Twilio, not sent again', async () => {
    const phone = '+8613300000001';
    // Twilio takes the message but its answer never reaches the worker, which is then killed.
    twilio.afterCreate = (m) => (m.to === phone ? new Promise<void>(() => undefined) : undefined);
    const res = await place(onA, phoneOrder(w, { sku: w.skus.pen, phone }));
    expect(res.status).toBe(201);
    await eventually(async () => twilio.sentTo(phone).length === 1, 60_000);
    await Promise.all(workers.map((r) => r.kill()));
    twilio.afterCreate = undefined;
    const text = () =>
      app.sql<{ status: string; provider_id: string | null; attempts: number }>(
        `SELECT status, provider_id, attempts FROM notifications WHERE order_id = $1 AND template = 'order_placed'`,
        [res.body.id],
      );
    expect((await text())[0]).toMatchObject({ status: 'sending', provider_id: null, attempts: 1 });

    // A new worker takes the dead one's job over: the row is "sending" (outcome unknown), so the job
    // retries until the row is SMS_SENDING_STALE_SECONDS old, then asks Twilio before sending anything
    // (SendNotificationProcessor + SmsSender.find, the issue-17 reconciliation).
    workers.push(await startWorkerReplica(env));
    await eventually(async () => (await text())[0].status === 'sent', 60_000);
    const [row] = await text();
    expect(row.provider_id).toMatch(/^SM[0-9a-f]{32}$/);
    expect(twilio.sentTo(phone)).toHaveLength(1);
    expect(twilio.lookups().some((l) => l.form.To === phone)).toBe(true);
  }, 300_000);
});
