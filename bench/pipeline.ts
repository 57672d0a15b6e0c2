/**
 * The whole pipeline at speed (issue 18): the system as `npm start` runs it — the built API AND the
 * worker as child processes, production mode — measured end to end, next to two baselines doing the
 * order's writes in the same run: the Node `pg` script (bench/baseline.ts) and pgbench
 * (bench/order.pgbench.sql, the same writes in C).
 *
 * Two rows: one API + one worker, and two APIs + two workers (each API gets half the clients). For
 * each row and concurrency: orders/s accepted, orders/s finished end to end (assigned to an agent AND
 * the customer's placement text sent, within the window), the backlog (unfinished orders and
 * unpublished due outbox rows) at the end of the window and its peak, the time to drain it, the
 * latency from order accepted to its text sent and to its agent assigned (p50/p99, from the
 * database's own timestamps), errors, the peak RSS of every process. SQL statements are counted in
 * every process by a preloaded driver hook (bench/count-queries.ts): per order for the API and the
 * worker separately, one order after another (a quiet pipeline) and under load; and per second while
 * idle. Ratios are taken against both baselines.
 *
 * `node dist/bench/pipeline.js [--smoke] [--duration=N] [--concurrency=16,64] [--keep]` runs it alone;
 * bench/run.ts calls `runPipelineBench` (skip it there with `--pipeline=false`).
 */
import 'reflect-metadata';
import autocannon from 'autocannon';
import { ChildProcess, execFile, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { loadConfig } from '@campus/core';
import { ensureDatabase, migrate } from '../scripts/db';
import { ephemeralSecrets } from '../scripts/env';
import { BaselineResult, runBaseline } from './baseline';
import { freePort } from './net';

const ROOT = join(__dirname, '..', '..');
const DIST = join(ROOT, 'dist');

export interface PipelineOptions {
  baseUrl: string;
  smoke: boolean;
  seconds: number;
  concurrency: number[];
  log: (msg: string) => void;
  keep?: boolean;
}

export interface PgbenchResult {
  concurrency: number;
  seconds: number;
  transactions: number;
  perSecond: number;
  errors: number;
}

export interface ProcessFigures {
  name: string;
  peakRssMb: number;
  cpuMsPerOrder: number;
}

export interface PipelineRun {
  apis: number;
  workers: number;
  concurrency: number;
  seconds: number;
  accepted: number;
  acceptedPerSecond: number;
  /** Orders accepted in the window that were also assigned and texted within it. */
  finishedPerSecond: number;
  errors: number;
  non2xx: number;
  httpLatencyMs: { p50: number; p99: number };
  /** Accepted → customer's placement text sent (status sent), and → agent assigned. */
  textLatencyMs: { p50: number; p99: number; max: number };
  assignLatencyMs: { p50: number; p99: number; max: number };
  backlog: {
    /** At the end of the window: orders not yet assigned or texted, due outbox rows not published. */
    endOrders: number;
    endOutbox: number;
    peakOrders: number;
    peakOutbox: number;
    /** From the end of the window until every order was finished. */
    drainMs: number;
  };
  statementsPerOrder: { api: number; worker: number };
  processes: ProcessFigures[];
  ratio: { overPgbench: number; overPgBaseline: number };
}

export interface PipelineSet {
  apis: number;
  workers: number;
  idleStatementsPerSecond: { api: number; worker: number; total: number; seconds: number };
  /** One order after another, each waited for: the pipeline's own cost per order. */
  sequential: { orders: number; api: number; worker: number };
  runs: PipelineRun[];
}

export interface PipelineBenchResult {
  pgbench: PgbenchResult[];
  pgBaseline: BaselineResult[];
  sets: PipelineSet[];
  targets: {
    ratioOverPgbenchAtLeast: number;
    textP99AtC16MsAtMost: number;
    workerStatementsPerOrderAtMost: number;
    idleStatementsPerSecondAtMost: number;
    rssMbAtMost: number;
    errors: number;
  };
}

/** A child process as `npm start` runs it, with the statement counter preloaded. */
class Proc {
  private child?: ChildProcess;
  readonly countFile: string;
  peakRss = 0;
  private lastCount = 0;

  constructor(
    readonly name: string,
    private readonly entry: string,
    private readonly env: Record<string, string>,
  ) {
    this.countFile = join('/tmp', `campus-bench-pipeline-${name}-${randomUUID().slice(0, 8)}.json`);
  }

  start(): void {
    this.child = spawn(
      process.execPath,
      [
        `--max-old-space-size=${process.env.HEAP_MB ?? 160}`,
        '-r',
        join(DIST, 'bench/count-queries.js'),
        this.entry,
      ],
      {
        env: { ...process.env, ...this.env, BENCH_QUERY_COUNT_FILE: this.countFile },
        stdio: ['ignore', 'ignore', 'inherit'],
      },
    );
  }

  get pid(): number {
    return this.child!.pid!;
  }

  statements(): number {
    try {
      this.lastCount = (
        JSON.parse(readFileSync(this.countFile, 'utf8')) as { statements: number }
      ).statements;
    } catch {
      /* not written yet */
    }
    return this.lastCount;
  }

  cpuSeconds(): number {
    const fields = readFileSync(`/proc/${this.pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  }

  sampleRss(): void {
    try {
      const status = readFileSync(`/proc/${this.pid}/status`, 'utf8');
      const mb = Math.round(Number(status.match(/VmRSS:\s+(\d+)/)?.[1] ?? 0) / 1024);
      this.peakRss = Math.max(this.peakRss, mb);
    } catch {
      /* exited */
    }
  }

  async stop(): Promise<void> {
    if (!this.child || this.child.exitCode !== null) return;
    const exited = new Promise((r) => this.child!.once('exit', r));
    this.child.kill('SIGTERM');
    await exited;
  }
}

function pgbenchBinary(): string {
  const dir = '/usr/lib/postgresql';
  if (existsSync(dir)) {
    for (const v of readdirSync(dir).sort().reverse()) {
      const bin = join(dir, v, 'bin', 'pgbench');
      if (existsSync(bin)) return bin;
    }
  }
  return 'pgbench';
}

async function runPgbench(
  databaseUrl: string,
  fixture: Record<string, string>,
  concurrency: number,
  seconds: number,
): Promise<PgbenchResult> {
  const args = [
    '-n',
    '-M',
    'prepared',
    '-c',
    String(concurrency),
    '-j',
    String(Math.min(concurrency, Math.max(1, cpus().length))),
    '-T',
    String(Math.max(1, Math.round(seconds))),
    '-f',
    join(ROOT, 'bench/order.pgbench.sql'),
    ...Object.entries(fixture).flatMap(([k, v]) => ['-D', `${k}=${v}`]),
    databaseUrl,
  ];
  const out = await new Promise<string>((resolve, reject) =>
    execFile(pgbenchBinary(), args, { maxBuffer: 1 << 20 }, (err, stdout, stderr) =>
      err ? reject(new Error(`pgbench failed: ${stderr || err.message}`)) : resolve(stdout),
    ),
  );
  const processed = Number(out.match(/number of transactions actually processed: (\d+)/)?.[1] ?? 0);
  const failed = Number(out.match(/number of failed transactions: (\d+)/)?.[1] ?? 0);
  const tps = Number(out.match(/tps = ([\d.]+)/)?.[1] ?? 0);
  return { concurrency, seconds, transactions: processed, perSecond: tps, errors: failed };
}

function pct(sorted: number[], p: number): number {
  if (!sorted.length) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

export async function runPipelineBench(opts: PipelineOptions): Promise<PipelineBenchResult> {
  const { log, seconds, smoke } = opts;
  const stamp = Date.now().toString(36);
  const dbUrl = new URL(opts.baseUrl);
  dbUrl.pathname = `/campus_bench_pipe_${stamp}`;
  const databaseUrl = dbUrl.toString();
  const secrets = ephemeralSecrets();
  const baseEnv: Record<string, string> = {
    NODE_ENV: 'production',
    DATABASE_URL: databaseUrl,
    DB_POOL_SIZE: '20',
    REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    ...secrets,
    ADMIN_USERNAME: 'admin',
    PUBLIC_BASE_URL: 'http://127.0.0.1',
    DEMO_DATA: 'false',
    LOG_LEVEL: 'warn',
    RATE_LIMITS: 'false',
    MAX_OPEN_COD_ORDERS: '1000',
  };
  await ensureDatabase(databaseUrl);
  await migrate(loadConfig(baseEnv));
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  const sql = async <T>(text: string, params: unknown[] = []) => (await db.query(text, params)).rows as T[];

  const procs: Proc[] = [];
  const startSet = async (apis: number, workers: number, prefix: string) => {
    const bases: string[] = [];
    const set: { apis: Proc[]; workers: Proc[] } = { apis: [], workers: [] };
    for (let i = 0; i < apis; i++) {
      const port = await freePort();
      const p = new Proc(`api${i + 1}`, join(DIST, 'apps/api/src/main.js'), {
        ...baseEnv,
        PORT: String(port),
        QUEUE_PREFIX: prefix,
        PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
      });
      p.start();
      procs.push(p);
      set.apis.push(p);
      bases.push(`http://127.0.0.1:${port}`);
    }
    for (const base of bases) {
      for (let i = 0; ; i++) {
        try {
          if ((await fetch(`${base}/api/health`)).status === 200) break;
        } catch {
          /* not up yet */
        }
        if (i > 600) throw new Error('an API did not become healthy within 2 minutes');
        await new Promise((r) => setTimeout(r, 200));
      }
    }
    for (let i = 0; i < workers; i++) {
      const p = new Proc(`worker${i + 1}`, join(DIST, 'apps/worker/src/main.js'), {
        ...baseEnv,
        QUEUE_PREFIX: prefix,
      });
      p.start();
      procs.push(p);
      set.workers.push(p);
    }
    // A worker is up once its relay LISTENs (its first statements are counted).
    for (const w of set.workers) {
      for (let i = 0; w.statements() === 0; i++) {
        if (i > 600) throw new Error('a worker did not start within 2 minutes');
        await new Promise((r) => setTimeout(r, 200));
      }
    }
    return { ...set, bases };
  };
  const stopAll = async () => {
    while (procs.length) await procs.pop()!.stop();
  };

  const call = async <T>(base: string, method: string, path: string, body?: unknown, token?: string) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: {
        'content-type': 'application/json',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(method === 'POST' && path === '/api/orders' ? { 'idempotency-key': randomUUID() } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  };

  try {
    // ---- the world, through the API (one process, stopped again before the baselines) ----
    // One queue prefix for every process set: a new prefix on the same database looks like a flushed
    // Redis to the sweeper (issue 17.7), which then re-publishes every row of the last hours.
    const prefix = `benchpipe${stamp}`;
    const setup = await startSet(1, 0, prefix);
    const base = setup.bases[0];
    const admin = (
      await call<{ accessToken: string }>(base, 'POST', '/api/auth/login', {
        username: 'admin',
        password: secrets.ADMIN_PASSWORD,
      })
    ).accessToken;
    const region = await call<{ id: string }>(
      base,
      'POST',
      '/api/regions',
      { code: 'PIPE', name: 'Pipe' },
      admin,
    );
    const campus = await call<{ id: string }>(
      base,
      'POST',
      '/api/campuses',
      { code: 'PIPE-U', name: 'Pipe U', regionId: region.id },
      admin,
    );
    const point = await call<{ id: string }>(
      base,
      'POST',
      '/api/pickup-points',
      { code: 'PIPE-P', name: 'Pipe point', campusId: campus.id },
      admin,
    );
    await call(
      base,
      'POST',
      '/api/lockers',
      { code: 'PIPE-L', pickupPointId: point.id, compartments: { S: 10, M: 5, L: 2 } },
      admin,
    );
    const products: string[] = [];
    for (const [sku, price] of [
      ['BENCH-A', 3900],
      ['BENCH-B', 500],
      ['BASE-A', 3900],
      ['BASE-B', 500],
    ] as const) {
      const p = await call<{ id: string }>(
        base,
        'POST',
        '/api/products',
        { sku, name: sku, category: 'bench', priceCents: price, stock: 1_000_000 },
        admin,
      );
      products.push(p.id);
    }
    const AGENTS = 20;
    for (let i = 0; i < AGENTS; i++) {
      await call(
        base,
        'POST',
        '/api/agents',
        {
          username: `pipe.agent${i}`,
          password: 'bench-password',
          displayName: `Agent ${i}`,
          phone: `+86139${String(20_000_000 + i).slice(-8)}`,
          campusId: campus.id,
        },
        admin,
      );
    }
    await call(
      base,
      'POST',
      '/api/users',
      { username: 'pipe.cc', password: 'bench-password', role: 'call_center' },
      admin,
    );
    const token = (
      await call<{ accessToken: string }>(base, 'POST', '/api/auth/login', {
        username: 'pipe.cc',
        password: 'bench-password',
      })
    ).accessToken;
    let seq = 0;
    const orderBody = () => ({
      customer: { phone: `+86137${String(seq++ % 5000).padStart(8, '0')}`, name: 'Bench' },
      lines: [
        { sku: 'BENCH-A', quantity: 1 },
        { sku: 'BENCH-B', quantity: 1 },
      ],
      fulfillment: { type: 'locker', pickupPointId: point.id },
      paymentMethod: 'cod',
    });
    const first = await call<{ id: string; customer: { id: string } }>(
      base,
      'POST',
      '/api/orders',
      orderBody(),
      token,
    );
    await stopAll();

    // ---- baselines: the same writes without the app, same database, nothing else running ----
    const [pa, pb] = [products[2], products[3]].sort();
    const fixture = {
      productIds: [pa, pb] as [string, string],
      customerId: first.customer.id,
      regionId: region.id,
      campusId: campus.id,
      pickupPointId: point.id,
    };
    // The baselines and the runs take millions of units between them (the API caps a stock figure at 10⁶).
    await sql(`UPDATE stock SET on_hand = on_hand + 100000000`);
    const pgbench: PgbenchResult[] = [];
    const pgBaseline: BaselineResult[] = [];
    for (const c of opts.concurrency) {
      log(`pipeline: pgbench (C, same writes) at concurrency ${c}`);
      pgbench.push(
        await runPgbench(
          databaseUrl,
          {
            customer_id: fixture.customerId,
            region_id: region.id,
            campus_id: campus.id,
            point_id: point.id,
            product_a: pa,
            product_b: pb,
          },
          c,
          seconds,
        ),
      );
      log(`pipeline: Node pg baseline at concurrency ${c}`);
      pgBaseline.push(await runBaseline(databaseUrl, fixture, c, seconds));
    }
    // The baselines' outbox rows carry no real order: they are not the worker's to relay.
    await sql(`UPDATE outbox SET published_at = now() WHERE published_at IS NULL`);
    await sql(`VACUUM ANALYZE`);

    const unfinished = async (since: Date) =>
      (
        await sql<{ n: number }>(
          `SELECT count(*)::int AS n FROM orders o
            WHERE o.created_at >= $1 AND o.created_by_role = 'call_center' AND o.number NOT LIKE 'B%' AND o.number NOT LIKE 'G%'
              AND (o.assigned_agent_id IS NULL OR NOT EXISTS (
                SELECT 1 FROM notifications n WHERE n.order_id = o.id AND n.template = 'order_placed' AND n.status = 'sent'))`,
          [since],
        )
      )[0].n;
    const pendingOutbox = async () =>
      (
        await sql<{ n: number }>(
          `SELECT count(*)::int AS n FROM outbox WHERE published_at IS NULL AND available_at <= now()`,
        )
      )[0].n;
    const drain = async (since: Date, timeoutMs: number) => {
      const t0 = Date.now();
      while (Date.now() - t0 < timeoutMs) {
        if ((await unfinished(since)) === 0 && (await pendingOutbox()) === 0) return Date.now() - t0;
        await new Promise((r) => setTimeout(r, 100));
      }
      return -1;
    };

    const sets: PipelineSet[] = [];
    for (const [apis, workers] of [
      [1, 1],
      [2, 2],
    ] as const) {
      log(`pipeline: ${apis} API + ${workers} worker process(es)`);
      const running = await startSet(apis, workers, prefix);
      const startedAt = Date.now(); // every process is up (bootstrapped) by now
      const all = [...running.apis, ...running.workers];
      const sum = (ps: Proc[]) => ps.reduce((s, p) => s + p.statements(), 0);
      const sampler = setInterval(() => all.forEach((p) => p.sampleRss()), 250);
      try {
        // warm-up (JIT, pools, prepared statements), then wait for the pipeline to be quiet
        const warmStart = new Date(Date.now() - 1000);
        await Promise.all(
          running.bases.map((b) =>
            autocannon({
              url: b,
              connections: 4,
              amount: smoke ? 40 : 300,
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
                    body: JSON.stringify(orderBody()),
                  }),
                },
              ],
            }),
          ),
        );
        await drain(warmStart, 60_000);
        await new Promise((r) => setTimeout(r, 1_000));
        // The reliability sweeper's first beat comes 5 s after a worker starts (it re-establishes the
        // queue epochs: ~15 statements, once); after it, one beat a minute. A fast warm-up would put it
        // inside a smoke run's 3 s window: open the window after it, as test/relay-idle does.
        await new Promise((r) => setTimeout(r, Math.max(0, startedAt + 6_000 - Date.now())));

        // idle
        const idleSeconds = smoke ? 3 : 10;
        const idleApi0 = sum(running.apis);
        const idleWorker0 = sum(running.workers);
        await new Promise((r) => setTimeout(r, idleSeconds * 1000));
        const idle = {
          api: (sum(running.apis) - idleApi0) / idleSeconds,
          worker: (sum(running.workers) - idleWorker0) / idleSeconds,
          total: 0,
          seconds: idleSeconds,
        };
        idle.total = idle.api + idle.worker;
        log(`pipeline: idle ${idle.total.toFixed(2)} statements/s (API ${idle.api}, worker ${idle.worker})`);

        // one order after another, each waited for
        const n = smoke ? 10 : 100;
        const seqApi0 = sum(running.apis);
        const seqWorker0 = sum(running.workers);
        for (let i = 0; i < n; i++) {
          const since = new Date(Date.now() - 1000);
          await call(running.bases[i % running.bases.length], 'POST', '/api/orders', orderBody(), token);
          await drain(since, 30_000);
        }
        await new Promise((r) => setTimeout(r, 300));
        const sequential = {
          orders: n,
          api: (sum(running.apis) - seqApi0) / n,
          worker: (sum(running.workers) - seqWorker0) / n,
        };
        log(
          `pipeline: per order, one after another: API ${sequential.api.toFixed(2)}, worker ${sequential.worker.toFixed(2)} statements`,
        );

        const runs: PipelineRun[] = [];
        for (const [k, c] of opts.concurrency.entries()) {
          log(`pipeline: ${apis}+${workers} processes at concurrency ${c} for ${seconds}s`);
          all.forEach((p) => (p.peakRss = 0));
          const cpu0 = all.map((p) => p.cpuSeconds());
          const api0 = sum(running.apis);
          const worker0 = sum(running.workers);
          const t0 = new Date();
          let peakOrders = 0;
          let peakOutbox = 0;
          let sampling = true;
          const backlogSampler = (async () => {
            while (sampling) {
              peakOrders = Math.max(peakOrders, await unfinished(t0));
              peakOutbox = Math.max(peakOutbox, await pendingOutbox());
              await new Promise((r) => setTimeout(r, 1_000));
            }
          })();
          const per = Math.max(1, Math.floor(c / running.bases.length));
          const results = await Promise.all(
            running.bases.map((b) =>
              autocannon({
                url: b,
                connections: per,
                duration: seconds,
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
                      body: JSON.stringify(orderBody()),
                    }),
                  },
                ],
              }),
            ),
          );
          const t1 = new Date();
          sampling = false;
          await backlogSampler;
          const endOrders = await unfinished(t0);
          const endOutbox = await pendingOutbox();
          const [fin] = await sql<{ n: number }>(
            `SELECT count(*)::int AS n FROM orders o
               JOIN notifications n ON n.order_id = o.id AND n.template = 'order_placed' AND n.status = 'sent'
              WHERE o.created_at >= $1 AND o.created_at < $2 AND o.assigned_at <= $2 AND n.updated_at <= $2`,
            [t0, t1],
          );
          const drainMs = await drain(t0, 120_000);
          const cpu = all.map((p, i) => p.cpuSeconds() - cpu0[i]);
          const accepted = results.reduce((s, r) => s + r['2xx'], 0);
          const windowSeconds = (t1.getTime() - t0.getTime()) / 1000;
          // Statements until the pipeline drained, over the orders accepted in the window.
          const apiStatements = sum(running.apis) - api0;
          const workerStatements = sum(running.workers) - worker0;
          const lat = await sql<{ text_ms: number | null; assign_ms: number | null }>(
            `SELECT extract(epoch FROM (n.updated_at - o.created_at)) * 1000 AS text_ms,
                    extract(epoch FROM (o.assigned_at - o.created_at)) * 1000 AS assign_ms
               FROM orders o
               LEFT JOIN notifications n ON n.order_id = o.id AND n.template = 'order_placed' AND n.status = 'sent'
              WHERE o.created_at >= $1 AND o.created_at < $2 AND o.created_by_role = 'call_center'`,
            [t0, t1],
          );
          const textMs = lat
            .map((l) => (l.text_ms === null ? null : Number(l.text_ms)))
            .filter((v): v is number => v !== null)
            .sort((a, b) => a - b);
          const assignMs = lat
            .map((l) => (l.assign_ms === null ? null : Number(l.assign_ms)))
            .filter((v): v is number => v !== null)
            .sort((a, b) => a - b);
          const finishedPerSecond = fin.n / windowSeconds;
          const run: PipelineRun = {
            apis,
            workers,
            concurrency: c,
            seconds: windowSeconds,
            accepted,
            acceptedPerSecond: accepted / windowSeconds,
            finishedPerSecond,
            errors: results.reduce((s, r) => s + r.errors + r.timeouts, 0),
            non2xx: results.reduce((s, r) => s + r.non2xx, 0),
            httpLatencyMs: {
              p50: Math.max(...results.map((r) => r.latency.p50)),
              p99: Math.max(...results.map((r) => r.latency.p99)),
            },
            textLatencyMs: {
              p50: pct(textMs, 50),
              p99: pct(textMs, 99),
              max: textMs[textMs.length - 1] ?? 0,
            },
            assignLatencyMs: {
              p50: pct(assignMs, 50),
              p99: pct(assignMs, 99),
              max: assignMs[assignMs.length - 1] ?? 0,
            },
            backlog: { endOrders, endOutbox, peakOrders, peakOutbox, drainMs },
            statementsPerOrder: {
              api: accepted ? apiStatements / accepted : 0,
              worker: accepted ? workerStatements / accepted : 0,
            },
            processes: all.map((p, i) => ({
              name: p.name,
              peakRssMb: p.peakRss,
              cpuMsPerOrder: accepted ? (cpu[i] * 1000) / accepted : 0,
            })),
            ratio: {
              overPgbench: pgbench[k].perSecond ? finishedPerSecond / pgbench[k].perSecond : 0,
              overPgBaseline: pgBaseline[k].perSecond ? finishedPerSecond / pgBaseline[k].perSecond : 0,
            },
          };
          runs.push(run);
          log(
            `pipeline: accepted ${run.acceptedPerSecond.toFixed(0)}/s, finished ${finishedPerSecond.toFixed(0)}/s ` +
              `(${(run.ratio.overPgbench * 100).toFixed(1)}% of pgbench), text p99 ${run.textLatencyMs.p99.toFixed(0)} ms, ` +
              `backlog at end ${endOrders} orders / ${endOutbox} rows, drained in ${drainMs} ms`,
          );
        }
        sets.push({ apis, workers, idleStatementsPerSecond: idle, sequential, runs });
      } finally {
        clearInterval(sampler);
        await stopAll();
      }
    }
    return {
      pgbench,
      pgBaseline,
      sets,
      targets: {
        ratioOverPgbenchAtLeast: 0.12,
        textP99AtC16MsAtMost: 1000,
        workerStatementsPerOrderAtMost: 6,
        idleStatementsPerSecondAtMost: 0.1,
        rssMbAtMost: 250,
        errors: 0,
      },
    };
  } finally {
    await stopAll();
    await db.end().catch(() => undefined);
    if (!opts.keep) {
      const c = new Client({ connectionString: opts.baseUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS "campus_bench_pipe_${stamp}" WITH (FORCE)`);
      await c.end();
    }
  }
}

/** The table printed by `npm run bench` and by this script alone. */
export function pipelineTable(r: PipelineBenchResult): string {
  const head = [
    'procs',
    'conc.',
    'pgbench tx/s',
    'pg tx/s',
    'accepted/s',
    'finished/s',
    '÷ pgbench',
    '÷ pg',
    'text p50/p99 ms',
    'assign p50/p99 ms',
    'backlog end (peak)',
    'drain ms',
    'SQL/order API+worker',
    'errors',
    'RSS MB (max)',
  ];
  const rows: string[][] = [];
  for (const s of r.sets) {
    for (const [k, x] of s.runs.entries()) {
      rows.push([
        `${s.apis}+${s.workers}`,
        String(x.concurrency),
        r.pgbench[k].perSecond.toFixed(0),
        r.pgBaseline[k].perSecond.toFixed(0),
        x.acceptedPerSecond.toFixed(0),
        x.finishedPerSecond.toFixed(0),
        `${(x.ratio.overPgbench * 100).toFixed(1)}%`,
        `${(x.ratio.overPgBaseline * 100).toFixed(1)}%`,
        `${x.textLatencyMs.p50.toFixed(0)} / ${x.textLatencyMs.p99.toFixed(0)}`,
        `${x.assignLatencyMs.p50.toFixed(0)} / ${x.assignLatencyMs.p99.toFixed(0)}`,
        `${x.backlog.endOrders} (${x.backlog.peakOrders})`,
        String(x.backlog.drainMs),
        `${x.statementsPerOrder.api.toFixed(2)} + ${x.statementsPerOrder.worker.toFixed(2)}`,
        String(x.errors + x.non2xx),
        `${x.processes.map((p) => p.peakRssMb).join('/')} (${Math.max(...x.processes.map((p) => p.peakRssMb))})`,
      ]);
    }
  }
  const widths = head.map((h, c) => Math.max(h.length, ...rows.map((row) => row[c].length)));
  const line = (cells: string[]) => cells.map((cell, c) => cell.padStart(widths[c])).join('  ');
  const extra = r.sets
    .map(
      (s) =>
        `${s.apis} API + ${s.workers} worker: one order after another ${s.sequential.api.toFixed(2)} (API) + ` +
        `${s.sequential.worker.toFixed(2)} (worker) statements per order; idle ${s.idleStatementsPerSecond.total.toFixed(2)} ` +
        `statements/s (API ${s.idleStatementsPerSecond.api.toFixed(2)}, worker ${s.idleStatementsPerSecond.worker.toFixed(2)}, ` +
        `over ${s.idleStatementsPerSecond.seconds} s)`,
    )
    .join('\n');
  return `\nThe whole pipeline (API + worker, finished = assigned and texted within the window)\n${line(head)}\n${rows
    .map(line)
    .join('\n')}\n${extra}\n\n`;
}

if (require.main === module) {
  const args = new Map(
    process.argv.slice(2).map((a) => {
      const [k, v] = a.replace(/^--/, '').split('=');
      return [k, v ?? 'true'] as const;
    }),
  );
  const smoke = args.get('smoke') === 'true';
  const baseUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  runPipelineBench({
    baseUrl,
    smoke,
    seconds: Number(args.get('duration') ?? (smoke ? 2 : 10)),
    concurrency: (args.get('concurrency') ?? (smoke ? '4' : '16,64')).split(',').map(Number),
    log: (m) => process.stdout.write(`[bench] ${m}\n`),
    keep: args.get('keep') === 'true',
  })
    .then((r) => {
      process.stdout.write(pipelineTable(r));
      mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
      const file = join(ROOT, 'bench/results', smoke ? 'pipeline-smoke.json' : 'pipeline-latest.json');
      writeFileSync(
        file,
        `${JSON.stringify(
          {
            date: new Date().toISOString(),
            smoke,
            machine: {
              cpus: cpus().length,
              cpuModel: cpus()[0]?.model,
              memoryGb: Math.round(totalmem() / 2 ** 30),
              node: process.version,
            },
            pipeline: r,
          },
          null,
          2,
        )}\n`,
      );
      process.stdout.write(`[bench] wrote ${file}\n`);
      const failed = r.sets.some((s) => s.runs.some((x) => x.errors + x.non2xx > 0 || x.backlog.drainMs < 0));
      if (failed) process.exitCode = 1;
    })
    .catch((err: Error) => {
      process.stderr.write(`[bench] ${err.stack ?? err.message}\n`);
      process.exit(1);
    });
}
