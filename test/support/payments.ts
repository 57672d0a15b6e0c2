import { createHmac } from 'node:crypto';
import type { TestApp } from '@campus/testing';

/** Posts a payment notice signed the way the provider signs it (HMAC-SHA256 of the raw body). */
export async function signedNotice(
  app: TestApp,
  notice: { orderId: string; amountCents: number; providerRef: string; paidAt?: string },
  secret = app.config.paymentWebhookSecret,
) {
  const raw = JSON.stringify({ paidAt: new Date().toISOString(), ...notice });
  const signature = createHmac('sha256', secret).update(raw).digest('hex');
  return app
    .http()
    .post('/api/payments/notify')
    .set('Content-Type', 'application/json')
    .set('X-Signature', signature)
    .send(raw);
}
