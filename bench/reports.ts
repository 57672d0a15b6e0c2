/**
 * The reports section of the benchmark (`npm run bench`, or alone with `--only=reports`): seeds
 * 100,000 orders (lines, events, agents, tasks, COD ledger) into a database of its own with
 * set-based SQL, then times each report through its service (several runs: median and max), first
 * without the reports migration's indexes ("before"), then with them ("after").
 */
import 'reflect-metadata';
import { DynamicModule, INestApplicationContext, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Client } from 'pg';
import type { QueryRunner } from 'typeorm';
import { AppConfig, CoreModule, RequestContext, shanghaiPeriod } from '@campus/core';
import { DatabaseModule } from '@campus/database';
import {
  AgentReportService,
  ChannelReportService,
  CustomerReportService,
  ReportsModule,
} from '@campus/reports';
import { ALL_MIGRATIONS } from '../migrations';
import { Reports1764600000000 } from '../migrations/1764600000000-reports';
import { ensureDatabase, migrate } from '../scripts/db';

export interface ReportTiming {
  report: string;
  medianMs: number;
  maxMs: number;
  runs: number;
}

export interface ReportsBenchResult {
  orders: number;
  events: number;
  tasks: number;
  codEntries: number;
  seedSeconds: number;
  before: ReportTiming[];
  after: ReportTiming[];
}

@Module({})
class BenchReportsModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: BenchReportsModule,
      imports: [CoreModule.forRoot(config), DatabaseModule.forRoot(config, ALL_MIGRATIONS), ReportsModule],
    };
  }
}

/** The seed: 4 regions × 10 campuses, 10 agents per campus, 30,000 customers, `n` orders over a year. */
async function seed(c: Client, n: number): Promise<void> {
  const q = (sql: string, params: unknown[] = []) => c.query(sql, params);
  await q(`INSERT INTO regions (code, name) SELECT 'R' || r, 'Region ' || r FROM generate_series(1, 4) r`);
  await q(`INSERT INTO campuses (code, name, region_id)
           SELECT 'C' || lpad(k::text, 2, '0'), 'Campus ' || k, (SELECT id FROM regions WHERE code = 'R' || (1 + k % 4))
             FROM generate_series(0, 39) k`);
  await q(
    `INSERT INTO pickup_points (code, name, campus_id) SELECT 'P' || code, 'Point ' || code, id FROM campuses`,
  );
  await q(`INSERT INTO users (username, password_hash, role, campus_id)
           SELECT 'agent' || lpad(a::text, 3, '0'), 'x', 'agent', c.id
             FROM generate_series(0, 399) a JOIN campuses c ON c.code = 'C' || lpad((a % 40)::text, 2, '0')`);
  await q(`INSERT INTO agents (user_id, campus_id, referral_code, display_name, phone)
           SELECT id, campus_id, 'REF' || substr(username, 6), username, '+8613900000000' FROM users WHERE role = 'agent'`);
  await q(
    `INSERT INTO customers (phone) SELECT '+86137' || lpad(g::text, 8, '0') FROM generate_series(0, 29999) g`,
  );
  await q(`INSERT INTO products (sku, name, category, price_cents, requires_installation, install_fee_cents)
           VALUES ('BR-A', 'A', 'x', 3900, false, 0), ('BR-B', 'B', 'x', 500, false, 0),
                  ('BR-R', 'Router', 'network', 29900, true, 3000)`);
  await q(`CREATE TEMP TABLE bc AS SELECT (substr(code, 2))::int AS n, id, region_id FROM campuses`);
  await q(`CREATE TEMP TABLE bp AS SELECT c.n, p.id FROM pickup_points p JOIN bc c ON c.id = p.campus_id`);
  await q(`CREATE TEMP TABLE ba AS
           SELECT (substr(display_name, 6))::int % 40 AS cn, (substr(display_name, 6))::int / 40 AS k, id FROM agents`);
  await q(`CREATE TEMP TABLE bcu AS SELECT (substr(phone, 7))::int AS n, id, phone FROM customers`);
  // fate (0-99) decides how far an order got: <9 cancelled (by cause), 9-13 under way, 14-17 delivered,
  // 18-21 returned after completion, else completed. Times spread over the last 365 days.
  await q(
    `INSERT INTO orders (id, number, channel, status, customer_id, customer_phone, agent_id, assigned_agent_id,
       region_id, campus_id, fulfilment_type, pickup_point_id, address, payment_method, subtotal_cents, total_cents,
       created_by_id,
       created_by_role, paid_at, assigned_at, dispatched_at, delivered_at, completed_at, cancelled_at, returned_at,
       created_at, updated_at)
     SELECT gen_random_uuid(), 'B' || s.i, s.channel,
            CASE WHEN s.fate < 9 THEN 'cancelled'
                 WHEN s.fate = 9 THEN CASE WHEN s.pay = 'online' THEN 'pending_payment' ELSE 'confirmed' END
                 WHEN s.fate = 10 THEN 'assigned'
                 WHEN s.fate = 11 THEN 'out_for_delivery'
                 WHEN s.fate IN (12, 13) THEN CASE WHEN s.ful = 'locker' THEN 'awaiting_pickup' ELSE 'out_for_delivery' END
                 WHEN s.fate < 18 THEN 'delivered'
                 WHEN s.fate < 22 THEN 'returned'
                 ELSE 'completed' END,
            cu.id, cu.phone, CASE WHEN s.channel = 'agent' THEN a.id END, CASE WHEN s.fate >= 10 THEN a.id END,
            bc.region_id, bc.id, s.ful, CASE WHEN s.ful = 'locker' THEN bp.id END,
            CASE WHEN s.ful = 'delivery' THEN 'Dorm 1' END, s.pay,
            3900 + CASE WHEN s.i % 20 = 0 THEN 29900 ELSE 500 * (1 + s.i % 3) END,
            3900 + CASE WHEN s.i % 20 = 0 THEN 29900 ELSE 500 * (1 + s.i % 3) END,
            '00000000-0000-0000-0000-000000000000', 'call_center',
            CASE WHEN s.pay = 'online' AND (s.fate >= 10 OR s.fate BETWEEN 5 AND 8)
                 THEN s.at + make_interval(secs => 60 + (s.i * 13) % 3600)
                 WHEN s.pay = 'counter' THEN s.at END,
            CASE WHEN s.fate >= 10 THEN s.at + interval '1 hour' END,
            CASE WHEN s.fate >= 11 THEN s.at + interval '2 hours' END,
            CASE WHEN s.fate >= 14 THEN s.at + interval '1 day' END,
            CASE WHEN s.fate >= 18 THEN s.at + interval '1 day 1 minute' END,
            CASE WHEN s.fate < 9 THEN s.at + interval '30 minutes' END,
            CASE WHEN s.fate BETWEEN 18 AND 21 THEN s.at + interval '3 days' END,
            s.at, s.at
       FROM (SELECT i, (ARRAY['web','wap','sms','phone','pickup_point','agent'])[1 + i % 6] AS channel,
                    CASE WHEN i % 10 < 4 THEN 'online' WHEN i % 10 < 9 THEN 'cod' ELSE 'counter' END AS pay,
                    CASE WHEN i % 3 = 0 THEN 'locker' ELSE 'delivery' END AS ful,
                    (i * 7919) % 100 AS fate, i % 40 AS cn, (i / 40) % 10 AS ak, (i::bigint * 104729) % 30000 AS cu,
                    now() - make_interval(days => i % 365, secs => (i * 37) % 86400) AS at
               FROM generate_series(0, $1 - 1) i) s
       JOIN bc ON bc.n = s.cn JOIN bp ON bp.n = s.cn JOIN ba a ON a.cn = s.cn AND a.k = s.ak JOIN bcu cu ON cu.n = s.cu`,
    [n],
  );
  await q(`INSERT INTO order_lines (order_id, line_no, product_id, sku, name, quantity, list_price_cents,
             unit_price_cents, line_total_cents, requires_installation, install_fee_cents)
           SELECT o.id, 1, p.id, p.sku, p.name, 1, p.price_cents, p.price_cents, p.price_cents, false, 0
             FROM orders o JOIN products p ON p.sku = 'BR-A'
           UNION ALL
           SELECT o.id, 2, p.id, p.sku, p.name, x.qty, p.price_cents, p.price_cents, x.qty * p.price_cents,
                  p.requires_installation,
                  p.install_fee_cents
             FROM orders o
             CROSS JOIN LATERAL (SELECT (substr(o.number, 2))::int AS i) k
             CROSS JOIN LATERAL (SELECT CASE WHEN k.i % 20 = 0 THEN 'BR-R' ELSE 'BR-B' END AS sku,
                                        CASE WHEN k.i % 20 = 0 THEN 1 ELSE 1 + k.i % 3 END AS qty) x
             JOIN products p ON p.sku = x.sku`);
  await q(`INSERT INTO order_events (order_id, type, from_status, to_status, actor_role, channel, data, created_at)
           SELECT o.id, e.type, e.f, e.t, e.role, o.channel, e.data, e.at
             FROM orders o
             CROSS JOIN LATERAL (SELECT ((substr(o.number, 2))::int * 7919) % 100 AS fate) k
             CROSS JOIN LATERAL (VALUES
               ('placed', NULL, CASE WHEN o.payment_method = 'online' THEN 'pending_payment' ELSE 'confirmed' END,
                o.created_at, 'call_center', '{}'::jsonb),
               ('pay', 'pending_payment', 'confirmed', CASE WHEN o.payment_method = 'online' THEN o.paid_at END,
                'system', '{}'),
               ('assign', 'confirmed', 'assigned', o.assigned_at, 'system', '{}'),
               ('dispatch', 'assigned', 'out_for_delivery', o.dispatched_at, 'agent', '{}'),
               ('deposit', 'out_for_delivery', 'awaiting_pickup',
                CASE WHEN o.fulfilment_type <> 'delivery' AND (o.status = 'awaiting_pickup' OR o.delivered_at IS NOT NULL)
                     THEN o.dispatched_at + interval '1 hour' END, 'agent', '{}'),
               (CASE WHEN o.fulfilment_type = 'delivery' THEN 'deliver' ELSE 'pickup' END,
                CASE WHEN o.fulfilment_type = 'delivery' THEN 'out_for_delivery' ELSE 'awaiting_pickup' END,
                'delivered', o.delivered_at, 'agent', '{}'),
               ('complete', 'delivered', 'completed', o.completed_at, 'system', '{}'),
               ('cancel', NULL, 'cancelled', o.cancelled_at,
                CASE WHEN k.fate < 4 THEN 'system' WHEN k.fate < 7 THEN 'customer' ELSE 'call_center' END,
                CASE WHEN k.fate < 4 THEN '{"cause":"unpaid_timeout"}'::jsonb ELSE '{}' END),
               ('return', 'completed', 'returned', o.returned_at, 'regional_manager', '{}')
             ) e(type, f, t, at, role, data)
            WHERE e.at IS NOT NULL`);
  await q(`INSERT INTO tasks (kind, status, order_id, order_number, region_id, campus_id, agent_id, customer_id,
             customer_phone, fee_cents, window_start, window_end, code_hash, due_at, completed_at, created_by_id,
             created_by_role, created_at)
           SELECT 'delivery_install', CASE WHEN o.completed_at IS NOT NULL THEN 'done' ELSE 'assigned' END, o.id, o.number,
                  o.region_id, o.campus_id, o.assigned_agent_id, o.customer_id, o.customer_phone, 3000,
                  o.delivered_at, o.delivered_at + interval '2 hours', 'x', o.delivered_at + interval '48 hours',
                  CASE WHEN o.completed_at IS NOT NULL
                       THEN o.delivered_at + make_interval(hours => (substr(o.number, 2))::int % 72) END,
                  '00000000-0000-0000-0000-000000000000', 'system', o.assigned_at
             FROM orders o
            WHERE (substr(o.number, 2))::int % 20 = 0 AND o.assigned_agent_id IS NOT NULL AND o.delivered_at IS NOT NULL`);
  await q(`INSERT INTO cod_ledger (order_id, agent_id, amount_cents, expected_cents, recorded_by_id, recorded_by_role,
             created_at)
           SELECT id, assigned_agent_id, total_cents, total_cents, '00000000-0000-0000-0000-000000000000', 'agent',
                  delivered_at
             FROM orders WHERE payment_method = 'cod' AND fulfilment_type = 'delivery' AND delivered_at IS NOT NULL`);
  await q(`VACUUM ANALYZE`);
}

async function time(runs: number, fn: () => Promise<unknown>): Promise<{ medianMs: number; maxMs: number }> {
  await fn(); // warm the plan cache and the buffers
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = process.hrtime.bigint();
    await fn();
    ms.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  ms.sort((a, b) => a - b);
  const mid = Math.floor(ms.length / 2);
  const median = ms.length % 2 ? ms[mid] : (ms[mid - 1] + ms[mid]) / 2;
  return { medianMs: Math.round(median * 10) / 10, maxMs: Math.round(ms[ms.length - 1] * 10) / 10 };
}

export async function runReportsBench(opts: {
  baseUrl: string;
  env: Record<string, string>;
  loadConfig: (env: Record<string, string>) => AppConfig;
  orders: number;
  runs: number;
  log: (msg: string) => void;
  /** Keep the database for a look with EXPLAIN (its name is logged). */
  keep?: boolean;
}): Promise<ReportsBenchResult> {
  const url = new URL(opts.baseUrl);
  const name = `campus_bench_reports_${Date.now().toString(36)}`;
  url.pathname = `/${name}`;
  const config = opts.loadConfig({ ...opts.env, DATABASE_URL: url.toString(), DB_POOL_SIZE: '4' });
  await ensureDatabase(url.toString());
  let ctxApp: INestApplicationContext | undefined;
  const client = new Client({ connectionString: url.toString() });
  try {
    await migrate(config);
    await client.connect();
    opts.log(`reports: seeding ${opts.orders} orders with lines, events, tasks and COD entries`);
    const t0 = Date.now();
    await seed(client, opts.orders);
    const seedSeconds = (Date.now() - t0) / 1000;
    const count = async (table: string) =>
      Number((await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`)).rows[0].n);
    const counts = {
      orders: await count('orders'),
      events: await count('order_events'),
      tasks: await count('tasks'),
      codEntries: await count('cod_ledger'),
    };
    opts.log(`reports: seeded in ${seedSeconds.toFixed(1)} s: ${JSON.stringify(counts)}`);

    ctxApp = await NestFactory.createApplicationContext(BenchReportsModule.forRoot(config), {
      logger: false,
    });
    const channels = ctxApp.get(ChannelReportService);
    const agents = ctxApp.get(AgentReportService);
    const customers = ctxApp.get(CustomerReportService);
    const region = (await client.query<{ id: string }>(`SELECT id FROM regions WHERE code = 'R1'`)).rows[0]
      .id;
    const admin = new RequestContext(
      { kind: 'user', id: '00000000-0000-0000-0000-0000000000a1', role: 'admin' },
      'bench',
    );
    const manager = new RequestContext(
      {
        kind: 'user',
        id: '00000000-0000-0000-0000-0000000000a2',
        role: 'regional_manager',
        regionId: region,
      },
      'bench',
    );
    const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString();
    const month = { from: day(-30), to: day(0) };
    const year = { from: day(-365), to: day(0.5) };
    const period = shanghaiPeriod(new Date());
    const cases: [string, () => Promise<unknown>][] = [
      ['channels admin 30 days', () => channels.report(admin, month)],
      ['channels admin 365 days (all orders)', () => channels.report(admin, year)],
      ['channels manager 365 days', () => channels.report(manager, year)],
      ['agents admin this month (400 agents)', () => agents.report(admin, { period })],
      ['agents manager this month', () => agents.report(manager, { period })],
      ['customers admin 30 days', () => customers.report(admin, month)],
      ['customers admin 365 days (all orders)', () => customers.report(admin, year)],
      ['customers manager 365 days', () => customers.report(manager, year)],
    ];
    const measure = async (label: string): Promise<ReportTiming[]> => {
      const out: ReportTiming[] = [];
      for (const [report, fn] of cases) {
        const t = await time(opts.runs, fn);
        opts.log(`reports ${label}: ${report}: median ${t.medianMs} ms, max ${t.maxMs} ms`);
        out.push({ report, ...t, runs: opts.runs });
      }
      return out;
    };
    const migration = new Reports1764600000000();
    const runner = { query: (sql: string) => client.query(sql) } as unknown as QueryRunner;
    await migration.down(runner);
    await client.query('ANALYZE');
    const before = await measure('without the reports indexes');
    await migration.up(runner);
    await client.query('ANALYZE');
    const after = await measure('with the reports indexes');
    return { ...counts, seedSeconds, before, after };
  } finally {
    await ctxApp?.close();
    await client.end().catch(() => undefined);
    if (opts.keep) opts.log(`reports: kept database ${name}`);
    else {
      const admin = new Client({ connectionString: opts.baseUrl });
      await admin.connect();
      await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await admin.end();
    }
  }
}

/** The before/after table of the reports section. */
export function printReportsTable(r: ReportsBenchResult, write: (s: string) => void): void {
  const head = ['report', 'before median / max ms', 'after median / max ms'];
  const rows = r.after.map((a, i) => [
    a.report,
    `${r.before[i].medianMs} / ${r.before[i].maxMs}`,
    `${a.medianMs} / ${a.maxMs}`,
  ]);
  const widths = head.map((h, c) => Math.max(h.length, ...rows.map((row) => row[c].length)));
  const line = (cells: string[]) => cells.map((cell, c) => cell.padEnd(widths[c])).join('  ');
  write(
    `\nReports on ${r.orders} orders, ${r.events} events, ${r.tasks} tasks, ${r.codEntries} COD entries ` +
      `(${r.after[0]?.runs} runs each):\n${line(head)}\n${rows.map(line).join('\n')}\n\n`,
  );
}
