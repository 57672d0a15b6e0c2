/**
 * `npm run bench:assets`: the JavaScript the shop's first screen at /shop downloads, counted from the
 * built console (dist/console) the way a browser fetches it: index.html's module script and its
 * modulepreloads, their static imports, then the shop layout's chunk that the route /shop imports
 * (with its static imports), each file once. Lazy chunks the first screen does not ask for (the
 * desks, their antd and ECharts, the reports) are not counted, and the script fails if any of them
 * (or any antd / ECharts module) is among those that are.
 *
 * Sizes: raw, and the precompressed brotli and gzip files the API sends (@fastify/static
 * `preCompressed`); Chrome asks for brotli over HTTPS only, so gzip is what a phone gets over plain
 * http. The budget (200 kB on the wire) is checked against the larger of the two. Exit code 1 above it.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

export const SHOP_JS_BUDGET_BYTES = 200 * 1000;
const SHOP_ENTRY = 'src/shop/ShopApp.tsx';
/** Packages and console folders the shop must never load on its first screen. */
const FORBIDDEN_PACKAGES = /^(antd|echarts|zrender)$|^@ant-design\//;
const FORBIDDEN_SOURCES = ['pages/', 'App.tsx', 'components/'];

interface ManifestChunk {
  file: string;
  src?: string;
  isEntry?: boolean;
  imports?: string[];
  dynamicImports?: string[];
  css?: string[];
}

export interface AssetFile {
  file: string;
  raw: number;
  brotli: number;
  gzip: number;
}

export interface ShopAssetsResult {
  distDir: string;
  files: AssetFile[];
  css: AssetFile[];
  js: { raw: number; brotli: number; gzip: number };
  onTheWire: number;
  budget: number;
  withinBudget: boolean;
  forbidden: string[];
}

function sizes(distDir: string, file: string): AssetFile {
  const path = join(distDir, file);
  const raw = statSync(path).size;
  // Files under 1 kB are not precompressed: they go as they are.
  const compressed = (ext: string) => (existsSync(path + ext) ? statSync(path + ext).size : raw);
  return { file, raw, brotli: compressed('.br'), gzip: compressed('.gz') };
}

/** What a browser fetches for /shop's first screen, from the build's manifest and index.html. */
export function measureShopAssets(distDir: string): ShopAssetsResult {
  const manifest = JSON.parse(readFileSync(join(distDir, '.vite/manifest.json'), 'utf8')) as Record<
    string,
    ManifestChunk
  >;
  const byFile = new Map(Object.entries(manifest).map(([key, c]) => [c.file, key]));
  const html = readFileSync(join(distDir, 'index.html'), 'utf8');
  // The browser starts from index.html: its module scripts and modulepreload links.
  const starts = [
    ...html.matchAll(/<script[^>]+type="module"[^>]+src="\/([^"]+)"/g),
    ...html.matchAll(/<link[^>]+rel="modulepreload"[^>]+href="\/([^"]+)"/g),
  ].map((m) => m[1]);
  if (starts.length === 0) throw new Error('index.html loads no module script');
  const keys = new Set<string>();
  const visit = (key: string) => {
    if (keys.has(key)) return;
    const chunk = manifest[key];
    if (!chunk) throw new Error(`the manifest has no chunk ${key}`);
    keys.add(key);
    for (const k of chunk.imports ?? []) visit(k);
  };
  for (const file of starts) {
    const key = byFile.get(file);
    if (!key) throw new Error(`index.html loads ${file}, which the manifest does not know`);
    visit(key);
  }
  // The route /shop imports the shop layout; Vite preloads its static imports alongside it.
  const entry = manifest[byFile.get(starts[0])!];
  if (!entry.dynamicImports?.includes(SHOP_ENTRY)) {
    throw new Error(`the entry does not import ${SHOP_ENTRY} lazily: is the shop still its own chunk?`);
  }
  visit(SHOP_ENTRY);

  const files = [...keys].map((k) => sizes(distDir, manifest[k].file));
  const css = [...new Set([...keys].flatMap((k) => manifest[k].css ?? []))].map((f) => sizes(distDir, f));
  const js = files.reduce(
    (t, f) => ({ raw: t.raw + f.raw, brotli: t.brotli + f.brotli, gzip: t.gzip + f.gzip }),
    { raw: 0, brotli: 0, gzip: 0 },
  );

  const forbidden: string[] = [];
  const contentsFile = join(distDir, '.vite/chunk-contents.json');
  const contents = existsSync(contentsFile)
    ? (JSON.parse(readFileSync(contentsFile, 'utf8')) as Record<
        string,
        { packages: string[]; sources: string[] }
      >)
    : {};
  for (const f of files) {
    const c = contents[f.file];
    if (!c) {
      forbidden.push(`${f.file}: contents unknown (chunk-contents.json missing)`);
      continue;
    }
    for (const p of c.packages) if (FORBIDDEN_PACKAGES.test(p)) forbidden.push(`${f.file} holds ${p}`);
    for (const s of c.sources) {
      if (FORBIDDEN_SOURCES.some((x) => s === x || s.startsWith(x)))
        forbidden.push(`${f.file} holds src/${s}`);
    }
  }
  const onTheWire = Math.max(js.brotli, js.gzip);
  return {
    distDir,
    files,
    css,
    js,
    onTheWire,
    budget: SHOP_JS_BUDGET_BYTES,
    withinBudget: onTheWire <= SHOP_JS_BUDGET_BYTES,
    forbidden,
  };
}

const kb = (n: number) => `${(n / 1000).toFixed(1)} kB`;

export function printShopAssets(r: ShopAssetsResult, out: (s: string) => void): void {
  const rows = [
    ['file', 'raw', 'brotli', 'gzip'],
    ...r.files.map((f) => [f.file, kb(f.raw), kb(f.brotli), kb(f.gzip)]),
    ['JavaScript, first screen of /shop', kb(r.js.raw), kb(r.js.brotli), kb(r.js.gzip)],
    ...r.css.map((f) => [`(css) ${f.file}`, kb(f.raw), kb(f.brotli), kb(f.gzip)]),
  ];
  const widths = rows[0].map((_, c) => Math.max(...rows.map((row) => row[c].length)));
  for (const row of rows)
    out(`${row.map((cell, c) => (c ? cell.padStart(widths[c]) : cell.padEnd(widths[c]))).join('  ')}\n`);
  out(
    `\nJavaScript on the wire for /shop's first screen: ${kb(r.onTheWire)} (budget ${kb(r.budget)}): ${
      r.withinBudget ? 'within' : 'OVER'
    }\n`,
  );
  for (const f of r.forbidden) out(`not allowed on the shop's first screen: ${f}\n`);
}

if (require.main === module) {
  const distDir = process.argv[2] ?? join(__dirname, '..', 'console');
  const result = measureShopAssets(distDir);
  printShopAssets(result, (s) => process.stdout.write(s));
  if (!result.withinBudget || result.forbidden.length) process.exitCode = 1;
}
