/**
 * `npm run bench`: a self-contained benchmark. Creates its own database, starts the built API in
 * production mode, measures order intake over HTTP against raw PostgreSQL doing the same writes at the
 * same concurrency, counts SQL statements per order, times a monthly settlement of 1,000 agents with
 * 100,000 ledger entries (bench/settlement.ts, its own database) against the same aggregate as one raw
 * query, prints a table and writes bench/results/latest.json.
 * `--smoke` runs a few seconds of everything (CI), `--duration=N` sets seconds per measurement.
 * The reports section (bench/reports.ts) seeds its own 100,000 orders and times each report;
 * `--only=reports` runs it alone, `--reports=false` skips it, `--reports-orders=N` resizes it.
 * The whole pipeline (bench/pipeline.ts: API + worker processes against pgbench) runs first;
 * `--only=pipeline` runs it alone, `--pipeline=false` skips it.
 */
import 'reflect-metadata';
import autocannon from 'autocannon';
import { ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { loadConfig } from '@campus/core';
import { ensureDatabase, migrate } from '../scripts/db';
import { ephemeralSecrets } from '../scripts/env';
import { BaselineResult, runBaseline } from './baseline';
import { printReportsTable, ReportsBenchResult, runReportsBench } from './reports';
import { AlipayNoticeBenchResult, runAlipayNoticeBench } from './alipay-notify';
import { runSmsBench, SmsBenchResult } from './sms';
import { printShopBench, runShopBench } from './shop-catalogue';
import { runSettlementBench, SettlementBenchResult } from './settlement';
import { flashSaleTable, runFlashSaleBench } from './flash-sale';
import { PipelineBenchResult, pipelineTable, runPipelineBench } from './pipeline';
import { freePort } from './net';

const args = new Map(
  process.argv.slice(2).map((a) => {
    const [k, v] = a.replace(/^--/, '').split('=');
    return [k, v ?? 'true'] as const;
  }),
);
const SMOKE = args.get('smoke') === 'true';
const DURATION = Number(args.get('duration') ?? (SMOKE ? 1 : 10));
const CONCURRENCY = (args.get('concurrency') ?? (SMOKE ? '4' : '16,64')).split(',').map(Number);
const SEQUENTIAL_ORDERS = SMOKE ? 20 : 200;
const ONLY = args.get('only');
const REPORTS = args.get('reports') !== 'false';
const PIPELINE = args.get('pipeline') !== 'false';
const REPORT_ORDERS = Number(args.get('reports-orders') ?? (SMOKE ? 2_000 : 100_000));
const REPORT_RUNS = SMOKE ? 2 : 7;
const ROOT = join(__dirname, '..', '..');
const DIST = join(ROOT, 'dist');

const log = (msg: string) => process.stdout.write(`[bench] ${msg}\n`);

interface IntakeResult {
  concurrency: number;
  seconds: number;
  ordersPerSecond: number;
  placed: number;
  latencyMs: { p50: number; p99: number; max: number };
  errors: number;
  non2xx: number;
  apiRssMb: number;
  apiCpuMsPerOrder: number;
}

class Api {
  private child?: ChildProcess;
  constructor(
    readonly base: string,
    private readonly env: Record<string, string>,
  ) {}

  async start(): Promise<void> {
    this.child = spawn(
      process.execPath,
      [
        // As `npm start` runs it (scripts/start.ts), plus any profiling flags.
        `--max-old-space-size=${process.env.HEAP_MB ?? 160}`,
        ...(process.env.BENCH_API_NODE_ARGS?.split(' ').filter(Boolean) ?? []),
        '-r',
        join(DIST, 'bench/count-queries.js'),
        join(DIST, 'apps/api/src/main.js'),
      ],
      { env: { ...process.env, ...this.env }, stdio: ['ignore', 'ignore', 'inherit'] },
    );
    for (let i = 0; i < 100; i++) {
      try {
        const res = await fetch(`${this.base}/api/health`);
        if (res.status === 200) return;
      } catch {
        /* not up yet */
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error('the API did not become healthy');
  }

  get pid(): number {
    return this.child!.pid!;
  }

  /** User + system CPU seconds the API process has used so far. */
  cpuSeconds(): number {
    const fields = readFileSync(`/proc/${this.pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  }

  rssMb(): number {
    const status = readFileSync(`/proc/${this.pid}/status`, 'utf8');
    const kb = Number(status.match(/VmRSS:\s+(\d+)/)?.[1] ?? 0);
    return Math.round(kb / 1024);
  }

  async stop(): Promise<void> {
    if (!this.child || this.child.exitCode !== null) return;
    const exited = new Promise((r) => this.child!.once('exit', r));
    this.child.kill('SIGTERM');
    await exited;
  }

  async call<T>(
    method: string,
    path: string,
    body?: unknown,
    token?: string,
    headers: Record<string, string> = {},
  ): Promise<T> {
    const res = await fetch(`${this.base}${path}`, {
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
  }
}

function readStatements(file: string): number {
  try {
    return (JSON.parse(readFileSync(file, 'utf8')) as { statements: number }).statements;
  } catch {
    return 0;
  }
}

async function main(): Promise<void> {
  const stamp = Date.now().toString(36);
  const baseUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const dbUrl = new URL(baseUrl);
  dbUrl.pathname = `/campus_bench_${stamp}`;
  const databaseUrl = dbUrl.toString();
  const port = await freePort();
  const countFile = join('/tmp', `campus-bench-queries-${stamp}.json`);
  const env: Record<string, string> = {
    NODE_ENV: 'production',
    PORT: String(port),
    DATABASE_URL: databaseUrl,
    DB_POOL_SIZE: args.get('pool') ?? '20',
    REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    QUEUE_PREFIX: `bench${stamp}`,
    ...ephemeralSecrets(),
    ADMIN_USERNAME: 'admin',
    PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
    DEMO_DATA: 'false',
    LOG_LEVEL: 'warn',
    RATE_LIMITS: 'false',
    // 5,000 customers with several COD orders each: the cap is checked (its cost is measured), not hit.
    MAX_OPEN_COD_ORDERS: '1000',
    BENCH_QUERY_COUNT_FILE: countFile,
  };
  const reportsSection = async (): Promise<ReportsBenchResult> => {
    const r = await runReportsBench({
      baseUrl,
      env,
      loadConfig: (e) => loadConfig(e),
      orders: REPORT_ORDERS,
      runs: REPORT_RUNS,
      log,
      keep: args.get('keep') === 'true',
    });
    printReportsTable(r, (t) => process.stdout.write(t));
    return r;
  };
  if (ONLY === 'reports') {
    const reports = await reportsSection();
    mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
    const file = join(ROOT, 'bench/results', SMOKE ? 'reports-smoke.json' : 'reports-latest.json');
    writeFileSync(
      file,
      `${JSON.stringify({ date: new Date().toISOString(), smoke: SMOKE, reports }, null, 2)}\n`,
    );
    log(`wrote ${file}`);
    return;
  }
  // The whole pipeline first (issue 18): its own database, API and worker processes, and baselines.
  const pipelineSection = async (): Promise<PipelineBenchResult> => {
    log('the whole pipeline: API + worker processes (1+1 and 2+2) against pgbench and the pg baseline');
    const r = await runPipelineBench({
      baseUrl,
      smoke: SMOKE,
      seconds: DURATION,
      concurrency: CONCURRENCY,
      log,
      keep: args.get('keep') === 'true',
    });
    process.stdout.write(pipelineTable(r));
    return r;
  };
  if (ONLY === 'pipeline') {
    const pipeline = await pipelineSection();
    mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
    const file = join(ROOT, 'bench/results', SMOKE ? 'pipeline-smoke.json' : 'pipeline-latest.json');
    writeFileSync(
      file,
      `${JSON.stringify({ date: new Date().toISOString(), smoke: SMOKE, pipeline }, null, 2)}\n`,
    );
    log(`wrote ${file}`);
    return;
  }
  const pipeline = PIPELINE ? await pipelineSection() : undefined;
  log(
    `database ${dbUrl.pathname.slice(1)}, API on :${port}, ${DURATION}s per measurement, concurrency ${CONCURRENCY.join('/')}`,
  );
  await ensureDatabase(databaseUrl);
  await migrate(loadConfig(env));
  const api = new Api(`http://127.0.0.1:${port}`, env);
  try {
    await api.start();
    const admin = (
      await api.call<{ accessToken: string }>('POST', '/api/auth/login', {
        username: 'admin',
        password: env.ADMIN_PASSWORD,
      })
    ).accessToken;
    const region = await api.call<{ id: string }>(
      'POST',
      '/api/regions',
      { code: 'BENCH', name: 'Bench' },
      admin,
    );
    const campus = await api.call<{ id: string }>(
      'POST',
      '/api/campuses',
      { code: 'BENCH-U', name: 'Bench U', regionId: region.id },
      admin,
    );
    const point = await api.call<{ id: string }>(
      'POST',
      '/api/pickup-points',
      { code: 'BENCH-P', name: 'Bench point', campusId: campus.id },
      admin,
    );
    await api.call(
      'POST',
      '/api/lockers',
      { code: 'BENCH-L', pickupPointId: point.id, compartments: { S: 10, M: 5, L: 2 } },
      admin,
    );
    const products: string[] = [];
    for (const [sku, price] of [
      ['BENCH-A', 3900],
      ['BENCH-B', 500],
      ['BASE-A', 3900],
      ['BASE-B', 500],
    ] as const) {
      products.push(
        (
          await api.call<{ id: string }>(
            'POST',
            '/api/products',
            { sku, name: sku, category: 'bench', priceCents: price, stock: 1_000_000 },
            admin,
          )
        ).id,
      );
    }
    await api.call(
      'POST',
      '/api/users',
      { username: 'bench.cc', password: 'bench-password', role: 'call_center' },
      admin,
    );
    const token = (
      await api.call<{ accessToken: string }>('POST', '/api/auth/login', {
        username: 'bench.cc',
        password: 'bench-password',
      })
    ).accessToken;

    let seq = 0;
    const orderBody = () =>
      JSON.stringify({
        customer: { phone: `+86138${String(seq++ % 5000).padStart(8, '0')}`, name: 'Bench' },
        lines: [
          { sku: 'BENCH-A', quantity: 1 },
          { sku: 'BENCH-B', quantity: 1 },
        ],
        fulfillment: { type: 'locker', pickupPointId: point.id },
        paymentMethod: 'cod',
      });
    const place = () =>
      api.call<{ id: string; customer: { id: string } }>(
        'POST',
        '/api/orders',
        JSON.parse(orderBody()),
        token,
        {
          'idempotency-key': randomUUID(),
        },
      );

    const first = await place();
    const fixture = {
      productIds: [products[2], products[3]] as [string, string],
      customerId: first.customer.id,
      regionId: region.id,
      campusId: campus.id,
      pickupPointId: point.id,
    };

    const cannon = (connections: number, seconds: number | null, amount?: number) =>
      autocannon({
        url: api.base,
        connections,
        ...(amount ? { amount } : { duration: seconds ?? DURATION }),
        timeout: 30,
        requests: [
          {
            method: 'POST',
            path: '/api/orders',
            setupRequest: (req) => ({
              ...req,
              headers: {
                'content-type': 'application/json',
                authorization: `Bearer ${token}`,
                'idempotency-key': randomUUID(),
              },
              body: orderBody(),
            }),
          },
        ],
      });

    log('warming up');
    await cannon(8, null, SMOKE ? 50 : 500);

    log(`SQL per order: ${SEQUENTIAL_ORDERS} orders one after another`);
    await new Promise((r) => setTimeout(r, 250));
    const before = readStatements(countFile);
    for (let i = 0; i < SEQUENTIAL_ORDERS; i++) await place();
    await new Promise((r) => setTimeout(r, 250));
    const statementsPerOrder = (readStatements(countFile) - before) / SEQUENTIAL_ORDERS;

    const baseline: BaselineResult[] = [];
    const intake: IntakeResult[] = [];
    for (const c of CONCURRENCY) {
      log(`baseline (pg alone) at concurrency ${c}`);
      baseline.push(await runBaseline(databaseUrl, fixture, c, DURATION));
      log(`order intake over HTTP at concurrency ${c}`);
      let rss = api.rssMb();
      const sampler = setInterval(() => (rss = Math.max(rss, api.rssMb())), 250);
      const cpuBefore = api.cpuSeconds();
      const r = await cannon(c, DURATION);
      const cpu = api.cpuSeconds() - cpuBefore;
      clearInterval(sampler);
      intake.push({
        concurrency: c,
        seconds: r.duration,
        placed: r['2xx'],
        ordersPerSecond: r['2xx'] / r.duration,
        latencyMs: { p50: r.latency.p50, p99: r.latency.p99, max: r.latency.max },
        errors: r.errors + r.timeouts,
        non2xx: r.non2xx,
        apiRssMb: rss,
        apiCpuMsPerOrder: r['2xx'] ? (cpu * 1000) / r['2xx'] : 0,
      });
    }

    const smsConcurrency = SMOKE ? 2 : 16;
    log(`SMS channel: signed BUY + YES pairs at concurrency ${smsConcurrency}`);
    const sms: SmsBenchResult = await runSmsBench({
      apiBase: api.base,
      publicBaseUrl: env.PUBLIC_BASE_URL,
      authToken: env.TWILIO_AUTH_TOKEN,
      databaseUrl,
      sku: 'BENCH-A',
      pickupPointCode: 'BENCH-P',
      concurrency: smsConcurrency,
      seconds: DURATION,
    });
    const flashSale = await runFlashSaleBench({
      ...{ apiBase: api.base, adminToken: admin, token, pickupPointId: point.id, countFile, log },
      ...{ seconds: DURATION, smoke: SMOKE },
    });
    process.stdout.write(flashSaleTable(flashSale));
    log('alipay notices: signed notices, each confirming its own payment attempt (own database and API)');
    const alipayNotify: AlipayNoticeBenchResult = await runAlipayNoticeBench({ baseUrl, smoke: SMOKE, log });
    log('settlement: 1,000 agents with 100,000 ledger entries, in a database of its own');
    const settlement = await runSettlementBench({ baseUrl, smoke: SMOKE, log });
    const shopCampus = { id: campus.id, name: 'Bench U' };
    const shop = await runShopBench({
      apiBase: api.base,
      call: api.call.bind(api),
      admin,
      campus: shopCampus,
      smoke: SMOKE,
      seconds: DURATION,
      log,
    });

    const pgVersion = await (async () => {
      const c = new Client({ connectionString: databaseUrl });
      await c.connect();
      const v = (await c.query<{ server_version: string }>('SHOW server_version')).rows[0].server_version;
      await c.end();
      return v;
    })();
    const results = {
      date: new Date().toISOString(),
      smoke: SMOKE,
      machine: {
        cpus: cpus().length,
        cpuModel: cpus()[0]?.model,
        memoryGb: Math.round(totalmem() / 2 ** 30),
        node: process.version,
        postgres: pgVersion,
      },
      durationSeconds: DURATION,
      sqlPerOrder: { statements: statementsPerOrder, roundTrips: statementsPerOrder },
      baseline,
      intake,
      pipeline,
      sms,
      flashSale,
      alipayNotify,
      settlement,
      shop,
      ratio: intake.map((r, i) => ({
        concurrency: r.concurrency,
        intakeOverBaseline: r.ordersPerSecond / baseline[i].perSecond,
      })),
      targets: {
        ratioAtLeast: 0.5,
        statementsAtMost: 10,
        p99UnderTimesP50: 5,
        errors: 0,
        rssUnderMb: 300,
      },
    };
    printTable(results);
    if (pipeline) process.stdout.write(pipelineTable(pipeline));
    printShopBench(shop, (t) => process.stdout.write(t));
    const reports = REPORTS ? await reportsSection() : undefined;
    mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
    const file = join(ROOT, 'bench/results', SMOKE ? 'smoke.json' : 'latest.json');
    writeFileSync(file, `${JSON.stringify({ ...results, reports }, null, 2)}\n`);
    log(`wrote ${file}`);
    const failed =
      intake.some((r) => r.errors > 0 || r.non2xx > 0) ||
      (pipeline?.sets.some((set) => set.runs.some((r) => r.errors + r.non2xx > 0 || r.backlog.drainMs < 0)) ??
        false) ||
      sms.errors > 0 ||
      alipayNotify.errors > 0 ||
      shop.catalogue.some((c) => c.errors + c.non2xx > 0);
    if (failed) {
      log('errors during intake: see the table');
      process.exitCode = 1;
    }
  } finally {
    await api.stop();
    if (args.get('keep') !== 'true') {
      const c = new Client({ connectionString: baseUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS "campus_bench_${stamp}" WITH (FORCE)`);
      await c.end();
    }
  }
}

function printTable(r: {
  machine: { cpus: number; cpuModel?: string; node: string; postgres: string };
  sqlPerOrder: { statements: number };
  baseline: BaselineResult[];
  intake: IntakeResult[];
  ratio: { concurrency: number; intakeOverBaseline: number }[];
  sms: SmsBenchResult;
  settlement: SettlementBenchResult;
}): void {
  const rows = r.intake.map((i, k) => [
    String(i.concurrency),
    r.baseline[k].perSecond.toFixed(0),
    i.ordersPerSecond.toFixed(0),
    `${(r.ratio[k].intakeOverBaseline * 100).toFixed(0)}%`,
    `${i.latencyMs.p50} / ${i.latencyMs.p99}`,
    String(i.errors + i.non2xx),
    `${i.apiRssMb}`,
    i.apiCpuMsPerOrder.toFixed(2),
  ]);
  const head = [
    'conc.',
    'baseline tx/s',
    'intake orders/s',
    'ratio',
    'p50 / p99 ms',
    'errors',
    'API RSS MB',
    'API CPU ms/order',
  ];
  const widths = head.map((h, c) => Math.max(h.length, ...rows.map((row) => row[c].length)));
  const line = (cells: string[]) => cells.map((cell, c) => cell.padStart(widths[c])).join('  ');
  log(`${r.machine.cpus} × ${r.machine.cpuModel}, Node ${r.machine.node}, PostgreSQL ${r.machine.postgres}`);
  process.stdout.write(`\n${line(head)}\n${rows.map(line).join('\n')}\n\n`);
  process.stdout.write(
    `SQL statements (= round trips) per placed order: ${r.sqlPerOrder.statements.toFixed(2)}\n\n`,
  );
  const s = r.sms;
  process.stdout.write(
    `SMS channel (signed BUY + YES webhooks, concurrency ${s.concurrency}): ${s.pairsPerSecond.toFixed(0)} orders/s, ` +
      `pair p50 / p99 ${s.latencyMs.p50} / ${s.latencyMs.p99} ms, ${s.ordersPlaced} orders, ${s.errors} errors\n\n`,
  );
  const st = r.settlement;
  process.stdout.write(
    `Settlement of ${st.agents} agents / ${st.entries} entries / ${st.codCollections} COD collections: ` +
      `POST /api/settlements ${st.apiMs.median.toFixed(0)} ms (min ${st.apiMs.min.toFixed(0)}), ` +
      `the same aggregate as one raw query ${st.rawSqlMs.median.toFixed(0)} ms ` +
      `(min ${st.rawSqlMs.min.toFixed(0)}): ×${st.apiOverRaw.toFixed(1)}\n\n`,
  );
}

main().catch((err: Error) => {
  process.stderr.write(`[bench] ${err.stack ?? err.message}\n`);
  process.exit(1);
});
