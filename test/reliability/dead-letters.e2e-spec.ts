import { QueueName, QueueRegistry } from '@campus/queue';
import type { Fixtures, TestApp } from '@campus/testing';
import { eventually } from '@campus/testing';
import { auth, startApp } from '../support/app';
import { FakeTwilio } from '../support/fake-twilio';

/**
 * Issue 17.7: a failing job is retried with capped exponential back-off (here: 200 ms doubling, capped
 * at 400 ms, 5 attempts), then lands in the dead letters that the admin health view and the dead-letter
 * list report, and an admin re-runs it with a fresh schedule once the cause is gone.
 */
describe('Retry schedule, dead letters and the admin re-run (e2e)', () => {
  const twilio = new FakeTwilio();
  let app: TestApp;
  let fx: Fixtures;
  let admin: string;
  const phone = '+8613855560001';

  beforeAll(async () => {
    const base = await twilio.start();
    ({ app, fx } = await startApp({
      worker: true,
      workerBackoffMs: 200,
      workerAttempts: 5,
      env: {
        TWILIO_ACCOUNT_SID: `AC${'3'.repeat(32)}`,
        TWILIO_AUTH_TOKEN: 'test-twilio-auth-token',
        TWILIO_FROM: '+15005550006',
        TWILIO_API_BASE_URL: base,
        JOB_BACKOFF_BASE_MS: '200',
        JOB_BACKOFF_MAX_MS: '400',
      },
    }));
    admin = await fx.admin();
  });
  afterAll(async () => {
    await app?.close();
    await twilio.stop();
  });

  it('backs off exponentially up to the cap, then dead-letters; an admin re-runs it and the text goes out once', async () => {
    twilio.failures.set(phone, 1_000);
    await app.http().post('/api/auth/otp/request').send({ phone }).expect(202);

    // Five attempts, 200 → 400 → 400 → 400 ms apart (uncapped: 200 → 400 → 800 → 1600). Lower bounds
    // are exact (Bull never retries early); the upper bound leaves room for a loaded machine.
    await eventually(async () => twilio.sentTo(phone).length === 5, 20_000);
    const at = twilio.sentTo(phone).map((r) => r.at);
    const gaps = at.slice(1).map((t, i) => t - at[i]);
    expect(gaps[0]).toBeGreaterThanOrEqual(195);
    expect(gaps[1]).toBeGreaterThanOrEqual(395);
    expect(gaps[2]).toBeGreaterThanOrEqual(395);
    expect(gaps[3]).toBeGreaterThanOrEqual(395);
    expect(gaps[3]).toBeLessThan(1_200);

    // A dead letter: reported to admins, listed, and the text is still waiting (not lost, not failed).
    const registry = app.worker!.get(QueueRegistry);
    await eventually(async () => (await registry.get(QueueName.Notifications).getFailedCount()) === 1);
    const details = await app.http().get('/api/health/details').set(auth(admin));
    expect(details.status).toBe(200);
    expect(details.body.deadLetters).toBe(1);
    expect(details.body.queues).toEqual(
      expect.arrayContaining([expect.objectContaining({ name: 'notifications', failed: 1 })]),
    );
    const list = await app.http().get('/api/admin/dead-letters').set(auth(admin));
    expect(list.status).toBe(200);
    expect(list.body.items).toHaveLength(1);
    const [dead] = list.body.items;
    expect(dead).toMatchObject({ queue: 'notifications', type: 'notification.requested', attemptsMade: 5 });
    expect(dead.failedReason).toContain('503');
    const [row] = await app.sql<{ status: string; error: string }>(
      `SELECT status, error FROM notifications WHERE to_phone = $1`,
      [phone],
    );
    expect(row.status).toBe('queued');
    expect(row.error).toContain('dead letter');

    // Only admins see or re-run dead letters.
    const clerk = await fx.user({ username: `cc.dead.${Date.now()}`, role: 'call_center' });
    expect((await app.http().get('/api/admin/dead-letters').set(auth(clerk.token))).status).toBe(403);
    expect((await app.http().get('/api/health/details').set(auth(clerk.token))).status).toBe(403);
    expect(
      (
        await app
          .http()
          .post(`/api/admin/dead-letters/notifications/${dead.jobId}/rerun`)
          .set(auth(clerk.token))
      ).status,
    ).toBe(403);

    // Twilio is back; the admin re-runs the dead letter: the text goes out once, the dead letter is gone.
    twilio.failures.delete(phone);
    const rerun = await app
      .http()
      .post(`/api/admin/dead-letters/notifications/${dead.jobId}/rerun`)
      .set(auth(admin));
    expect(rerun.status).toBe(200);
    expect(rerun.body.rerun).toMatchObject({ jobId: dead.jobId, queue: 'notifications' });
    const sent = await eventually(async () => {
      const [r] = await app.sql<{ status: string; provider_id: string | null }>(
        `SELECT status, provider_id FROM notifications WHERE to_phone = $1`,
        [phone],
      );
      return r.status === 'sent' && r;
    }, 10_000);
    expect(twilio.messages.filter((m) => m.to === phone)).toHaveLength(1);
    expect(sent.provider_id).toBe(twilio.messages.find((m) => m.to === phone)!.sid);
    expect(await registry.get(QueueName.Notifications).getFailedCount()).toBe(0);
    const after = await app.http().get('/api/health/details').set(auth(admin));
    expect(after.body.deadLetters).toBe(0);

    // The re-run is audited, and a job that is not a dead letter cannot be re-run.
    const audit = await app.sql<{ action: string; entity_id: string }>(
      `SELECT action, entity_id FROM audit_log WHERE action = 'dead_letter.rerun'`,
    );
    expect(audit).toEqual([{ action: 'dead_letter.rerun', entity_id: `notifications:${dead.jobId}` }]);
    const again = await app
      .http()
      .post(`/api/admin/dead-letters/notifications/${dead.jobId}/rerun`)
      .set(auth(admin));
    expect(again.status).toBe(404);
    expect(again.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect((await app.http().post(`/api/admin/dead-letters/nope/1/rerun`).set(auth(admin))).status).toBe(404);
  });
});
