import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import request from 'supertest';
import { eventually, Fixtures, phoneOrder, TestApp, World } from '@campus/testing';
import { auth, startApp, withAnotherApi } from '../support/app';
import { LocalPgBouncer, startPgBouncer } from './support/pgbouncer';

/**
 * README "Scaling out": the API and the worker behind PgBouncer in transaction mode. Debian ships
 * PgBouncer 1.18, which cannot keep named statements in transaction mode (that needs 1.21 and
 * max_prepared_statements), so the hot paths run unnamed with DB_PREPARED_STATEMENTS=false.
 */
describe('Scale-out: PostgreSQL through PgBouncer in transaction mode (e2e)', () => {
  let bouncer: LocalPgBouncer;
  let app: TestApp;
  let fx: Fixtures;
  let w: World;

  beforeAll(async () => {
    bouncer = await startPgBouncer(
      process.env.TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres',
    );
    ({ app, fx } = await startApp({
      worker: true,
      env: { DB_PREPARED_STATEMENTS: 'false' },
      databaseUrl: (url) => bouncer.through(url),
      listenDirect: true,
    }));
    w = await fx.world();
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    await bouncer?.stop();
  });

  const transactions = async (): Promise<number> => {
    const admin = new Client({
      host: '127.0.0.1',
      port: bouncer.port,
      user: 'postgres',
      database: 'pgbouncer',
    });
    await admin.connect();
    try {
      const stats = await admin.query<{ database: string; total_xact_count: string }>({
        text: 'SHOW STATS',
        queryMode: 'simple',
      } as never);
      const db = new URL(app.config.databaseUrl).pathname.slice(1);
      return Number(stats.rows.find((r) => r.database === db)?.total_xact_count ?? 0);
    } finally {
      await admin.end();
    }
  };

  const place = (http: () => request.Agent | ReturnType<TestApp['http']>, sku: string, i: number) =>
    http()
      .post('/api/orders')
      .set(auth(w.tokens.callCenter))
      .set('Idempotency-Key', randomUUID())
      .send(phoneOrder(w, { sku, phone: `+86134${String(i).padStart(8, '0')}` }));

  it('places, assigns and texts orders concurrently through the pooler with unnamed statements', async () => {
    expect(app.config.dbPreparedStatements).toBe(false);
    const before = await transactions();
    const sku = await fx.product(`POOL-${randomUUID().slice(0, 8)}`, { stock: 60 });
    const results = await Promise.all(Array.from({ length: 60 }, (_, i) => place(() => app.http(), sku, i)));
    expect(results.map((r) => r.status)).toEqual(Array(60).fill(201));
    const ids = results.map((r) => r.body.id as string);
    await eventually(async () => {
      const rows = await app.sql<{ assigned: number; texted: number }>(
        `SELECT (SELECT count(*)::int FROM orders WHERE id = ANY($1::uuid[]) AND status = 'assigned') AS assigned,
                (SELECT count(*)::int FROM notifications WHERE order_id = ANY($1::uuid[]) AND status = 'sent') AS texted`,
        [ids],
      );
      return rows[0].assigned === 60 && rows[0].texted === 120;
    }, 60_000);
    // The traffic really went through PgBouncer (its own count of transactions for this database).
    expect((await transactions()) - before).toBeGreaterThan(60);
    const stock = await app.http().get(`/api/products/${sku}`).set(auth(w.tokens.admin));
    expect(stock.body.stock).toMatchObject({ onHand: 60, reserved: 60, available: 0 });
  });

  it(`named statements break behind PgBouncer without prepared-statement support (why the switch exists)`, async () => {
    expect(bouncer.version.localeCompare('1.21', undefined, { numeric: true })).toBeLessThan(0);
    const sku = await fx.product(`NAMED-${randomUUID().slice(0, 8)}`, { stock: 40 });
    const statuses = await withAnotherApi({ ...app.config, dbPreparedStatements: true }, async (api) => {
      const http = () => request(api.getHttpServer());
      const results = await Promise.all(Array.from({ length: 40 }, (_, i) => place(http, sku, 100 + i)));
      return results.map((r) => r.status);
    });
    // A statement prepared on one server connection is asked for on another (or prepared twice).
    expect(statuses.filter((s) => s >= 500).length).toBeGreaterThan(0);
  });
});
