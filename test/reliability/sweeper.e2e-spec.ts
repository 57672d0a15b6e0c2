import Redis from 'ioredis';
import type { AppConfig } from '@campus/core';
import { Clock, APP_CONFIG } from '@campus/core';
import { Db } from '@campus/database';
import { attemptsFor, QUEUE_DEFAULTS, QueueName, QueueRegistry, Sweeper } from '@campus/queue';
import type { TestApp } from '@campus/testing';
import { eventually } from '@campus/testing';
import { startApp } from '../support/app';
import { FakeTwilio } from '../support/fake-twilio';

/** Deletes this test's queue keys only (the shared Redis serves other test runs: never FLUSHALL). */
async function flushPrefix(redisUrl: string, prefix: string): Promise<number> {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  let deleted = 0;
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
      cursor = next;
      if (keys.length) deleted += await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
  return deleted;
}

/**
 * Issue 17.7: the sweeper re-publishes jobs that vanished from Redis (a FLUSHALL, a failover to an
 * empty replica) from the outbox, and publishes overdue rows the relay left behind. Consumers being
 * idempotent, a job that had already run does nothing the second time.
 */
describe('The sweeper (e2e)', () => {
  const twilio = new FakeTwilio();
  let app: TestApp;
  const waiting = '+8613855570001';
  const done = '+8613855570002';

  beforeAll(async () => {
    const base = await twilio.start();
    ({ app } = await startApp({
      worker: true,
      // A failed send waits a minute before its retry: long enough to lose it in the flush.
      workerBackoffMs: 60_000,
      env: {
        TWILIO_ACCOUNT_SID: `AC${'4'.repeat(32)}`,
        TWILIO_AUTH_TOKEN: 'test-twilio-auth-token',
        TWILIO_FROM: '+15005550006',
        TWILIO_API_BASE_URL: base,
      },
    }));
  });
  afterAll(async () => {
    await app?.close();
    await twilio.stop();
  });

  const notification = async (phone: string) =>
    (
      await app.sql<{ id: string; status: string; provider_id: string | null }>(
        `SELECT id, status, provider_id FROM notifications WHERE to_phone = $1`,
        [phone],
      )
    )[0];

  it('re-publishes a job lost in a flush of the queue prefix; the one that already ran does nothing again', async () => {
    const sweeper = app.worker!.get(Sweeper);
    const registry = app.worker!.get(QueueRegistry);
    const queue = registry.get(QueueName.Notifications);
    expect((await sweeper.sweep()).lostQueues).toEqual([]); // epochs established, nothing lost

    // One text went out; another failed once and waits a minute for its retry.
    await app.http().post('/api/auth/otp/request').send({ phone: done }).expect(202);
    await eventually(async () => (await notification(done))?.status === 'sent');
    twilio.failures.set(waiting, 1);
    await app.http().post('/api/auth/otp/request').send({ phone: waiting }).expect(202);
    await eventually(
      async () => (await notification(waiting))?.status === 'queued' && twilio.sentTo(waiting).length === 1,
    );
    const [row] = await app.sql<{ id: string }>(
      `SELECT id FROM outbox WHERE event_type = 'notification.requested' AND payload->>'notificationId' = $1`,
      [(await notification(waiting)).id],
    );
    const job = await eventually(async () => {
      const j = await queue.getJob(row.id);
      return j && (await j.isDelayed()) && j;
    });
    // The production schedule: capped exponential back-off for JOB_RETRY_HOURS (attempts derived).
    expect(job.opts.backoff).toEqual({ type: 'capped-exponential' });
    expect(job.opts.attempts).toBe(attemptsFor({ baseMs: 60_000, maxMs: 300_000, retryHours: 24 }));

    // Redis loses this queue prefix's data (only this test's keys are deleted).
    expect(await flushPrefix(app.config.redisUrl, app.config.queuePrefix)).toBeGreaterThan(0);
    expect(await queue.getJob(row.id)).toBeNull();

    const report = await sweeper.sweep();
    expect(report.lostQueues).toEqual(expect.arrayContaining([QueueName.Notifications]));
    expect(report.republished).toBeGreaterThanOrEqual(2);

    // The lost text goes out (once), the one already sent is not sent again.
    const sent = await eventually(async () => {
      const n = await notification(waiting);
      return n.status === 'sent' && n;
    }, 15_000);
    expect(twilio.messages.filter((m) => m.to === waiting)).toHaveLength(1);
    expect(sent.provider_id).toBe(twilio.messages.find((m) => m.to === waiting)!.sid);
    await eventually(async () => {
      const c = await queue.getJobCounts();
      return c.waiting + c.active + c.delayed === 0;
    });
    expect(twilio.sentTo(done)).toHaveLength(1);
    expect((await notification(done)).status).toBe('sent');
    expect((await sweeper.sweep()).lostQueues).toEqual([]);
    const [epoch] = await app.sql<{ lost_count: number }>(
      `SELECT lost_count FROM queue_epochs WHERE queue = 'notifications'`,
    );
    expect(epoch.lost_count).toBe(1);
  });

  it('publishes overdue rows the relay left behind (the relay is gone)', async () => {
    await app.stopWorker();
    const phone = '+8613855570003';
    await app.http().post('/api/auth/otp/request').send({ phone }).expect(202);
    const [row] = await app.sql<{ id: string; published_at: Date | null }>(
      `SELECT o.id, o.published_at FROM outbox o JOIN notifications n ON n.id::text = o.payload->>'notificationId'
        WHERE n.to_phone = $1`,
      [phone],
    );
    expect(row.published_at).toBeNull();
    // A sweeper beside the API (no relay runs): after two beats the row is overdue and it publishes it.
    const api = app.api;
    const config: AppConfig = {
      ...api.get<AppConfig>(APP_CONFIG),
      reliability: { ...app.config.reliability, sweepIntervalMs: 1_000 },
    };
    const sweeper = new Sweeper(
      api.get(Db),
      api.get(QueueRegistry),
      config,
      api.get(QUEUE_DEFAULTS),
      api.get(Clock),
    );
    expect((await sweeper.sweep()).overdue).toBe(0); // not overdue yet
    await new Promise((r) => setTimeout(r, 2_100));
    expect((await sweeper.sweep()).overdue).toBe(1);
    const [published] = await app.sql<{ published_at: Date | null }>(
      `SELECT published_at FROM outbox WHERE id = $1`,
      [row.id],
    );
    expect(published.published_at).not.toBeNull();
    // A worker comes back and consumes it from Redis: the text goes out once.
    await app.startWorker();
    await eventually(async () => (await notification(phone))?.status === 'sent', 15_000);
    expect(twilio.sentTo(phone)).toHaveLength(1);
  });
});
