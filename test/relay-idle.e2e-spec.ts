import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { OutboxRelay } from '@campus/queue';
import type { Fixtures, TestApp, World } from '@campus/testing';
import { eventually, phoneOrder } from '@campus/testing';
import { auth, startApp } from './support/app';

/**
 * Issue 18.3: the outbox relay does not poll. It waits on LISTEN/NOTIFY (the outbox trigger notifies
 * when a transaction that appended rows commits) with a slow safety poll, so an idle system sends no
 * statements, and a committed row is relayed at once anyway. Statements are counted at the driver:
 * every `query` of every pg client in this process (the API's pool, the worker's pool and the relay's
 * LISTEN connection).
 */
describe('Outbox relay on LISTEN/NOTIFY (e2e)', () => {
  let app: TestApp;
  let fx: Fixtures;
  let w: World;
  let statements = 0;
  let spy: jest.SpyInstance;
  let bootedAt = 0;

  beforeAll(async () => {
    // The safety poll at its default (60 s) and the poll interval of a relay without LISTEN short,
    // so a relay that fell back to polling would be caught by the count.
    // The reliability sweeper (its own beat, SWEEP_INTERVAL_MS) is set to an hour: its first beat
    // comes 5 s after start, and the window below opens after that. What is counted is the relay.
    bootedAt = Date.now();
    ({ app, fx } = await startApp({
      worker: true,
      env: { RELAY_INTERVAL_MS: '50', SWEEP_INTERVAL_MS: '3600000' },
    }));
    w = await fx.world();
    const original = Client.prototype.query as (...args: unknown[]) => unknown;
    spy = jest.spyOn(Client.prototype, 'query').mockImplementation(function (
      this: Client,
      ...args: unknown[]
    ) {
      statements++;
      return original.apply(this, args);
    } as never);
  });
  afterAll(async () => {
    spy?.mockRestore();
    await app?.close();
  });

  const placeOrder = async (phone: string) => {
    const res = await app
      .http()
      .post('/api/orders')
      .set(auth(w.tokens.callCenter))
      .set('Idempotency-Key', randomUUID())
      .send(phoneOrder(w, { phone }));
    expect(res.status).toBe(201);
    return res.body as { id: string };
  };

  const pendingRows = async () =>
    (
      await app.sql<{ n: number }>(
        `SELECT count(*)::int AS n FROM outbox WHERE published_at IS NULL AND available_at <= now()`,
      )
    )[0].n;

  it('an idle relay issues no statements for 5 s', async () => {
    // Let the world's own events drain first: nothing is due any more. (The count sees the app's
    // statements: placing and relaying an order is counted.)
    const warm = statements;
    const order = await placeOrder('+8613844440001');
    await eventually(async () => (await pendingRows()) === 0, 20_000);
    // The jobs those rows became have finished too: the order is assigned and its texts are out.
    await eventually(async () => {
      const [row] = await app.sql<{ assigned: boolean; unsent: number }>(
        `SELECT (SELECT status = 'assigned' FROM orders WHERE id = $1) AS assigned,
                (SELECT count(*)::int FROM notifications WHERE order_id = $1 AND status NOT IN ('sent', 'suppressed')) AS unsent`,
        [order.id],
      );
      return row.assigned && row.unsent === 0;
    }, 30_000);
    expect(statements - warm).toBeGreaterThan(3);
    await new Promise((r) => setTimeout(r, Math.max(1_000, bootedAt + 7_000 - Date.now())));
    // On a busy machine a consumer may still be finishing its last statement: wait for one quiet
    // second (a relay that polled would never give one).
    await eventually(async () => {
      const at = statements;
      await new Promise((r) => setTimeout(r, 1_000));
      return statements === at;
    }, 20_000);

    const before = statements;
    await new Promise((r) => setTimeout(r, 5_000));
    expect(statements - before).toBe(0);
  });

  it('wakes on the NOTIFY of a committed outbox row, long before its safety poll', async () => {
    const relay = app.worker!.get(OutboxRelay);
    expect(relay).toBeDefined();
    const started = Date.now();
    const order = await placeOrder('+8613844440002');
    await eventually(async () => {
      const rows = await app.sql<{ published: boolean }>(
        `SELECT published_at IS NOT NULL AS published FROM outbox WHERE aggregate_id = $1 AND event_type = 'order.placed'`,
        [order.id],
      );
      return rows[0]?.published;
    }, 10_000);
    // The safety poll is 60 s: anything under 10 s was the notice.
    expect(Date.now() - started).toBeLessThan(10_000);
    await eventually(async () => {
      const rows = await app.sql<{ n: number }>(
        `SELECT count(*)::int AS n FROM notifications WHERE order_id = $1 AND template = 'order_placed' AND status = 'sent'`,
        [order.id],
      );
      return rows[0].n === 1;
    }, 10_000);
  });

  it('relays a row written by hand, outside the app (the trigger notifies, whoever writes)', async () => {
    await eventually(async () => (await pendingRows()) === 0, 20_000);
    const [row] = await app.sql<{ id: string }>(
      `INSERT INTO outbox (event_type, aggregate_id, payload, available_at)
       VALUES ('sms.preference_changed', NULL, '{"phone": "+8613844440003", "language": "en"}', now()) RETURNING id`,
    );
    await eventually(async () => {
      const rows = await app.sql<{ published: boolean }>(
        `SELECT published_at IS NOT NULL AS published FROM outbox WHERE id = $1`,
        [row.id],
      );
      return rows[0]?.published;
    }, 10_000);
  });
});
