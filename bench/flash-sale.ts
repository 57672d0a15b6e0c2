/**
 * Flash sale on one hot SKU (issue 20): 200 buyers at once, each a different customer, every order a
 * flash-sale order (limit 1 each) — against the same 200 buyers on a plain hot SKU (no sale), over
 * HTTP in the same API. Reports orders/s and p50/p99 for both, SQL statements per order (plain vs
 * flash sale, counted by bench/count-queries.ts), and the race: 200 buyers for 20 units → 20 orders.
 *
 * `node dist/bench/flash-sale.js [--smoke] [--duration=N] [--buyers=N] [--keep]` runs it alone (its
 * own database and API); bench/run.ts calls `runFlashSaleBench` with its running API.
 */
import 'reflect-metadata';
import autocannon from 'autocannon';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { loadConfig } from '@campus/core';
import { ensureDatabase, migrate } from '../scripts/db';
import { ephemeralSecrets } from '../scripts/env';

export interface FlashSaleRun {
  sku: string;
  flashSale: boolean;
  connections: number;
  seconds: number;
  ordersPerSecond: number;
  placed: number;
  latencyMs: { p50: number; p99: number; max: number };
  errors: number;
  non2xx: number;
}

export interface FlashSaleBenchResult {
  buyers: number;
  statementsPerOrder: { plain: number; flashSale: number };
  plain: FlashSaleRun;
  flashSale: FlashSaleRun;
  race: { buyers: number; units: number; placed: number; refused: number; sold: number; ms: number };
}

export interface FlashSaleBenchOptions {
  apiBase: string;
  adminToken: string;
  /** A call-centre token: orders are keyed for a customer by phone. */
  token: string;
  pickupPointId: string;
  /** BENCH_QUERY_COUNT_FILE of the API (statements counted by bench/count-queries.ts). */
  countFile: string;
  seconds: number;
  buyers?: number;
  smoke?: boolean;
  log: (msg: string) => void;
}

async function call<T>(
  base: string,
  method: string,
  path: string,
  body?: unknown,
  token?: string,
  key?: string,
) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(key ? { 'idempotency-key': key } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
}

function statements(file: string): number {
  try {
    return (JSON.parse(readFileSync(file, 'utf8')) as { statements: number }).statements;
  } catch {
    return 0;
  }
}

export async function runFlashSaleBench(o: FlashSaleBenchOptions): Promise<FlashSaleBenchResult> {
  const buyers = o.buyers ?? 200;
  const stamp = Date.now().toString(36).toUpperCase();
  const ok = async <T>(r: Promise<{ status: number; body: T }>, what: string) => {
    const res = await r;
    if (res.status >= 300) throw new Error(`${what}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  };
  const product = (sku: string, stock: number) =>
    ok(
      call(
        o.apiBase,
        'POST',
        '/api/products',
        { sku, name: sku, category: 'bench', priceCents: 5000, stock },
        o.adminToken,
      ),
      `product ${sku}`,
    );
  const sale = (sku: string, quantity: number) =>
    ok(
      call<{ id: string }>(
        o.apiBase,
        'POST',
        '/api/flash-sales',
        {
          sku,
          priceCents: 990,
          quantity,
          perCustomerLimit: 1,
          startsAt: new Date(Date.now() - 60_000).toISOString(),
          endsAt: new Date(Date.now() + 3_600_000).toISOString(),
        },
        o.adminToken,
      ),
      `flash sale ${sku}`,
    );
  const plainSku = `FS-PLAIN-${stamp}`;
  const hotSku = `FS-HOT-${stamp}`;
  const raceSku = `FS-RACE-${stamp}`;
  await product(plainSku, 1_000_000);
  await product(hotSku, 1_000_000);
  await product(raceSku, 1_000);
  const hot = await sale(hotSku, 1_000_000);

  // Every order a new customer (limit 1 each): phones never repeat within the run.
  let seq = 0;
  // A mobile prefix that validates (not every 14x–18x does), varied per run so runs don't share customers.
  const PREFIXES = [150, 151, 152, 157, 158, 159, 182, 183, 187, 188];
  const prefix = PREFIXES[Date.now() % PREFIXES.length];
  const body = (sku: string) =>
    JSON.stringify({
      customer: { phone: `+86${prefix}${String(seq++).padStart(8, '0')}`, name: 'Buyer' },
      lines: [{ sku, quantity: 1 }],
      fulfillment: { type: 'locker', pickupPointId: o.pickupPointId },
      paymentMethod: 'cod',
    });
  const place = (sku: string) =>
    call(o.apiBase, 'POST', '/api/orders', JSON.parse(body(sku)), o.token, randomUUID());

  const perOrder = async (sku: string, n: number) => {
    await new Promise((r) => setTimeout(r, 250));
    const before = statements(o.countFile);
    for (let i = 0; i < n; i++) {
      const r = await place(sku);
      if (r.status !== 201) throw new Error(`sequential order: ${r.status} ${JSON.stringify(r.body)}`);
    }
    await new Promise((r) => setTimeout(r, 250));
    return (statements(o.countFile) - before) / n;
  };
  const sequential = o.smoke ? 20 : 200;
  o.log(
    `flash sale: SQL per order, ${sequential} plain and ${sequential} flash-sale orders one after another`,
  );
  const plainStatements = await perOrder(plainSku, sequential);
  const flashStatements = await perOrder(hotSku, sequential);

  const cannon = async (sku: string, flashSale: boolean): Promise<FlashSaleRun> => {
    const r = await autocannon({
      url: o.apiBase,
      connections: buyers,
      duration: o.seconds,
      timeout: 30,
      requests: [
        {
          method: 'POST',
          path: '/api/orders',
          setupRequest: (req) => ({
            ...req,
            headers: {
              'content-type': 'application/json',
              authorization: `Bearer ${o.token}`,
              'idempotency-key': randomUUID(),
            },
            body: body(sku),
          }),
        },
      ],
    });
    return {
      sku,
      flashSale,
      connections: buyers,
      seconds: r.duration,
      placed: r['2xx'],
      ordersPerSecond: r['2xx'] / r.duration,
      latencyMs: { p50: r.latency.p50, p99: r.latency.p99, max: r.latency.max },
      errors: r.errors + r.timeouts,
      non2xx: r.non2xx,
    };
  };
  o.log(`flash sale: ${buyers} buyers on one plain hot SKU for ${o.seconds}s`);
  const plain = await cannon(plainSku, false);
  o.log(`flash sale: ${buyers} buyers on one flash-sale SKU (limit 1 each) for ${o.seconds}s`);
  const flashSale = await cannon(hotSku, true);

  o.log(`flash sale: the race, ${buyers} buyers at once for 20 units`);
  const race = await sale(raceSku, 20);
  const started = performance.now();
  const results = await Promise.all(Array.from({ length: buyers }, () => place(raceSku)));
  const ms = performance.now() - started;
  const sold = await ok(
    call<{ items: { id: string; sold: number }[] }>(
      o.apiBase,
      'GET',
      `/api/flash-sales?sku=${raceSku}`,
      undefined,
      o.adminToken,
    ),
    'flash sales',
  );
  void hot;
  return {
    buyers,
    statementsPerOrder: { plain: plainStatements, flashSale: flashStatements },
    plain,
    flashSale,
    race: {
      buyers,
      units: 20,
      placed: results.filter((r) => r.status === 201).length,
      refused: results.filter((r) => r.status === 409).length,
      sold: sold.items.find((s) => s.id === race.id)?.sold ?? -1,
      ms: Math.round(ms),
    },
  };
}

export function flashSaleTable(r: FlashSaleBenchResult): string {
  const row = (name: string, x: FlashSaleRun, st: number) =>
    `| ${name} | ${x.connections} | ${x.ordersPerSecond.toFixed(0)} /s | ${x.latencyMs.p50} ms | ${x.latencyMs.p99} ms | ${st.toFixed(2)} | ${x.errors + x.non2xx} |`;
  return [
    '| one hot SKU | buyers | orders/s | p50 | p99 | statements / order | errors |',
    '|---|---|---|---|---|---|---|',
    row('plain (no sale)', r.plain, r.statementsPerOrder.plain),
    row('flash sale, limit 1 each', r.flashSale, r.statementsPerOrder.flashSale),
    '',
    `race: ${r.race.buyers} buyers for ${r.race.units} units → ${r.race.placed} orders, ${r.race.refused} × 409, sold ${r.race.sold}, ${r.race.ms} ms`,
    '',
  ].join('\n');
}

/** Alone: its own database, the built API (statements counted), a call-centre account. */
async function main(): Promise<void> {
  const args = new Map(
    process.argv.slice(2).map((a) => {
      const [k, v] = a.replace(/^--/, '').split('=');
      return [k, v ?? 'true'] as const;
    }),
  );
  const smoke = args.get('smoke') === 'true';
  const log = (msg: string) => process.stdout.write(`[bench] ${msg}\n`);
  const stamp = Date.now().toString(36);
  const baseUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const dbUrl = new URL(baseUrl);
  dbUrl.pathname = `/campus_bench_fs_${stamp}`;
  const port = await new Promise<number>((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
  const countFile = join('/tmp', `campus-bench-fs-queries-${stamp}.json`);
  const env: Record<string, string> = {
    NODE_ENV: 'production',
    PORT: String(port),
    DATABASE_URL: dbUrl.toString(),
    DB_POOL_SIZE: args.get('pool') ?? '20',
    REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    QUEUE_PREFIX: `benchfs${stamp}`,
    // Production refuses weak or shipped secrets (issue 17.1): fresh random ones for each run.
    ...ephemeralSecrets(),
    ADMIN_USERNAME: 'admin',
    PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
    DEMO_DATA: 'false',
    LOG_LEVEL: 'warn',
    RATE_LIMITS: 'false',
    BENCH_QUERY_COUNT_FILE: countFile,
  };
  await ensureDatabase(env.DATABASE_URL);
  await migrate(loadConfig(env));
  const dist = join(__dirname, '..');
  const child = spawn(
    process.execPath,
    [
      '--max-old-space-size=160',
      '-r',
      join(dist, 'bench/count-queries.js'),
      join(dist, 'apps/api/src/main.js'),
    ],
    { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'inherit'] },
  );
  const base = `http://127.0.0.1:${port}`;
  try {
    for (let i = 0; ; i++) {
      const up = await fetch(`${base}/api/health`).then(
        (r) => r.status === 200,
        () => false,
      );
      if (up) break;
      if (i > 100) throw new Error('the API did not become healthy');
      await new Promise((r) => setTimeout(r, 200));
    }
    const login = async (username: string, password: string) =>
      (await call<{ accessToken: string }>(base, 'POST', '/api/auth/login', { username, password })).body
        .accessToken;
    const admin = await login('admin', env.ADMIN_PASSWORD);
    const region = (
      await call<{ id: string }>(base, 'POST', '/api/regions', { code: 'FS', name: 'FS' }, admin)
    ).body;
    const campus = (
      await call<{ id: string }>(
        base,
        'POST',
        '/api/campuses',
        { code: 'FS-U', name: 'FS U', regionId: region.id },
        admin,
      )
    ).body;
    const point = (
      await call<{ id: string }>(
        base,
        'POST',
        '/api/pickup-points',
        { code: 'FS-P', name: 'FS P', campusId: campus.id },
        admin,
      )
    ).body;
    await call(
      base,
      'POST',
      '/api/users',
      { username: 'fs.cc', password: 'bench-password', role: 'call_center' },
      admin,
    );
    const token = await login('fs.cc', 'bench-password');
    const result = await runFlashSaleBench({
      apiBase: base,
      adminToken: admin,
      token,
      pickupPointId: point.id,
      countFile,
      seconds: Number(args.get('duration') ?? (smoke ? 2 : 10)),
      buyers: Number(args.get('buyers') ?? 200),
      smoke,
      log,
    });
    process.stdout.write(flashSaleTable(result));
    const root = join(__dirname, '..', '..');
    mkdirSync(join(root, 'bench/results'), { recursive: true });
    const file = join(root, 'bench/results', smoke ? 'flash-sale-smoke.json' : 'flash-sale-latest.json');
    const machine = {
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model,
      memoryGb: Math.round(totalmem() / 2 ** 30),
    };
    writeFileSync(
      file,
      `${JSON.stringify({ date: new Date().toISOString(), smoke, underLoad: true, machine, flashSale: result }, null, 2)}\n`,
    );
    log(`wrote ${file}`);
  } finally {
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
    if (args.get('keep') !== 'true') {
      const c = new Client({ connectionString: baseUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS "campus_bench_fs_${stamp}" WITH (FORCE)`);
      await c.end();
    }
  }
}

if (require.main === module) {
  main().catch((err) => {
    console.error(err);
    process.exitCode = 1;
  });
}
