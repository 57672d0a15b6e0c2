/**
 * Alipay notices per second through the real API: the built API in production mode (a child process,
 * its own database), Alipay configured with key pairs generated here; N unpaid online orders, each
 * with its own open payment attempt (a WAP cashier URL, made through the API by a signed-in
 * customer); then N asynchronous notices — form-encoded, RSA2-signed the way Alipay signs them, each
 * for its own attempt — sent at a given concurrency. Each must answer `success`; confirmations are
 * counted in the database afterwards (attempt paid and order confirmed), and only those count.
 * Run alone with `node dist/bench/alipay-notify.js [--smoke] [--notices=N] [--concurrency=N] [--keep]`,
 * or as a section of `npm run bench`.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { createSign, generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { Client } from 'pg';
import { loadConfig } from '@campus/core';
import { ensureDatabase, migrate } from '../scripts/db';
import { ephemeralSecrets } from '../scripts/env';
import { unsealText } from '@campus/notifications';
import { freePort } from './net';

export interface AlipayNoticeBenchResult {
  notices: number;
  concurrency: number;
  seconds: number;
  /** Confirmations (attempt paid and order confirmed, counted in the database) per second. */
  noticesPerSecond: number;
  confirmed: number;
  latencyMs: { p50: number; p99: number };
  /** Answers other than 200 `success`, network errors, and notices that confirmed nothing. */
  errors: number;
}

const DIST = join(__dirname, '..');

function keyPair() {
  return generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
}

/** Alipay's notice signature: every field but sign and sign_type, sorted, raw values, RSA-SHA256. */
function signNotice(params: Record<string, string>, privateKey: string): Record<string, string> {
  const content = Object.keys(params)
    .filter((k) => k !== 'sign' && k !== 'sign_type')
    .sort()
    .map((k) => `${k}=${params[k]}`)
    .join('&');
  return { ...params, sign: createSign('RSA-SHA256').update(content, 'utf8').sign(privateKey, 'base64') };
}

const beijing = (at: Date) =>
  new Date(at.getTime() + 8 * 3600_000).toISOString().slice(0, 19).replace('T', ' ');

export async function runAlipayNoticeBench(opts: {
  baseUrl: string;
  smoke: boolean;
  log: (msg: string) => void;
  notices?: number;
  concurrency?: number;
  keep?: boolean;
}): Promise<AlipayNoticeBenchResult> {
  const notices = opts.notices ?? (opts.smoke ? 60 : 1500);
  const concurrency = opts.concurrency ?? (opts.smoke ? 4 : 16);
  const stamp = Date.now().toString(36);
  const dbUrl = new URL(opts.baseUrl);
  dbUrl.pathname = `/campus_bench_alipay_${stamp}`;
  const databaseUrl = dbUrl.toString();
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const app = keyPair();
  const alipay = keyPair();
  const appId = '2021000000000001';
  const env: Record<string, string> = {
    NODE_ENV: 'production',
    PORT: String(port),
    DATABASE_URL: databaseUrl,
    DB_POOL_SIZE: '20',
    REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    QUEUE_PREFIX: `benchalipay${stamp}`,
    ...ephemeralSecrets(),
    ADMIN_USERNAME: 'admin',
    PUBLIC_BASE_URL: base,
    DEMO_DATA: 'false',
    LOG_LEVEL: 'warn',
    RATE_LIMITS: 'false',
    PAYMENT_WINDOW_MINUTES: '120',
    ALIPAY_APP_ID: appId,
    ALIPAY_PRIVATE_KEY: app.privateKey,
    ALIPAY_PUBLIC_KEY: alipay.publicKey,
    // Never called: cashier URLs are signed locally and notices need no call to Alipay.
    ALIPAY_GATEWAY: 'https://openapi.alipay.invalid/gateway.do',
  };
  await ensureDatabase(databaseUrl);
  await migrate(loadConfig(env));
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  let child: ChildProcess | undefined;
  try {
    child = spawn(process.execPath, ['--max-old-space-size=160', join(DIST, 'apps/api/src/main.js')], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    for (let i = 0; ; i++) {
      try {
        if ((await fetch(`${base}/api/health`)).status === 200) break;
      } catch {
        /* not up yet */
      }
      if (i > 100) throw new Error('the API did not become healthy');
      await new Promise((r) => setTimeout(r, 200));
    }
    const call = async <T>(method: string, path: string, body?: unknown, token?: string, headers = {}) => {
      const res = await fetch(`${base}${path}`, {
        method,
        headers: {
          'content-type': 'application/json',
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...headers,
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${text}`);
      return (text ? JSON.parse(text) : undefined) as T;
    };

    // Arrange through the API: a campus with a pickup point, a product, a customer signed in by code.
    const admin = (
      await call<{ accessToken: string }>('POST', '/api/auth/login', {
        username: 'admin',
        password: env.ADMIN_PASSWORD,
      })
    ).accessToken;
    const region = await call<{ id: string }>('POST', '/api/regions', { code: 'BA', name: 'Bench' }, admin);
    const campus = await call<{ id: string }>(
      'POST',
      '/api/campuses',
      { code: 'BA-U', name: 'Bench U', regionId: region.id },
      admin,
    );
    const point = await call<{ id: string }>(
      'POST',
      '/api/pickup-points',
      { code: 'BA-P', name: 'Bench point', campusId: campus.id },
      admin,
    );
    await call(
      'POST',
      '/api/products',
      { sku: 'BA-1', name: 'Bench item', category: 'bench', priceCents: 1230, stock: 1_000_000 },
      admin,
    );
    const phone = '+8613700000001';
    await call('POST', '/api/auth/otp/request', { phone });
    // The log keeps codes masked (issue 17.2); the bench knows its CODES_SECRET and opens the sealed
    // copy the sender would (no worker runs here, so the text is still waiting).
    const { rows: codes } = await db.query<{ id: string; sealed_body: string | null }>(
      `SELECT id, sealed_body FROM notifications WHERE to_phone = $1 AND template = 'otp' ORDER BY created_at DESC LIMIT 1`,
      [phone],
    );
    const sealed = codes[0]?.sealed_body;
    const text = sealed ? unsealText({ codesSecret: env.CODES_SECRET }, codes[0].id, sealed) : '';
    const code = /\d{6}/.exec(text)?.[0];
    if (!code) throw new Error('no sign-in code was texted');
    const customer = (await call<{ accessToken: string }>('POST', '/api/auth/otp/verify', { phone, code }))
      .accessToken;

    opts.log(`alipay notices: ${notices} unpaid orders, each with its own WAP payment attempt`);
    const attempts: { outTradeNo: string; orderId: string; amountCents: number }[] = [];
    let next = 0;
    const arrange = async () => {
      while (next < notices) {
        next++;
        const order = await call<{ id: string; totalCents: number }>(
          'POST',
          '/api/orders',
          {
            channel: 'wap',
            lines: [{ sku: 'BA-1', quantity: 1 }],
            fulfillment: { type: 'locker', pickupPointId: point.id },
            paymentMethod: 'online',
          },
          customer,
          { 'idempotency-key': randomUUID() },
        );
        const attempt = await call<{ outTradeNo: string; amountCents: number }>(
          'POST',
          `/api/orders/${order.id}/payments`,
          { method: 'alipay_wap' },
          customer,
        );
        attempts.push({
          outTradeNo: attempt.outTradeNo,
          orderId: order.id,
          amountCents: attempt.amountCents,
        });
      }
    };
    await Promise.all(Array.from({ length: 8 }, arrange));

    const yuan = (c: number) => `${Math.floor(c / 100)}.${String(c % 100).padStart(2, '0')}`;
    const bodies = attempts.map((a, i) => {
      const now = new Date();
      return new URLSearchParams(
        signNotice(
          {
            notify_time: beijing(now),
            notify_type: 'trade_status_sync',
            notify_id: randomBytes(16).toString('hex'),
            app_id: appId,
            charset: 'utf-8',
            version: '1.0',
            sign_type: 'RSA2',
            trade_no: `2026${String(Date.now()).slice(-8)}2200${String(i).padStart(10, '0')}`,
            out_trade_no: a.outTradeNo,
            trade_status: 'TRADE_SUCCESS',
            total_amount: yuan(a.amountCents),
            receipt_amount: yuan(a.amountCents),
            subject: 'Bench item',
            gmt_create: beijing(now),
            gmt_payment: beijing(now),
            buyer_id: '2088102177846875',
            buyer_logon_id: 'ben***@163.com',
            seller_id: '2088000000000001',
          },
          alipay.privateKey,
        ),
      ).toString();
    });

    opts.log(`alipay notices: sending ${bodies.length} signed notices at concurrency ${concurrency}`);
    const latencies: number[] = [];
    let errors = 0;
    let sent = 0;
    const started = performance.now();
    const sender = async () => {
      while (sent < bodies.length) {
        const body = bodies[sent++];
        const t0 = performance.now();
        try {
          const res = await fetch(`${base}/api/payments/alipay/notify`, {
            method: 'POST',
            headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
            body,
          });
          const text = await res.text();
          if (res.status !== 200 || text !== 'success') errors++;
          latencies.push(performance.now() - t0);
        } catch {
          errors++;
        }
      }
    };
    await Promise.all(Array.from({ length: concurrency }, sender));
    const seconds = (performance.now() - started) / 1000;
    const { rows } = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM payment_attempts a JOIN orders o ON o.id = a.order_id
        WHERE a.out_trade_no = ANY($1::text[]) AND a.status = 'paid' AND o.status = 'confirmed' AND o.paid_at IS NOT NULL`,
      [attempts.map((a) => a.outTradeNo)],
    );
    const confirmed = rows[0].n;
    latencies.sort((a, b) => a - b);
    const at = (q: number) =>
      latencies.length ? Math.round(latencies[Math.floor(q * (latencies.length - 1))]) : 0;
    const result: AlipayNoticeBenchResult = {
      notices: bodies.length,
      concurrency,
      seconds,
      noticesPerSecond: confirmed / seconds,
      confirmed,
      latencyMs: { p50: at(0.5), p99: at(0.99) },
      // Failed answers, plus answers of `success` that confirmed nothing.
      errors: errors + Math.max(0, bodies.length - errors - confirmed),
    };
    opts.log(
      `alipay notices: ${confirmed}/${bodies.length} confirmed in ${seconds.toFixed(1)} s = ` +
        `${result.noticesPerSecond.toFixed(0)} notices/s at c${concurrency}, p50 ${result.latencyMs.p50} ms, ` +
        `p99 ${result.latencyMs.p99} ms, ${result.errors} errors`,
    );
    return result;
  } finally {
    if (child && child.exitCode === null) {
      const exited = new Promise((r) => child!.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    await db.end();
    if (!opts.keep) {
      const admin = new Client({ connectionString: opts.baseUrl });
      await admin.connect();
      await admin.query(`DROP DATABASE IF EXISTS "${dbUrl.pathname.slice(1)}" WITH (FORCE)`);
      await admin.end();
    }
  }
}

if (require.main === module) {
  const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
  runAlipayNoticeBench({
    baseUrl: process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    smoke: process.argv.includes('--smoke'),
    notices: arg('notices') ? Number(arg('notices')) : undefined,
    concurrency: arg('concurrency') ? Number(arg('concurrency')) : undefined,
    keep: process.argv.includes('--keep'),
    log: (msg) => process.stdout.write(`[bench] ${msg}\n`),
  }).then(
    (r) => process.stdout.write(`${JSON.stringify(r, null, 2)}\n`),
    (err: Error) => {
      process.stderr.write(`[bench] ${err.stack ?? err.message}\n`);
      process.exit(1);
    },
  );
}
