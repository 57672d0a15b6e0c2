import type { Fixtures, TestApp, World } from '@campus/testing';
import { eventually } from '@campus/testing';
import { auth, startApp } from '../support/app';
import { FulfilmentDriver, newPhone } from '../support/fulfilment';

jest.setTimeout(120_000);

let ipSeq = 0;
/** A fresh client address per request, so the per-address throttles stay out of these tests. */
const ip = () => `100.99.${Math.floor(++ipSeq / 250)}.${(ipSeq % 250) + 1}`;

/**
 * Issue 17.3: code guessing is bounded per object, not per attempt cycle — a task's wrong codes count
 * across reschedules, a customer's wrong pickup codes lock only that customer, and sign-in codes are
 * limited per phone under parallel requests, by country, and by a global hourly budget.
 */
describe('code guessing bounded per object (e2e)', () => {
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

  const post = (token: string, path: string, body: object = {}) => d.post(token, path, body);
  const window = (inMinutes = 60) => {
    const start = new Date(Date.now() + inMinutes * 60_000);
    return {
      windowStart: start.toISOString(),
      windowEnd: new Date(start.getTime() + 3_600_000).toISOString(),
    };
  };
  const other = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, '0');

  it('task codes: five wrong codes lock the task for good, across reschedules and reassignment; only the call centre or a manager issues a new one', async () => {
    const site = await d.site({ agents: 2 });
    const [agent, second] = site.agents;
    const phone = newPhone();
    const task = (
      await post(w.tokens.callCenter, '/api/tasks', {
        customerPhone: phone,
        campusId: site.campus.id,
        description: 'Printer jams',
      })
    ).body as { id: string };
    const path = (what: string) => `/api/tasks/${task.id}/${what}`;
    expect((await post(w.tokens.managerA, path('assign'), { agentId: agent.id })).status).toBe(200);
    expect((await post(agent.token, path('schedule'), window())).status).toBe(200);
    expect((await post(agent.token, path('start'))).status).toBe(200);
    const code = await fx.taskCode(phone);
    for (let i = 0; i < 3; i++) {
      expect((await post(agent.token, path('complete'), { confirmationCode: other(code) })).status).toBe(422);
    }
    // A reschedule used to reset the count (a fresh 5 tries each time): now the tries stay counted.
    expect((await post(agent.token, path('fail'), { reason: 'customer away' })).status).toBe(200);
    expect((await post(agent.token, path('schedule'), window(90))).status).toBe(200);
    expect((await post(agent.token, path('start'))).status).toBe(200);
    const second_ = await fx.taskCode(phone);
    const tries = [];
    for (let i = 0; i < 3; i++)
      tries.push(await post(agent.token, path('complete'), { confirmationCode: other(second_) }));
    expect(tries.map((r) => r.status)).toEqual([422, 422, 429]);
    expect(tries[1].body.triesLeft).toBe(0);
    // The right code no longer works, and no reschedule or reassignment brings a fresh one.
    expect((await post(agent.token, path('complete'), { confirmationCode: second_ })).status).toBe(429);
    expect((await post(agent.token, path('fail'), { reason: 'locked' })).status).toBe(200);
    const again = await post(agent.token, path('schedule'), window(120));
    expect(again.status).toBe(429);
    expect(again.body.code).toBe('confirmation_code_locked');
    expect((await post(w.tokens.managerA, path('assign'), { agentId: second.id })).status).toBe(200);
    expect((await post(second.token, path('schedule'), window(120))).status).toBe(429);
    const [{ failures }] = await app.sql<{ failures: number }>(
      `SELECT code_failures AS failures FROM tasks WHERE id = $1`,
      [task.id],
    );
    expect(failures).toBe(5);

    // Who may issue a new code: the call centre and the region's manager (agents 403, another region 404).
    expect((await post(second.token, path('new-code'))).status).toBe(403);
    expect((await post(w.tokens.managerB, path('new-code'))).status).toBe(404);
    const reissued = await post(w.tokens.callCenter, path('new-code'));
    expect(reissued.status).toBe(200);
    expect(reissued.body).toMatchObject({ codeLocked: false, codeFailures: 0 });
    expect((await post(second.token, path('schedule'), window(120))).status).toBe(200);
    expect((await post(second.token, path('start'))).status).toBe(200);
    // In progress, a new code is texted at once.
    const before = (await fx.codeTexts(phone, 'task_code')).length;
    expect((await post(w.tokens.managerA, path('new-code'))).status).toBe(200);
    const texts = await fx.codeTexts(phone, 'task_code');
    expect(texts).toHaveLength(before + 1);
    const fresh = await fx.taskCode(phone);
    expect((await post(second.token, path('complete'), { confirmationCode: fresh })).status).toBe(200);
    const events = (await app.http().get(path('events')).set(auth(w.tokens.admin))).body as {
      type: string;
    }[];
    expect(events.filter((e) => e.type === 'code_reissued')).toHaveLength(2);
  });

  it("locker pickups: a customer's wrong tries lock only that customer, even when they name another's number", async () => {
    const site = await d.site({ agents: 1 });
    const victimPhone = newPhone();
    const placed = await d.place(site.pickupStaff, d.lockerOrder(site, victimPhone, 'counter'));
    expect(placed.status).toBe(201);
    const agent = await d.outForDelivery(placed.body.id, site);
    expect(
      (await post(agent.token, `/api/orders/${placed.body.id}/deposit`, { lockerId: site.locker.id })).status,
    ).toBe(200);
    const code = await eventually(() => d.pickupCode(victimPhone, placed.body.id).catch(() => null));

    const attacker = await fx.customer(newPhone());
    const pickup = `/api/lockers/${site.locker.id}/pickup`;
    const attempts = [];
    for (let i = 0; i < 6; i++) {
      attempts.push(await post(attacker.token, pickup, { code: other(code), phone: victimPhone }));
    }
    expect(attempts.map((r) => r.status)).toEqual([422, 422, 422, 422, 422, 429]);
    // Naming the victim's number locked nobody but the attacker: the victim collects at once.
    const victim = await fx.customer(victimPhone);
    const collected = await post(victim.token, pickup, { code });
    expect(collected.status).toBe(200);
    expect(collected.body.status).toBe('delivered');
    const subjects = await app.sql<{ subject: string }>(
      `SELECT subject FROM pickup_lockouts WHERE place_id = $1`,
      [site.locker.id],
    );
    expect(subjects.map((s) => s.subject)).toEqual([`caller:${attacker.id}`]);
  });

  it('sign-in codes: 20 parallel requests for one number make one code', async () => {
    const phone = newPhone();
    const answers = await Promise.all(
      Array.from({ length: 20 }, () =>
        app.http().post('/api/auth/otp/request').set('X-Forwarded-For', ip()).send({ phone }),
      ),
    );
    const statuses = answers.map((r) => r.status);
    expect(statuses.filter((s) => s === 202)).toHaveLength(1);
    expect(statuses.filter((s) => s === 429)).toHaveLength(19);
    for (const r of answers.filter((a) => a.status === 429)) {
      expect(r.body.code).toBe('otp_too_soon');
      expect(r.headers['retry-after']).toBeDefined();
    }
    const [{ n }] = await app.sql<{ n: number }>(
      `SELECT count(*)::int AS n FROM otp_codes WHERE phone = $1`,
      [phone],
    );
    expect(n).toBe(1);
    expect(await fx.codeTexts(phone, 'otp')).toHaveLength(1);
  });

  it('sign-in codes go only to numbers of SMS_ALLOWED_COUNTRIES (default CN): 422 naming the phone, nothing written', async () => {
    for (const phone of ['+14155552671', '+447911123456']) {
      const res = await app.http().post('/api/auth/otp/request').set('X-Forwarded-For', ip()).send({ phone });
      expect(res.status).toBe(422);
      expect(res.body).toMatchObject({ code: 'sms_country_not_allowed', errors: [{ field: 'phone' }] });
      expect(await app.sql(`SELECT 1 FROM otp_codes WHERE phone = $1`, [phone])).toEqual([]);
      expect(await app.sql(`SELECT 1 FROM notifications WHERE to_phone = $1`, [phone])).toEqual([]);
    }
  });
});

describe('the hourly budget of sign-in codes (e2e)', () => {
  let app: TestApp;

  beforeAll(async () => {
    ({ app } = await startApp({
      worker: true,
      env: { OTP_HOURLY_BUDGET: '3', SMS_ALLOWED_COUNTRIES: 'CN,HK' },
    }));
  });
  afterAll(() => app?.close());

  it('past OTP_HOURLY_BUDGET codes are refused with 429 and the admins are alerted once (a staff alert)', async () => {
    const request = (phone: string) =>
      app.http().post('/api/auth/otp/request').set('X-Forwarded-For', ip()).send({ phone });
    for (const phone of [newPhone(), '+85291234567', newPhone()])
      expect((await request(phone)).status).toBe(202);
    const refused = [await request(newPhone()), await request(newPhone())];
    for (const r of refused) {
      expect(r.status).toBe(429);
      expect(r.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(r.body.code).toBe('otp_budget_exhausted');
      expect(Number(r.headers['retry-after'])).toBeGreaterThan(0);
      expect(Number(r.headers['retry-after'])).toBeLessThanOrEqual(3600);
    }
    const [{ codes }] = await app.sql<{ codes: number }>(`SELECT count(*)::int AS codes FROM otp_codes`);
    expect(codes).toBe(3);
    // One staff alert for the admins (raised with the first refusal, not with every one).
    const admin = (
      await app.http().post('/api/auth/login').send({ username: 'admin', password: 'admin-test-password' })
    ).body.accessToken as string;
    const alerts = await app.http().get('/api/alerts').set(auth(admin));
    const budget = (alerts.body.items as { kind: string; data: Record<string, unknown> }[]).filter(
      (a) => a.kind === 'otp_budget',
    );
    expect(budget).toEqual([
      expect.objectContaining({ data: expect.objectContaining({ budget: 3, used: 4 }) }),
    ]);
  });
});
