/**
 * The shop's two figures (issue 14, "Measure"):
 * - the public catalogue read, `GET /api/shop/products` with autocannon at concurrency 64: as students
 *   hit it (the same first page: the API's 5-second cache answers) and with a distinct search per
 *   request (every one a cache miss, so a query on PostgreSQL), requests/s and p99;
 * - the shop's first screen in Chromium over a throttled network (CDP Network.emulateNetworkConditions:
 *   1.6 Mbit/s down, 150 ms latency, cache off): time from navigation until the catalogue's first
 *   products are visible at /shop, for a returning student (campus remembered on the device), and
 *   until the campus list shows on a first visit; with the bytes that came over the wire.
 * `runShopBench` runs inside `npm run bench` (bench/run.ts, rate limits off); run alone,
 * `node dist/bench/shop-catalogue.js [--smoke]` starts the built API on a database of its own.
 */
import autocannon from 'autocannon';
import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { ephemeralSecrets } from '../scripts/env';
import { freePort } from './net';

export interface CatalogueLoad {
  label: string;
  concurrency: number;
  seconds: number;
  requestsPerSecond: number;
  latencyMs: { p50: number; p99: number; max: number };
  errors: number;
  non2xx: number;
}

export interface FirstScreen {
  /** Median of the runs, ms from navigation start until the first product card is visible. */
  productsVisibleMs: number;
  /** Median, first visit (no campus chosen yet): until the campus list is visible. */
  campusListVisibleMs: number;
  runs: number[];
  /** Response bytes on the wire (as encoded) for JavaScript, and for everything, on a returning visit. */
  jsBytes: number;
  totalBytes: number;
  contentEncoding: string;
  network: { downloadKbps: number; latencyMs: number };
}

export interface ShopBenchResult {
  products: number;
  catalogue: CatalogueLoad[];
  firstScreen: FirstScreen | { skipped: string };
}

interface Call {
  <T>(method: string, path: string, body?: unknown, token?: string): Promise<T>;
}

const THROTTLE = { downloadKbps: 1600, uploadKbps: 750, latencyMs: 150 };
export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? Math.round(s[Math.floor((s.length - 1) / 2)]) : 0;
}

/** A catalogue worth browsing: `count` active products over a few categories. */
async function seedProducts(call: Call, admin: string, count: number): Promise<void> {
  const categories = ['storage', 'network', 'stationery', 'audio', 'power'];
  for (let i = 1; i <= count; i++) {
    const sku = `SHOP-${String(i).padStart(4, '0')}`;
    await call(
      'POST',
      '/api/products',
      {
        sku,
        name: `Campus item ${i}`,
        category: categories[i % categories.length],
        priceCents: 500 + ((i * 137) % 20_000),
        stock: 10 + (i % 200),
      },
      admin,
    );
  }
}

async function loadCatalogue(
  base: string,
  label: string,
  path: (n: number) => string,
  concurrency: number,
  seconds: number,
): Promise<CatalogueLoad> {
  let n = 0;
  const r = await autocannon({
    url: base,
    connections: concurrency,
    duration: seconds,
    timeout: 30,
    requests: [{ method: 'GET', setupRequest: (req) => ({ ...req, path: path(n++) }) }],
  });
  return {
    label,
    concurrency,
    seconds: r.duration,
    requestsPerSecond: r['2xx'] / r.duration,
    latencyMs: { p50: r.latency.p50, p99: r.latency.p99, max: r.latency.max },
    errors: r.errors + r.timeouts,
    non2xx: r.non2xx,
  };
}

/** The first screen of /shop in Chromium on a throttled phone network. */
export async function measureFirstScreen(
  base: string,
  campus: { id: string; name: string },
  runs: number,
): Promise<FirstScreen | { skipped: string }> {
  if (!existsSync(CHROMIUM)) return { skipped: `${CHROMIUM} is missing` };
  // playwright-core is a dev dependency: loaded only when this measurement runs.
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
  try {
    const visit = async (returning: boolean) => {
      const context = await browser.newContext({
        viewport: { width: 375, height: 812 },
        isMobile: true,
        hasTouch: true,
        locale: 'zh-CN',
      });
      if (returning) {
        await context.addInitScript(
          `window.localStorage.setItem('campus.shop.campus', ${JSON.stringify(JSON.stringify(campus))})`,
        );
      }
      const page = await context.newPage();
      const cdp = await context.newCDPSession(page);
      await cdp.send('Network.enable');
      await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
      await cdp.send('Network.emulateNetworkConditions', {
        offline: false,
        latency: THROTTLE.latencyMs,
        downloadThroughput: (THROTTLE.downloadKbps * 1000) / 8,
        uploadThroughput: (THROTTLE.uploadKbps * 1000) / 8,
      });
      const types = new Map<string, string>();
      const encodings = new Set<string>();
      let jsBytes = 0;
      let totalBytes = 0;
      cdp.on(
        'Network.responseReceived',
        (e: { requestId: string; type: string; response: { headers: Record<string, string> } }) => {
          types.set(e.requestId, e.type);
          const enc = Object.entries(e.response.headers).find(
            ([k]) => k.toLowerCase() === 'content-encoding',
          )?.[1];
          if (e.type === 'Script') encodings.add(enc ?? 'identity');
        },
      );
      cdp.on('Network.loadingFinished', (e: { requestId: string; encodedDataLength: number }) => {
        totalBytes += e.encodedDataLength;
        if (types.get(e.requestId) === 'Script') jsBytes += e.encodedDataLength;
      });
      const started = Date.now();
      await page.goto(`${base}/shop`, { waitUntil: 'commit' });
      await page
        .locator(returning ? '[data-testid="products"] li' : '.shop-campuses button')
        .first()
        .waitFor({ state: 'visible', timeout: 60_000 });
      const ms = Date.now() - started;
      await context.close();
      return { ms, jsBytes, totalBytes, encoding: [...encodings].join(', ') };
    };
    const returning = [];
    const first = [];
    for (let i = 0; i < runs; i++) {
      returning.push(await visit(true));
      first.push(await visit(false));
    }
    const last = returning[returning.length - 1];
    return {
      productsVisibleMs: median(returning.map((r) => r.ms)),
      campusListVisibleMs: median(first.map((r) => r.ms)),
      runs: returning.map((r) => r.ms),
      jsBytes: last.jsBytes,
      totalBytes: last.totalBytes,
      contentEncoding: last.encoding,
      network: { downloadKbps: THROTTLE.downloadKbps, latencyMs: THROTTLE.latencyMs },
    };
  } finally {
    await browser.close();
  }
}

/**
 * Both measurements against a running API (rate limits off). Seeds `products` products first, so
 * the catalogue has pages to serve.
 */
export async function runShopBench(opts: {
  apiBase: string;
  call: Call;
  admin: string;
  campus: { id: string; name: string };
  smoke: boolean;
  seconds: number;
  log: (msg: string) => void;
}): Promise<ShopBenchResult> {
  const products = opts.smoke ? 40 : 200;
  opts.log(`shop: seeding ${products} products`);
  await seedProducts(opts.call, opts.admin, products);
  const concurrency = opts.smoke ? 8 : 64;
  const page = `/api/shop/products?campusId=${opts.campus.id}&limit=20`;
  opts.log(`shop: public catalogue read at concurrency ${concurrency}`);
  // Warm the API (JIT, pool) and the cache.
  await loadCatalogue(opts.apiBase, 'warm-up', () => page, 8, 1);
  const catalogue = [
    await loadCatalogue(opts.apiBase, 'first page (cached 5 s)', () => page, concurrency, opts.seconds),
    await loadCatalogue(
      opts.apiBase,
      'distinct search per request (cache miss)',
      (n) => `${page}&q=item%20${n % 100_000}`,
      concurrency,
      opts.seconds,
    ),
  ];
  opts.log('shop: first screen of /shop in Chromium at 1.6 Mbit/s, 150 ms');
  const firstScreen = await measureFirstScreen(opts.apiBase, opts.campus, opts.smoke ? 1 : 5);
  return { products, catalogue, firstScreen };
}

export function printShopBench(r: ShopBenchResult, out: (s: string) => void): void {
  out(`Shop: public catalogue read (GET /api/shop/products, ${r.products} products)\n`);
  for (const c of r.catalogue) {
    out(
      `  ${c.label}, concurrency ${c.concurrency}: ${c.requestsPerSecond.toFixed(0)} requests/s, ` +
        `p50 / p99 ${c.latencyMs.p50} / ${c.latencyMs.p99} ms, ${c.errors + c.non2xx} errors\n`,
    );
  }
  const f = r.firstScreen;
  if ('skipped' in f) out(`  first screen: skipped (${f.skipped})\n\n`);
  else {
    out(
      `  first screen at /shop, ${f.network.downloadKbps / 1000} Mbit/s + ${f.network.latencyMs} ms: products visible ` +
        `after ${f.productsVisibleMs} ms (median; runs ${f.runs.join(', ')} ms), campus list on a first visit after ` +
        `${f.campusListVisibleMs} ms; JavaScript ${(f.jsBytes / 1000).toFixed(1)} kB on the wire (${f.contentEncoding}), ` +
        `everything ${(f.totalBytes / 1000).toFixed(1)} kB\n\n`,
    );
  }
}

/** Alone: the built API on a database of its own, a region, a campus, then runShopBench. */
async function main(): Promise<void> {
  const smoke = process.argv.includes('--smoke');
  const root = join(__dirname, '..', '..');
  const stamp = Date.now().toString(36);
  const baseUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const dbUrl = new URL(baseUrl);
  dbUrl.pathname = `/campus_shopbench_${stamp}`;
  const port = await freePort();
  const env: Record<string, string> = {
    NODE_ENV: 'production',
    PORT: String(port),
    DATABASE_URL: dbUrl.toString(),
    REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    QUEUE_PREFIX: `shopbench${stamp}`,
    ...ephemeralSecrets(),
    ADMIN_USERNAME: 'admin',
    PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
    DEMO_DATA: 'false',
    LOG_LEVEL: 'warn',
    RATE_LIMITS: 'false',
  };
  const log = (msg: string) => process.stdout.write(`[bench] ${msg}\n`);
  const { ensureDatabase, migrate } = await import('../scripts/db');
  const { loadConfig } = await import('@campus/core');
  await ensureDatabase(env.DATABASE_URL);
  await migrate(loadConfig(env));
  let child: ChildProcess | undefined;
  const base = `http://127.0.0.1:${port}`;
  try {
    child = spawn(process.execPath, [join(root, 'dist/apps/api/src/main.js')], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    for (let i = 0; ; i++) {
      if (i > 150) throw new Error('the API did not become healthy');
      const ok = await fetch(`${base}/api/health`).then(
        (r) => r.status === 200,
        () => false,
      );
      if (ok) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    const call: Call = async <T>(method: string, path: string, body?: unknown, token?: string) => {
      const res = await fetch(`${base}${path}`, {
        method,
        headers: {
          'content-type': 'application/json',
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${text}`);
      return (text ? JSON.parse(text) : undefined) as T;
    };
    const admin = (
      await call<{ accessToken: string }>('POST', '/api/auth/login', {
        username: 'admin',
        password: env.ADMIN_PASSWORD,
      })
    ).accessToken;
    const region = await call<{ id: string }>(
      'POST',
      '/api/regions',
      { code: 'SHOP', name: 'Shop bench' },
      admin,
    );
    const campus = await call<{ id: string; name: string }>(
      'POST',
      '/api/campuses',
      { code: 'SHOP-U', name: 'Shop bench university', regionId: region.id },
      admin,
    );
    const r = await runShopBench({ apiBase: base, call, admin, campus, smoke, seconds: smoke ? 1 : 10, log });
    printShopBench(r, (s) => process.stdout.write(s));
    process.stdout.write(`${JSON.stringify({ date: new Date().toISOString(), smoke, shop: r }, null, 2)}\n`);
    if (r.catalogue.some((c) => c.errors + c.non2xx > 0)) process.exitCode = 1;
  } finally {
    if (child && child.exitCode === null) {
      const exited = new Promise((r) => child!.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    const c = new Client({ connectionString: baseUrl });
    await c.connect();
    await c.query(`DROP DATABASE IF EXISTS "campus_shopbench_${stamp}" WITH (FORCE)`);
    await c.end();
  }
}

if (require.main === module) {
  main().catch((err: Error) => {
    process.stderr.write(`[bench] ${err.stack ?? err.message}\n`);
    process.exit(1);
  });
}
