/**
 * SMS channel throughput: signed Twilio webhooks, each virtual customer texting `BUY <sku> 1 @<point>`
 * then `YES` (a quote, then the order placed through the same OrderService.place), from a fresh
 * number every few pairs so the per-number rate limit never answers instead of the channel. Orders
 * are counted in the database afterwards: a pair counts only if its order exists.
 */
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import twilio from 'twilio';

export interface SmsBenchResult {
  concurrency: number;
  seconds: number;
  pairs: number;
  pairsPerSecond: number;
  ordersPlaced: number;
  latencyMs: { p50: number; p99: number };
  errors: number;
}

const PATH = '/api/channels/sms/twilio';

export async function runSmsBench(opts: {
  apiBase: string;
  publicBaseUrl: string;
  authToken: string;
  databaseUrl: string;
  sku: string;
  pickupPointCode: string;
  concurrency: number;
  seconds: number;
}): Promise<SmsBenchResult> {
  const url = `${opts.publicBaseUrl}${PATH}`;
  const text = async (from: string, body: string): Promise<string> => {
    const sid = `SM${randomBytes(16).toString('hex')}`;
    const params: Record<string, string> = {
      MessageSid: sid,
      SmsMessageSid: sid,
      AccountSid: `AC${'0'.repeat(32)}`,
      From: from,
      To: '+15005550006',
      Body: body,
      NumMedia: '0',
      NumSegments: '1',
      ApiVersion: '2010-04-01',
    };
    const res = await fetch(`${opts.apiBase}${PATH}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-twilio-signature': twilio.getExpectedTwilioSignature(opts.authToken, url, params),
      },
      body: new URLSearchParams(params).toString(),
    });
    const reply = await res.text();
    if (res.status !== 200) throw new Error(`${res.status} ${reply}`);
    return reply;
  };

  const countOrders = async (): Promise<number> => {
    const c = new Client({ connectionString: opts.databaseUrl });
    await c.connect();
    try {
      const { rows } = await c.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM orders WHERE channel = 'sms'`,
      );
      return rows[0].n;
    } finally {
      await c.end();
    }
  };

  const before = await countOrders();
  const latencies: number[] = [];
  let errors = 0;
  let numbers = 0;
  const deadline = Date.now() + opts.seconds * 1000;
  const started = Date.now();
  const client = async () => {
    let pairsOnNumber = 0;
    let phone = '';
    while (Date.now() < deadline) {
      // The channel allows 20 texts per number in 10 minutes: 8 pairs per number stays well inside.
      if (pairsOnNumber++ % 8 === 0) phone = `+86137${String(numbers++).padStart(8, '0')}`;
      const t0 = performance.now();
      try {
        await text(phone, `BUY ${opts.sku} 1 @${opts.pickupPointCode}`);
        await text(phone, 'YES');
        latencies.push(performance.now() - t0);
      } catch {
        errors++;
      }
    }
  };
  await Promise.all(Array.from({ length: opts.concurrency }, client));
  const seconds = (Date.now() - started) / 1000;
  const ordersPlaced = (await countOrders()) - before;
  latencies.sort((a, b) => a - b);
  const at = (q: number) =>
    latencies.length ? Math.round(latencies[Math.floor(q * (latencies.length - 1))]) : 0;
  return {
    concurrency: opts.concurrency,
    seconds,
    pairs: latencies.length,
    pairsPerSecond: ordersPlaced / seconds,
    ordersPlaced,
    latencyMs: { p50: at(0.5), p99: at(0.99) },
    errors: errors + Math.max(0, latencies.length - ordersPlaced),
  };
}
