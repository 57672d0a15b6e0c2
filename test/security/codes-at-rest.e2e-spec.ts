import type { Fixtures, TestApp, World } from '@campus/testing';
import { eventually } from '@campus/testing';
import { auth, startApp } from '../support/app';
import { FulfilmentDriver, newPhone } from '../support/fulfilment';

jest.setTimeout(90_000);

/**
 * Issue 17.2: no one-time code in clear at rest. The message log (database and GET /api/notifications)
 * shows texts with their codes masked; only the sender sees the code, from a sealed copy that is
 * erased once the text is out. Whoever reads the log — an admin, a database dump — can neither sign
 * in as the customer nor open their locker.
 */
describe('one-time codes at rest (e2e)', () => {
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

  const log = async (to: string, type: string) =>
    (await app.http().get('/api/notifications').query({ to, type, limit: 50 }).set(auth(w.tokens.admin))).body
      .items as { id: string; body: string; status: string; orderId: string | null }[];

  const sixDigitRuns = (text: string) => text.match(/(?<!\d)\d{6}(?!\d)/g) ?? [];

  it('the sign-in code: masked in the log and the table; an admin reading it cannot sign in', async () => {
    const phone = newPhone();
    const ip = '100.64.200.1';
    const req = await app.http().post('/api/auth/otp/request').set('X-Forwarded-For', ip).send({ phone });
    expect(req.status).toBe(202);
    const code = await fx.latestCode(phone); // the customer's phone shows it

    const [entry] = await log(phone, 'otp');
    expect(entry.body).toContain('******');
    expect(entry.body).not.toContain(code);
    expect(sixDigitRuns(entry.body)).toEqual([]);
    const rows = await app.sql<{ body: string; sealed_body: string | null }>(
      `SELECT body, sealed_body FROM notifications WHERE id = $1`,
      [entry.id],
    );
    expect(rows[0].body).not.toContain(code);
    // Whatever the log holds, nothing in the database reveals the code.
    const dump = JSON.stringify(await app.sql(`SELECT * FROM notifications WHERE to_phone = $1`, [phone]));
    expect(dump).not.toContain(code);
    const otpRows = JSON.stringify(await app.sql(`SELECT * FROM otp_codes WHERE phone = $1`, [phone]));
    expect(otpRows).not.toContain(code);

    // What the admin can read does not sign in: the masked text has no digits to try...
    const tryIt = (c: string) =>
      app.http().post('/api/auth/otp/verify').set('X-Forwarded-For', ip).send({ phone, code: c });
    const masked = await tryIt('******');
    expect(masked.status).toBe(400);
    expect(masked.headers['content-type']).toMatch(/^application\/problem\+json/);
    // ...while the code the customer received does.
    const ok = await tryIt(code);
    expect(ok.status).toBe(200);

    // Once sent, the sealed copy is gone: only the masked text stays.
    await eventually(async () => {
      const [r] = await app.sql<{ status: string; sealed_body: string | null }>(
        `SELECT status, sealed_body FROM notifications WHERE id = $1`,
        [entry.id],
      );
      return r.status === 'sent' && r.sealed_body === null;
    }, 30_000);
  });

  it('the pickup code: masked in the log; the admin cannot open the locker with what it shows', async () => {
    const site = await d.site({ agents: 1 });
    const phone = newPhone();
    const placed = await d.place(site.pickupStaff, d.lockerOrder(site, phone, 'counter'));
    expect(placed.status).toBe(201);
    const agent = await d.outForDelivery(placed.body.id, site);
    const dep = await d.post(agent.token, `/api/orders/${placed.body.id}/deposit`, {
      lockerId: site.locker.id,
    });
    expect(dep.status).toBe(200);

    await eventually(async () => (await log(phone, 'pickup_code'))[0]?.status === 'sent', 30_000);
    const [entry] = await log(phone, 'pickup_code');
    expect(entry.body).toContain('******');
    expect(entry.body).toContain(placed.body.number); // the rest of the text is intact
    const code = await d.pickupCode(phone, placed.body.id);
    expect(entry.body).not.toContain(code);
    const [row] = await app.sql<{ sealed_body: string | null; body: string }>(
      `SELECT sealed_body, body FROM notifications WHERE id = $1`,
      [entry.id],
    );
    expect(row.sealed_body).toBeNull();
    expect(row.body).not.toContain(code);

    // Every 6-digit run the admin could read in the text (there is none besides the order number's
    // pieces) fails at the locker.
    for (const guess of sixDigitRuns(entry.body)) {
      const res = await d.post(site.pickupStaff, `/api/lockers/${site.locker.id}/pickup`, {
        code: guess,
        phone,
        codCollectedCents: 0,
      });
      expect(res.status).toBe(422);
    }
    const picked = await d.post(site.pickupStaff, `/api/lockers/${site.locker.id}/pickup`, {
      code,
      phone,
    });
    expect(picked.status).toBe(200);
  });

  it('the install confirmation code: masked in the log; a text still waiting holds only a sealed copy', async () => {
    const phone = newPhone();
    const order = await d.order({
      customer: { phone },
      lines: [{ sku: w.skus.router, quantity: 1 }],
      fulfillment: { type: 'delivery', campusId: w.campusA1.id, address: 'Dorm 1' },
      paymentMethod: 'cod',
    });
    await d.post(w.tokens.managerA, `/api/orders/${order.id}/assign`, { agentId: w.agentA1.id });
    const task = await eventually(async () => {
      const res = await app.http().get('/api/tasks').query({ orderId: order.id }).set(auth(w.tokens.admin));
      return res.body.items?.[0] as { id: string; agentId: string } | undefined;
    }, 30_000);
    const agent = [w.agentA1, w.agentA1b].find((a) => a.id === task.agentId)!;
    // Without the worker the text waits: the row holds the masked text and the sealed original.
    await app.stopWorker();
    try {
      const start = new Date(Date.now() + 3600_000);
      const scheduled = await d.post(agent.token, `/api/tasks/${task.id}/schedule`, {
        windowStart: start.toISOString(),
        windowEnd: new Date(start.getTime() + 3600_000).toISOString(),
      });
      expect(scheduled.status).toBe(200);
      const [entry] = await log(phone, 'task_code');
      expect(entry.status).toBe('queued');
      expect(entry.body).toContain('******');
      const code = await fx.taskCode(phone);
      expect(entry.body).not.toContain(code);
      const [row] = await app.sql<{ sealed_body: string }>(
        `SELECT sealed_body FROM notifications WHERE id = $1`,
        [entry.id],
      );
      expect(row.sealed_body).toMatch(/^[A-Za-z0-9+/]+=*$/);
      expect(row.sealed_body).not.toContain(code);
    } finally {
      await app.startWorker();
    }
  });
});
