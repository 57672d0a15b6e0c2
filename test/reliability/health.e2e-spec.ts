import type { Fixtures, TestApp } from '@campus/testing';
import { auth, startApp } from '../support/app';

/**
 * Issue 17.8: the public health answer says only up or down (API.md: {status, db, redis}, or 503
 * naming what is down); the details — job counts, dead letters, the outbox backlog and its oldest
 * pending timer — are for admins, at GET /api/health/details.
 */
describe('Health: public up/down, details for admins (e2e)', () => {
  let app: TestApp;
  let fx: Fixtures;

  // No worker: what the API writes to the outbox stays there, so the backlog is visible.
  beforeAll(async () => {
    ({ app, fx } = await startApp());
  });
  afterAll(() => app?.close());

  it('the public answer has exactly status, db and redis', async () => {
    const res = await app.http().get('/api/health');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok', db: 'up', redis: 'up' });
  });

  it('details need an admin: 401 without a token, 403 for other staff', async () => {
    expect((await app.http().get('/api/health/details')).status).toBe(401);
    const clerk = await fx.user({ username: `cc.health.${Date.now()}`, role: 'call_center' });
    const res = await app.http().get('/api/health/details').set(auth(clerk.token));
    expect(res.status).toBe(403);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  });

  it('admins see queues, dead letters, the outbox backlog and the oldest pending timer', async () => {
    const admin = await fx.admin();
    // Work waiting in the outbox (no worker runs here): a text, and a timer due in two hours.
    await app.http().post('/api/auth/otp/request').send({ phone: '+8613855600001' }).expect(202);
    const [timer] = await app.sql<{ available_at: Date }>(
      `INSERT INTO outbox (event_type, aggregate_id, payload, available_at)
       VALUES ('order.completion_due', gen_random_uuid(), jsonb_build_object('orderId', gen_random_uuid()),
               date_trunc('second', now()) + interval '2 hours')
       RETURNING available_at`,
    );
    const [due] = await app.sql<{ oldest: Date; n: string }>(
      `SELECT min(available_at) AS oldest, count(*) AS n FROM outbox WHERE published_at IS NULL AND available_at <= now()`,
    );

    const res = await app.http().get('/api/health/details').set(auth(admin));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'ok', db: 'up', redis: 'up', deadLetters: 0 });
    expect(res.body.queues.map((q: { name: string }) => q.name).sort()).toEqual(
      ['aftersales', 'commissions', 'fulfilment', 'notifications', 'orders', 'payments', 'tasks'].sort(),
    );
    expect(res.body.queues[0]).toEqual(
      expect.objectContaining({ waiting: expect.any(Number), delayed: expect.any(Number), failed: 0 }),
    );
    expect(res.body.outbox).toEqual({
      backlog: Number(due.n),
      oldestDueAt: new Date(due.oldest).toISOString(),
      pendingTimers: 1,
      oldestPendingTimerAt: new Date(timer.available_at).toISOString(),
    });
    expect(res.body.outbox.backlog).toBeGreaterThanOrEqual(1);

    // The public answer still shows none of it.
    const pub = await app.http().get('/api/health');
    expect(Object.keys(pub.body).sort()).toEqual(['db', 'redis', 'status']);
  });
});
