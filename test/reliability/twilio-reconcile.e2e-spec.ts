import type { TestApp } from '@campus/testing';
import { eventually, testDbBaseUrl } from '@campus/testing';
import { startApp } from '../support/app';
import { FakeTwilio } from '../support/fake-twilio';
import { TcpProxy } from '../support/tcp-proxy';

/**
 * Issue 17.7: a text whose send outcome is unknown — Twilio accepted it, but the database went away
 * before we could record that — is reconciled with Twilio's message resource (the twilio SDK listing
 * Messages by To, against the fake Twilio) instead of being sent again. A text Twilio does not have is
 * sent (once) after the lookup.
 */
describe('Twilio reconciliation of texts whose outcome is unknown (e2e)', () => {
  const twilio = new FakeTwilio();
  let proxy: TcpProxy;
  let app: TestApp;

  beforeAll(async () => {
    const base = await twilio.start();
    proxy = await TcpProxy.forUrl(testDbBaseUrl()).start();
    ({ app } = await startApp({
      worker: true,
      workerBackoffMs: 200,
      databaseUrl: (url) => proxy.url(url),
      env: {
        TWILIO_ACCOUNT_SID: `AC${'5'.repeat(32)}`,
        TWILIO_AUTH_TOKEN: 'test-twilio-auth-token',
        TWILIO_FROM: '+15005550006',
        TWILIO_API_BASE_URL: base,
        JOB_BACKOFF_BASE_MS: '200',
        JOB_BACKOFF_MAX_MS: '1000',
        SMS_SENDING_STALE_SECONDS: '3',
      },
    }));
  });
  afterAll(async () => {
    proxy?.restore();
    await app?.close();
    await proxy?.stop();
    await twilio.stop();
  });

  const notification = async (phone: string) =>
    (
      await app.sql<{ status: string; provider_id: string | null; attempts: number }>(
        `SELECT status, provider_id, attempts FROM notifications WHERE to_phone = $1`,
        [phone],
      )
    )[0];

  it('a crash between Twilio’s answer and our update: found at Twilio, never sent a second time', async () => {
    const phone = '+8613855580001';
    // Twilio stores the message; before its answer leaves, the database becomes unreachable for 1.5 s.
    twilio.afterCreate = (m) => {
      if (m.to !== phone) return;
      twilio.afterCreate = undefined;
      proxy.drop();
      setTimeout(() => proxy.restore(), 1_500);
    };
    await app.http().post('/api/auth/otp/request').send({ phone }).expect(202);

    const sent = await eventually(async () => {
      const n = await notification(phone);
      return n?.status === 'sent' && n;
    }, 30_000);
    expect(twilio.sentTo(phone)).toHaveLength(1);
    expect(twilio.messages.filter((m) => m.to === phone)).toHaveLength(1);
    expect(sent.provider_id).toBe(twilio.messages.find((m) => m.to === phone)!.sid);
    expect(sent.attempts).toBeGreaterThanOrEqual(2);
    // It asked Twilio through its Messages list, by recipient.
    const lookups = twilio.lookups().filter((r) => r.form.To === phone);
    expect(lookups.length).toBeGreaterThanOrEqual(1);
    expect(lookups[0].path).toMatch(/^\/2010-04-01\/Accounts\/AC5{32}\/Messages\.json$/);
  });

  it('a text Twilio does not have (the earlier attempt failed) is looked up, then sent once', async () => {
    const phone = '+8613855580002';
    twilio.failures.set(phone, 1);
    await app.http().post('/api/auth/otp/request').send({ phone }).expect(202);
    const sent = await eventually(async () => {
      const n = await notification(phone);
      return n?.status === 'sent' && n;
    }, 15_000);
    expect(sent.attempts).toBe(2);
    expect(twilio.sentTo(phone)).toHaveLength(2); // the 503 and the accepted one
    expect(twilio.messages.filter((m) => m.to === phone)).toHaveLength(1);
    expect(twilio.lookups().filter((r) => r.form.To === phone)).toHaveLength(1);
  });
});
