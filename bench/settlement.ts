/**
 * Settlement at scale: 1,000 agents with 100,000 ledger entries (and 10,000 COD collections) in a
 * database of its own. Times `POST /api/settlements` (the whole app: guard, validation, the service's
 * set-based statements that build the statements and claim every entry, the JSON answer) against the
 * same aggregate as one raw read-only SQL query, and checks both give the same money.
 * Run alone with `node dist/bench/settlement.js [--smoke]`, or as a section of `npm run bench`.
 */
import 'reflect-metadata';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Client } from 'pg';
import { loadConfig, shanghaiPeriod } from '@campus/core';
import { createApiApp } from '../apps/api/src/bootstrap';
import { ensureDatabase, migrate } from '../scripts/db';
import { ephemeralSecrets } from '../scripts/env';

export interface SettlementBenchResult {
  agents: number;
  entries: number;
  codCollections: number;
  runs: number;
  /** POST /api/settlements, in-process (Fastify inject), ms per run. */
  apiMs: { min: number; median: number };
  /** The same aggregate as one raw SQL query, ms per run. */
  rawSqlMs: { min: number; median: number };
  /** api / raw (how much the real thing costs over the bare read). */
  apiOverRaw: number;
  statements: number;
  netCentsApi: number;
  netCentsRaw: number;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/**
 * The aggregate the settlement computes, as one read-only query (no statements written, nothing
 * claimed). Nothing of the region is settled when it runs (each timed draft is discarded), so "not
 * covered by an earlier settlement" is every entry of the region up to the month.
 */
const RAW_AGGREGATE = `
  SELECT e.agent_id,
         sum(e.amount_cents) FILTER (WHERE e.kind = 'order_commission') AS commission,
         sum(e.amount_cents) FILTER (WHERE e.kind = 'reversal') AS reversal,
         sum(e.amount_cents) FILTER (WHERE e.kind = 'install_fee') AS install_fee,
         sum(e.amount_cents) FILTER (WHERE e.kind = 'adjustment') AS adjustment,
         COALESCE(d.cod, 0) AS cod,
         sum(e.amount_cents) - COALESCE(d.cod, 0) AS net
    FROM commission_entries e
    LEFT JOIN (SELECT agent_id, sum(amount_cents) AS cod FROM commission_cod
                WHERE region_id = $1 AND period <= $2 AND agent_id IS NOT NULL
                GROUP BY agent_id) d ON d.agent_id = e.agent_id
   WHERE e.region_id = $1 AND e.period <= $2
   GROUP BY e.agent_id, d.cod`;

export async function runSettlementBench(opts: {
  baseUrl: string;
  smoke: boolean;
  log: (msg: string) => void;
  keep?: boolean;
}): Promise<SettlementBenchResult> {
  const agents = opts.smoke ? 100 : 1_000;
  const entries = opts.smoke ? 10_000 : 100_000;
  const orders = entries / 10;
  const runs = opts.smoke ? 2 : 5;
  const name = `campus_bench_settle_${Date.now().toString(36)}`;
  const url = new URL(opts.baseUrl);
  url.pathname = `/${name}`;
  const databaseUrl = url.toString();
  const env: Record<string, string> = {
    NODE_ENV: 'production',
    DATABASE_URL: databaseUrl,
    DB_POOL_SIZE: '4',
    REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    QUEUE_PREFIX: `bench-settle-${Date.now().toString(36)}`,
    ...ephemeralSecrets(),
    ADMIN_USERNAME: 'admin',
    PUBLIC_BASE_URL: 'http://127.0.0.1',
    DEMO_DATA: 'false',
    LOG_LEVEL: 'warn',
    RATE_LIMITS: 'false',
  };
  const config = loadConfig(env);
  await ensureDatabase(databaseUrl);
  await migrate(config);
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  let app: NestFastifyApplication | undefined;
  try {
    const period = shanghaiPeriod(new Date());
    const [y, m] = period.split('-').map(Number);
    const previous = m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
    opts.log(`settlement: seeding ${agents} agents, ${entries} entries, ${orders} COD collections`);
    const seedStart = Date.now();
    const [{ id: regionId }] = (
      await db.query<{ id: string }>(
        `INSERT INTO regions (code, name) VALUES ('SETTLE', '华北') RETURNING id`,
      )
    ).rows;
    await db.query(
      `INSERT INTO campuses (code, name, region_id) SELECT 'SC' || g, '校区 ' || g, $1 FROM generate_series(1, 20) g`,
      [regionId],
    );
    await db.query(
      `WITH c AS (SELECT id, row_number() OVER (ORDER BY code) - 1 AS k FROM campuses WHERE region_id = $1),
            u AS (INSERT INTO users (username, password_hash, role, campus_id)
                  SELECT 'settle.agent.' || g, 'not-a-hash', 'agent', c.id
                    FROM generate_series(0, $2::int - 1) g JOIN c ON c.k = g % 20
                  RETURNING id, campus_id, username)
       INSERT INTO agents (id, user_id, campus_id, referral_code, display_name, phone)
       SELECT id, id, campus_id, 'S' || substr(md5(username), 1, 7), '代理 ' || username,
              '+86139' || lpad((row_number() OVER ())::text, 8, '0')
         FROM u`,
      [regionId, agents],
    );
    const [{ id: customerId }] = (
      await db.query<{ id: string }>(
        `INSERT INTO customers (phone, name) VALUES ('+8613800000000', 'Bench') RETURNING id`,
      )
    ).rows;
    await db.query(
      `WITH a AS (SELECT id, campus_id, row_number() OVER (ORDER BY id) - 1 AS k FROM agents),
            o AS (INSERT INTO orders (id, number, channel, status, customer_id, customer_phone, agent_id, assigned_agent_id,
                    region_id, campus_id, fulfilment_type, address, payment_method, subtotal_cents, total_cents,
                    created_by_id, created_by_role, cod_collected_cents, delivered_at, completed_at)
                  SELECT gen_random_uuid(), 'SB' || g, 'agent', 'completed', $2, '+8613800000000', a.id, a.id, $1,
                         a.campus_id, 'delivery', 'Dorm', 'cod', 1000 + g % 5000, 1000 + g % 5000, a.id, 'agent',
                         1000 + g % 5000,
                         now(), now()
                    FROM generate_series(0, $3::int - 1) g JOIN a ON a.k = g % $4
                  RETURNING id, assigned_agent_id, total_cents)
       INSERT INTO commission_cod (order_id, agent_id, region_id, amount_cents, collected_at, period)
       SELECT id, assigned_agent_id, $1, total_cents, now(), $5 FROM o`,
      [regionId, customerId, orders, agents, period],
    );
    // Kinds in proportion: 70 % commissions, 15 % install fees, 10 % adjustments, 5 % reversals;
    // one entry in 20 belongs to last month (late entries rolling in).
    await db.query(
      `WITH a AS (SELECT id, row_number() OVER (ORDER BY id) - 1 AS k FROM agents)
       INSERT INTO commission_entries (agent_id, region_id, kind, amount_cents, source_id, period, earned_at,
         rule_description, reason, created_by_id, created_by_role)
       SELECT a.id, $1, x.kind,
              CASE x.kind WHEN 'reversal' THEN -(50 + g % 900) WHEN 'adjustment' THEN (g % 7) * 100 - 300 + 1
                          ELSE 50 + g % 900 END,
              gen_random_uuid(), CASE WHEN g % 20 = 7 THEN $3 ELSE $2 END, now(), 'bench',
              CASE WHEN x.kind = 'adjustment' THEN 'bench adjustment' END, a.id, 'system'
         FROM generate_series(0, $4::int - 1) g
         JOIN a ON a.k = g % $5
         CROSS JOIN LATERAL (SELECT CASE WHEN g % 20 < 14 THEN 'order_commission' WHEN g % 20 < 17 THEN 'install_fee'
                                         WHEN g % 20 < 19 THEN 'adjustment' ELSE 'reversal' END AS kind) x`,
      [regionId, period, previous, entries, agents],
    );
    await db.query(`ANALYZE`);
    opts.log(`settlement: seeded in ${((Date.now() - seedStart) / 1000).toFixed(1)} s`);

    app = await createApiApp(config, { quiet: true });
    await app.getHttpAdapter().getInstance().ready();
    const login = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: env.ADMIN_USERNAME, password: env.ADMIN_PASSWORD },
    });
    const token = (login.json() as { accessToken: string }).accessToken;

    const apiMs: number[] = [];
    const rawMs: number[] = [];
    let statements = 0;
    let netCentsApi = 0;
    let netCentsRaw = 0;
    for (let run = 0; run < runs; run++) {
      const t0 = process.hrtime.bigint();
      const raw = await db.query<{ net: string }>(RAW_AGGREGATE, [regionId, period]);
      rawMs.push(Number(process.hrtime.bigint() - t0) / 1e6);
      netCentsRaw = raw.rows.reduce((s, r) => s + Number(r.net), 0);

      const t1 = process.hrtime.bigint();
      const res = await app.inject({
        method: 'POST',
        url: '/api/settlements',
        headers: { authorization: `Bearer ${token}` },
        payload: { regionId, period },
      });
      apiMs.push(Number(process.hrtime.bigint() - t1) / 1e6);
      if (res.statusCode !== 201) throw new Error(`settlement: ${res.statusCode} ${res.body}`);
      const body = res.json() as { id: string; statements: unknown[]; totals: { netCents: number } };
      statements = body.statements.length;
      netCentsApi = body.totals.netCents;
      // Discard the draft (DELETE /api/settlements/:id) so the next run settles the same entries.
      const discarded = await app.inject({
        method: 'DELETE',
        url: `/api/settlements/${body.id}`,
        headers: { authorization: `Bearer ${token}` },
      });
      if (discarded.statusCode !== 204) throw new Error(`discard: ${discarded.statusCode} ${discarded.body}`);
      await db.query(`VACUUM ANALYZE commission_entries`);
      await db.query(`VACUUM ANALYZE commission_cod`);
    }
    if (netCentsApi !== netCentsRaw) {
      throw new Error(`settlement net ${netCentsApi} differs from the raw aggregate ${netCentsRaw}`);
    }
    const result: SettlementBenchResult = {
      agents,
      entries,
      codCollections: orders,
      runs,
      apiMs: { min: Math.min(...apiMs), median: median(apiMs) },
      rawSqlMs: { min: Math.min(...rawMs), median: median(rawMs) },
      apiOverRaw: median(apiMs) / median(rawMs),
      statements,
      netCentsApi,
      netCentsRaw,
    };
    opts.log(
      `settlement of ${agents} agents / ${entries} entries: API ${result.apiMs.median.toFixed(0)} ms ` +
        `(min ${result.apiMs.min.toFixed(0)}), raw aggregate ${result.rawSqlMs.median.toFixed(0)} ms ` +
        `(min ${result.rawSqlMs.min.toFixed(0)}), ×${result.apiOverRaw.toFixed(1)}; ${statements} statements, ` +
        `same net ${netCentsApi}`,
    );
    return result;
  } finally {
    await app?.close();
    await db.end();
    if (!opts.keep) {
      const admin = new Client({ connectionString: opts.baseUrl });
      await admin.connect();
      await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await admin.end();
    }
  }
}

if (require.main === module) {
  const smoke = process.argv.includes('--smoke');
  runSettlementBench({
    baseUrl: process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    smoke,
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
