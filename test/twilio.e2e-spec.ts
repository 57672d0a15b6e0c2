import twilio from 'twilio';
import { QueueName, QueueRegistry } from '@campus/queue';
import { eventually, Fixtures, TestApp } from '@campus/testing';
import { FakeTwilio } from './support/fake-twilio';
import { auth, startApp } from './support/app';

const SID = `AC${'1'.repeat(32)}`;
const TOKEN = 'test-twilio-auth-token';
const STATUS_PATH = '/api/channels/sms/twilio/status';

describe('Outbound SMS through Twilio, and delivery reports (e2e)', () => {
  const fake = new FakeTwilio();
  let app: TestApp;
  let fx: Fixtures;

  beforeAll(async () => {
    const base = await fake.start();
    ({ app, fx } = await startApp({
      worker: true,
      workerBackoffMs: 100,
      workerAttempts: 4,
      env: {
        TWILIO_ACCOUNT_SID: SID,
        TWILIO_AUTH_TOKEN: TOKEN,
        TWILIO_FROM: '+15005550006',
        TWILIO_API_BASE_URL: base,
      },
    }));
  });
  afterAll(async () => {
    await app?.close();
    await fake.stop();
  });

  const requestCode = (phone: string) => app.http().post('/api/auth/otp/request').send({ phone }).expect(202);
  const message = (phone: string) =>
    eventually(async () => {
      const rows = await app.sql<{
        status: string;
        provider_id: string | null;
        transport: string | null;
        error: string | null;
        attempts: number;
      }>(`SELECT status, provider_id, transport, error, attempts FROM notifications WHERE to_phone = $1`, [
        phone,
      ]);
      return rows[0] && !['queued', 'sending'].includes(rows[0].status) && rows[0];
    }, 15_000);

  it('sends through Twilio’s Messages API with our status callback', async () => {
    await requestCode('+8613855550001');
    const sent = await message('+8613855550001');
    expect(sent).toMatchObject({ status: 'sent', transport: 'twilio', error: null });
    expect(sent.provider_id).toMatch(/^SM[0-9a-f]{32}$/);
    const [req] = fake.sentTo('+8613855550001');
    expect(req.path).toBe(`/2010-04-01/Accounts/${SID}/Messages.json`);
    expect(req.authorization).toBe(`Basic ${Buffer.from(`${SID}:${TOKEN}`).toString('base64')}`);
    expect(req.form).toMatchObject({
      From: '+15005550006',
      StatusCallback: `http://campus.test${STATUS_PATH}`,
    });
    expect(req.form.Body).toMatch(/\d{6}/);
  });

  it('does not retry a permanent error (invalid number) and records it', async () => {
    fake.failures.set('+8613855550002', 'invalid');
    await requestCode('+8613855550002');
    const failed = await message('+8613855550002');
    expect(failed.status).toBe('failed');
    expect(failed.error).toContain('21211');
    await new Promise((r) => setTimeout(r, 800));
    expect(fake.sentTo('+8613855550002')).toHaveLength(1);
    const counts = await app.worker!.get(QueueRegistry).get(QueueName.Notifications).getJobCounts();
    expect(counts.failed).toBeGreaterThanOrEqual(1);
    // Dead letters are an admin's detail (issue 17.8): the public health answer says only up/down.
    const health = await app
      .http()
      .get('/api/health/details')
      .set(auth(await fx.admin()));
    expect(health.body.queues).toEqual(
      expect.arrayContaining([expect.objectContaining({ name: 'notifications', failed: counts.failed })]),
    );
  });

  it('retries transient errors with backoff until Twilio accepts', async () => {
    fake.failures.set('+8613855550003', 2);
    await requestCode('+8613855550003');
    const sent = await message('+8613855550003');
    expect(sent).toMatchObject({ status: 'sent', attempts: 3 });
    expect(fake.sentTo('+8613855550003')).toHaveLength(3);
  });

  it('leaves the message queued for an admin re-run (a dead letter) after the last attempt when errors persist', async () => {
    fake.failures.set('+8613855550004', 99);
    await requestCode('+8613855550004');
    const dead = await eventually(async () => {
      const [row] = await app.sql<{ status: string; error: string | null }>(
        `SELECT status, error FROM notifications WHERE to_phone = $1`,
        ['+8613855550004'],
      );
      return row?.error?.includes('dead letter') && row;
    }, 15_000);
    expect(dead.status).toBe('queued');
    expect(dead.error).toContain('503');
    expect(fake.sentTo('+8613855550004')).toHaveLength(4);
  });

  describe('status callbacks', () => {
    const post = (params: Record<string, string>, signature?: string) => {
      const url = `http://campus.test${STATUS_PATH}`;
      return app
        .http()
        .post(STATUS_PATH)
        .type('form')
        .set('X-Twilio-Signature', signature ?? twilio.getExpectedTwilioSignature(TOKEN, url, params))
        .send(params);
    };
    const callback = (sid: string, status: string) => ({
      AccountSid: SID,
      MessageSid: sid,
      SmsSid: sid,
      MessageStatus: status,
      SmsStatus: status,
      To: '+8613855550005',
      From: '+15005550006',
      ApiVersion: '2010-04-01',
    });

    it('moves the message forward, de-duplicates, and never moves it back', async () => {
      await requestCode('+8613855550005');
      const sent = await message('+8613855550005');
      const sid = sent.provider_id!;
      expect((await post(callback(sid, 'sent'))).status).toBe(204);
      expect((await post(callback(sid, 'delivered'))).status).toBe(204);
      expect((await post(callback(sid, 'delivered'))).status).toBe(204);
      expect((await post(callback(sid, 'sent'))).status).toBe(204); // late and out of order
      const [row] = await app.sql<{ status: string }>(
        `SELECT status FROM notifications WHERE provider_id = $1`,
        [sid],
      );
      expect(row.status).toBe('delivered');
      const reports = await app.sql(
        `SELECT status FROM sms_delivery_reports WHERE message_sid = $1 ORDER BY status`,
        [sid],
      );
      expect(reports).toEqual([{ status: 'delivered' }, { status: 'sent' }]);
    });

    it('refuses a forged or missing signature with 403 and stores nothing', async () => {
      const params = callback('SMforged', 'delivered');
      const forged = await post(
        params,
        twilio.getExpectedTwilioSignature('wrong-token', `http://campus.test${STATUS_PATH}`, params),
      );
      expect(forged.status).toBe(403);
      expect(forged.body.code).toBe('bad_signature');
      const missing = await app.http().post(STATUS_PATH).type('form').send(params);
      expect(missing.status).toBe(403);
      expect(await app.sql(`SELECT 1 FROM sms_delivery_reports WHERE message_sid = 'SMforged'`)).toHaveLength(
        0,
      );
    });

    it('a signature for other fields does not pass', async () => {
      const params = callback('SMtampered', 'sent');
      const signature = twilio.getExpectedTwilioSignature(TOKEN, `http://campus.test${STATUS_PATH}`, params);
      const res = await post({ ...params, MessageStatus: 'delivered' }, signature);
      expect(res.status).toBe(403);
    });
  });
});
