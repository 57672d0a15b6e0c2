import { randomBytes, randomUUID } from 'node:crypto';
import twilio from 'twilio';
import { RetentionService } from '@campus/queue';
import type { Fixtures, TestApp, World } from '@campus/testing';
import { auth, startApp } from '../support/app';

/**
 * Issue 17.8: the retention job deletes what is old and keeps what is young, table by table (each
 * lib's own rule): one-time codes, processed-job markers, idempotency keys (≥ 24 h always kept),
 * SMS conversations (messages with their quotes) and delivery reports, lockout rows and OTP budgets.
 * Rows are made through the API where it can make them, then aged with SQL (time cannot be waited).
 */
describe('Retention (e2e)', () => {
  let app: TestApp;
  let fx: Fixtures;
  let w: World;

  beforeAll(async () => {
    ({ app, fx } = await startApp({ worker: true }));
    w = await fx.world();
  });
  afterAll(() => app?.close());

  const count = async (sql: string, params: unknown[] = []) =>
    Number((await app.sql<{ n: string }>(`SELECT count(*) AS n FROM (${sql}) x`, params))[0].n);

  async function smsBuy(from: string): Promise<void> {
    const url = `${app.config.publicBaseUrl}/api/channels/sms/twilio`;
    const sid = `SM${randomBytes(16).toString('hex')}`;
    const params: Record<string, string> = {
      MessageSid: sid,
      SmsSid: sid,
      AccountSid: `AC${'0'.repeat(32)}`,
      From: from,
      To: '+8613912345678',
      Body: `BUY ${w.skus.usb} 1 @${w.pointA1.code}`,
      NumMedia: '0',
      ApiVersion: '2010-04-01',
    };
    const res = await app
      .http()
      .post('/api/channels/sms/twilio')
      .type('form')
      .set('X-Twilio-Signature', twilio.getExpectedTwilioSignature(app.config.twilio.authToken!, url, params))
      .send(params);
    expect(res.status).toBe(200);
  }

  it('deletes old rows and keeps young ones in every table it looks after', async () => {
    // One-time codes: one expired long ago, one current.
    await app.http().post('/api/auth/otp/request').send({ phone: '+8613855590001' }).expect(202);
    await app.http().post('/api/auth/otp/request').send({ phone: '+8613855590002' }).expect(202);
    await app.sql(
      `UPDATE otp_codes SET created_at = now() - interval '9 days', expires_at = now() - interval '8 days' WHERE phone = $1`,
      ['+8613855590001'],
    );
    await app.sql(
      `INSERT INTO otp_hourly_budget (hour, used) VALUES (date_trunc('hour', now()) - interval '10 days', 3)
       ON CONFLICT DO NOTHING`,
    );

    // Idempotency keys: one 4 days old, one 23 hours old (kept: at least 24 h), one new.
    const keys = [randomUUID(), randomUUID(), randomUUID()];
    for (const [i, key] of keys.entries()) {
      const res = await app
        .http()
        .post('/api/orders')
        .set(auth(w.tokens.callCenter))
        .set('Idempotency-Key', key)
        .send({
          customer: { phone: `+86138555910${i}0`, name: 'Li Lei' },
          lines: [{ sku: w.skus.usb, quantity: 1 }],
          fulfillment: { type: 'counter', pickupPointId: w.pointA1.id },
          paymentMethod: 'cod',
        });
      expect(res.status).toBe(201);
    }
    await app.sql(`UPDATE idempotency_keys SET created_at = now() - interval '4 days' WHERE key = $1`, [
      keys[0],
    ]);
    await app.sql(`UPDATE idempotency_keys SET created_at = now() - interval '23 hours' WHERE key = $1`, [
      keys[1],
    ]);

    // SMS conversations: an old BUY (message + quote), a young one; delivery reports old and young.
    await smsBuy('+8613855592001');
    await smsBuy('+8613855592002');
    await app.sql(
      `UPDATE sms_messages SET created_at = now() - interval '100 days', received_at = now() - interval '100 days'
        WHERE from_phone = $1`,
      ['+8613855592001'],
    );
    await app.sql(`UPDATE sms_quotes SET created_at = now() - interval '100 days' WHERE phone = $1`, [
      '+8613855592001',
    ]);
    await app.sql(
      `INSERT INTO sms_delivery_reports (message_sid, status, received_at)
       VALUES ('SMold', 'delivered', now() - interval '100 days'), ('SMyoung', 'delivered', now())`,
    );

    // Lockout rows: a run of wrong codes long over, and one from a minute ago.
    const place = randomUUID();
    await app.sql(
      `INSERT INTO pickup_lockouts (place_id, subject, failures, last_failed_at, locked_until)
       VALUES ($1, 'phone:old', 5, now() - interval '8 days', now() - interval '8 days'),
              ($1, 'phone:young', 2, now() - interval '1 minute', NULL)`,
      [place],
    );

    // Processed-job markers: old and young.
    await app.sql(
      `INSERT INTO processed_jobs (consumer, key, processed_at)
       VALUES ('retention-test', 'old', now() - interval '20 days'), ('retention-test', 'young', now())`,
    );

    const deleted = await app.worker!.get(RetentionService).runOnce();
    expect(deleted).toMatchObject({
      otp_codes: 1,
      otp_hourly_budget: 1,
      idempotency_keys: 1,
      sms_messages: 2, // the old message and its quote
      sms_delivery_reports: 1,
      pickup_lockouts: 1,
    });
    expect(deleted.processed_jobs).toBeGreaterThanOrEqual(1);

    expect(await count(`SELECT 1 FROM otp_codes WHERE phone = '+8613855590001'`)).toBe(0);
    expect(await count(`SELECT 1 FROM otp_codes WHERE phone = '+8613855590002'`)).toBe(1);
    expect(await count(`SELECT 1 FROM otp_hourly_budget WHERE hour < now() - interval '1 day'`)).toBe(0);
    expect(await count(`SELECT 1 FROM otp_hourly_budget`)).toBeGreaterThanOrEqual(1); // this hour's
    expect(await count(`SELECT 1 FROM idempotency_keys WHERE key = ANY($1)`, [keys])).toBe(2);
    expect(await count(`SELECT 1 FROM idempotency_keys WHERE key = $1`, [keys[0]])).toBe(0);
    expect(await count(`SELECT 1 FROM sms_messages WHERE from_phone = '+8613855592001'`)).toBe(0);
    expect(await count(`SELECT 1 FROM sms_quotes WHERE phone = '+8613855592001'`)).toBe(0);
    expect(await count(`SELECT 1 FROM sms_messages WHERE from_phone = '+8613855592002'`)).toBe(1);
    expect(await count(`SELECT 1 FROM sms_quotes WHERE phone = '+8613855592002'`)).toBe(1);
    expect(await count(`SELECT 1 FROM sms_delivery_reports WHERE message_sid IN ('SMold', 'SMyoung')`)).toBe(
      1,
    );
    expect(await count(`SELECT 1 FROM pickup_lockouts WHERE place_id = $1`, [place])).toBe(1);
    expect(
      await app.sql(`SELECT key FROM processed_jobs WHERE consumer = 'retention-test' ORDER BY key`),
    ).toEqual([{ key: 'young' }]);

    // The retried order with a kept key is still the same order (idempotency holds for ≥ 24 h).
    const again = await app
      .http()
      .post('/api/orders')
      .set(auth(w.tokens.callCenter))
      .set('Idempotency-Key', keys[1])
      .send({
        customer: { phone: `+8613855591010`, name: 'Li Lei' },
        lines: [{ sku: w.skus.usb, quantity: 1 }],
        fulfillment: { type: 'counter', pickupPointId: w.pointA1.id },
        paymentMethod: 'cod',
      });
    expect([200, 201]).toContain(again.status);
    expect(
      await count(
        `SELECT 1 FROM orders o JOIN customers c ON c.id = o.customer_id WHERE c.phone = '+8613855591010'`,
      ),
    ).toBe(1);

    // A second run finds nothing more.
    const second = await app.worker!.get(RetentionService).runOnce();
    expect(Object.values(second).every((n) => n === 0)).toBe(true);
  });
});
