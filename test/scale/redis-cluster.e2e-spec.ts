import { randomBytes, randomUUID } from 'node:crypto';
import { Cluster } from 'ioredis';
import { eventually, Fixtures, phoneOrder, TestApp, World } from '@campus/testing';
import { auth, startApp } from '../support/app';
import { LocalRedisCluster, startRedisCluster } from './support/redis-cluster';

/**
 * README "Scaling out": Bull, the rate limits, health and the queue dashboard on a real 3-master
 * Redis Cluster (REDIS_CLUSTER=true, QUEUE_PREFIX with a hash tag), started from redis-server here.
 */
describe('Scale-out: queues and rate limits on a Redis Cluster (e2e)', () => {
  let cluster: LocalRedisCluster;
  let app: TestApp;
  let fx: Fixtures;
  let w: World;
  const prefix = `{c${randomBytes(4).toString('hex')}}`;

  beforeAll(async () => {
    cluster = await startRedisCluster(3);
    ({ app, fx } = await startApp({
      worker: true,
      env: {
        REDIS_URL: cluster.url,
        REDIS_CLUSTER: 'true',
        QUEUE_PREFIX: prefix,
        // Production's per-caller order limit is small; 3 a minute shows it counted on the cluster.
        ORDER_RATE_PER_MINUTE: '3',
      },
    }));
    w = await fx.world();
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    await cluster?.stop();
  });

  it("runs on three masters: every queue key shares the prefix's hash slot", async () => {
    const client = new Cluster([{ host: '127.0.0.1', port: cluster.ports[0] }]);
    try {
      await new Promise((ready) => client.once('ready', ready));
      const masters = client.nodes('master');
      expect(masters).toHaveLength(3);
      expect((await app.http().get('/api/health')).status).toBe(200);
      // The admins' view reads every queue's counts (and dead letters) from the cluster.
      const res = await app.http().get('/api/health/details').set(auth(w.tokens.admin));
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ status: 'ok', db: 'up', redis: 'up' });
      expect((res.body.queues as { name: string }[]).map((q) => q.name).sort()).toEqual(
        ['aftersales', 'commissions', 'fulfilment', 'notifications', 'orders', 'payments', 'tasks'].sort(),
      );
      // Bull's keys all carry the prefix's hash tag, so they live on the one master owning its slot.
      await eventually(async () => {
        const perNode = await Promise.all(masters.map((n) => n.keys(`${prefix}:*`)));
        return perNode.filter((keys) => keys.length > 0).length === 1;
      });
    } finally {
      client.disconnect();
    }
  });

  it('relays, assigns and texts an order through Bull on the cluster; the per-caller limit holds', async () => {
    const place = (i: number) =>
      app
        .http()
        .post('/api/orders')
        .set(auth(w.tokens.callCenter))
        .set('Idempotency-Key', randomUUID())
        .send(phoneOrder(w, { phone: `+86135${String(i).padStart(8, '0')}` }));
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await place(i);
      expect(res.status).toBe(201);
      ids.push(res.body.id);
    }
    // The fourth within the minute: counted in Redis Cluster (a shared count, as replicas need).
    const limited = await place(3);
    expect(limited.status).toBe(429);
    expect(limited.headers['content-type']).toMatch(/application\/problem\+json/);

    await eventually(async () => {
      const rows = await app.sql<{ n: number }>(
        `SELECT count(*)::int AS n FROM orders WHERE id = ANY($1::uuid[]) AND status = 'assigned'`,
        [ids],
      );
      return rows[0].n === 3;
    }, 30_000);
    await eventually(async () => {
      const rows = await app.sql<{ template: string; n: number }>(
        `SELECT template, count(*)::int AS n FROM notifications WHERE order_id = ANY($1::uuid[]) AND status = 'sent'
          GROUP BY template ORDER BY template`,
        [ids],
      );
      return (
        JSON.stringify(rows) ===
        JSON.stringify([
          { template: 'agent_order_assigned', n: 3 },
          { template: 'order_placed', n: 3 },
        ])
      );
    }, 30_000);
  });

  it('serves the queue dashboard from the cluster', async () => {
    const opened = await app.http().post('/api/admin/queue-session').set(auth(w.tokens.admin));
    expect(opened.status).toBe(204);
    const cookie = ([] as string[])
      .concat(opened.headers['set-cookie'] ?? [])
      .find((c) => c.startsWith('campus_queues='))!
      .split(';')[0];
    const queues = await app.http().get('/admin/queues/api/queues').set('Cookie', cookie);
    expect(queues.status).toBe(200);
    expect((queues.body.queues as { name: string }[]).map((q) => q.name).sort()).toEqual(
      ['aftersales', 'commissions', 'fulfilment', 'notifications', 'orders', 'payments', 'tasks'].sort(),
    );
  });
});
