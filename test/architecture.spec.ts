import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import {
  mapViolations,
  migrationTables,
  ownershipViolations,
  parseOwnershipMap,
  scanLibs,
} from './support/table-ownership';

/**
 * DESIGN.md §3: who may import whom. Every lib may also use core, database and queue.
 * This test reads every import in libs/ and apps/ and fails on an arrow that is not here,
 * on a lib reaching into an app, on a relative path into another lib, and on import cycles.
 */
const ALLOWED: Record<string, string[]> = {
  core: [],
  audit: [],
  database: ['core'],
  queue: ['core', 'database'],
  auth: [],
  catalog: [],
  network: [],
  notifications: [],
  pricing: ['catalog'],
  orders: ['catalog', 'pricing'],
  intake: ['orders', 'catalog', 'network', 'auth'],
  fulfilment: ['orders', 'network', 'notifications'],
  tasks: ['orders', 'network', 'notifications'],
  commissions: ['orders', 'tasks', 'network'],
  payments: ['orders'],
  aftersales: ['orders', 'payments', 'fulfilment', 'tasks', 'notifications'],
  reports: [],
  testing: ['*'],
};
const EVERYONE_MAY_USE = ['core', 'database', 'queue', 'audit'];

const ROOT = resolve(__dirname, '..');

function files(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (name === 'node_modules' || name === 'dist') continue;
    if (statSync(p).isDirectory()) out.push(...files(p));
    else if (p.endsWith('.ts') && !p.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

function importsOf(file: string): string[] {
  const src = readFileSync(file, 'utf8');
  const specs: string[] = [];
  for (const m of src.matchAll(
    /(?:import|export)\s[^;]*?from\s+'([^']+)'|import\s+'([^']+)'|require\('([^']+)'\)/g,
  )) {
    specs.push(m[1] ?? m[2] ?? m[3]);
  }
  return specs;
}

function libOf(file: string): string | null {
  const m = relative(ROOT, file).match(/^libs\/([^/]+)\//);
  return m ? m[1] : null;
}

const libFiles = files(join(ROOT, 'libs')).filter((f) => !f.endsWith('.spec.ts'));
const appFiles = files(join(ROOT, 'apps')).filter((f) => !f.includes('/apps/console/'));

describe('architecture (DESIGN.md §3)', () => {
  it('knows every lib', () => {
    const libs = readdirSync(join(ROOT, 'libs'));
    for (const lib of libs) expect(Object.keys(ALLOWED)).toContain(lib);
  });

  it('libs import only the libs they are allowed to, through their alias', () => {
    const violations: string[] = [];
    for (const file of libFiles) {
      const lib = libOf(file)!;
      for (const spec of importsOf(file)) {
        const alias = spec.match(/^@campus\/([^/]+)(\/.*)?$/);
        if (alias) {
          const target = alias[1];
          if (alias[2]) violations.push(`${relative(ROOT, file)} reaches inside @campus/${target}`);
          const ok =
            target === lib ||
            ALLOWED[lib].includes('*') ||
            ALLOWED[lib].includes(target) ||
            EVERYONE_MAY_USE.includes(target);
          if (!ok)
            violations.push(
              `${relative(ROOT, file)} imports @campus/${target} (${lib} → ${target} is not allowed)`,
            );
        } else if (spec.startsWith('.')) {
          const target = resolve(dirname(file), spec);
          const rel = relative(ROOT, target);
          if (rel.startsWith('apps/')) violations.push(`${relative(ROOT, file)} imports an app (${spec})`);
          else if (!rel.startsWith(`libs/${lib}/`))
            violations.push(`${relative(ROOT, file)} leaves its lib (${spec})`);
        }
      }
    }
    expect(violations).toEqual([]);
  });

  it('apps import libs only through their public surface', () => {
    const violations: string[] = [];
    for (const file of appFiles) {
      for (const spec of importsOf(file)) {
        if (/^@campus\/[^/]+\//.test(spec)) violations.push(`${relative(ROOT, file)} reaches inside ${spec}`);
        if (spec.startsWith('.') && relative(ROOT, resolve(dirname(file), spec)).startsWith('libs/')) {
          violations.push(`${relative(ROOT, file)} imports a lib by path (${spec})`);
        }
      }
    }
    expect(violations).toEqual([]);
  });

  it('has no import cycles between files', () => {
    const all = [...libFiles, ...appFiles];
    const resolveSpec = (from: string, spec: string): string | null => {
      let base: string;
      const alias = spec.match(/^@campus\/([^/]+)$/);
      if (alias) base = join(ROOT, 'libs', alias[1], 'src', 'index');
      else if (spec.startsWith('.')) base = resolve(dirname(from), spec);
      else return null;
      for (const cand of [`${base}.ts`, join(base, 'index.ts')]) {
        try {
          if (statSync(cand).isFile()) return cand;
        } catch {
          /* not this one */
        }
      }
      return null;
    };
    const graph = new Map(
      all.map((f) => [
        f,
        importsOf(f)
          .map((s) => resolveSpec(f, s))
          .filter((x): x is string => !!x),
      ]),
    );
    // Cycles through a lib's own index.ts re-exports are how a lib exposes itself, so only cycles
    // between different libs (or apps) count; within a lib, cycles between concrete files count.
    const state = new Map<string, 0 | 1 | 2>();
    const stack: string[] = [];
    const cycles: string[] = [];
    const visit = (f: string) => {
      state.set(f, 1);
      stack.push(f);
      for (const g of graph.get(f) ?? []) {
        if (!graph.has(g)) continue;
        if (state.get(g) === 1) {
          const cycle = stack.slice(stack.indexOf(g)).concat(g);
          const libs = new Set(cycle.map((c) => libOf(c) ?? 'app'));
          const throughIndex = cycle.some((c) => c.endsWith('/src/index.ts'));
          if (libs.size > 1 || !throughIndex) cycles.push(cycle.map((c) => relative(ROOT, c)).join(' → '));
        } else if (!state.get(g)) visit(g);
      }
      stack.pop();
      state.set(f, 2);
    };
    for (const f of all) if (!state.get(f)) visit(f);
    expect(cycles).toEqual([]);
  });
});

/**
 * DESIGN.md §3 / CONVENTIONS.md 17: the data obeys the same map as the imports. The table of owners
 * and readers is docs/architecture.md; every lib's SQL is checked against it.
 */
describe('table ownership (docs/architecture.md)', () => {
  const map = parseOwnershipMap(readFileSync(join(ROOT, 'docs/architecture.md'), 'utf8'));
  const tables = migrationTables(ROOT);

  it('lists every table the migrations create, once, with owners and readers the import map allows', () => {
    expect(tables.size).toBeGreaterThan(40);
    expect(mapViolations(map, tables, ALLOWED, EVERYONE_MAY_USE)).toEqual([]);
  });

  it('no lib writes a table it does not own or reads one it may not', () => {
    const scan = scanLibs(ROOT);
    // The scan sees the SQL (a sanity floor, so a broken parser cannot pass by finding nothing).
    expect(scan.uses.filter((u) => u.kind === 'write').length).toBeGreaterThan(100);
    expect(scan.uses.some((u) => u.lib === 'fulfilment' && u.table === 'parcels' && u.kind === 'write')).toBe(
      true,
    );
    expect(ownershipViolations(map, scan, tables)).toEqual([]);
  });

  it('fails on a deliberately broken fixture, saying what to change', () => {
    const fixture = join(ROOT, 'test/fixtures/ownership-breach');
    const fixtureTables = new Set([...tables, ...migrationTables(fixture)]);
    const violations = ownershipViolations(map, scanLibs(fixture), fixtureTables);
    const about = (lib: string, table: string) =>
      violations.filter((v) => v.includes(`${lib} `) && v.includes(`"${table}"`));

    expect(violations).toHaveLength(4);
    expect(about('fulfilment', 'compartments')[0]).toMatch(
      /libs\/fulfilment\/src\/breach\.service\.ts:3: fulfilment writes table "compartments", owned by network — call network's service/,
    );
    expect(about('fulfilment', 'agents')[0]).toMatch(/fulfilment writes table "agents", owned by network/);
    expect(about('tasks', 'customers')[0]).toMatch(
      /tasks reads table "customers" \(owner auth\), which docs\/architecture\.md does not let it read — add tasks to the readers/,
    );
    expect(about('fulfilment', 'gift_wraps')[0]).toMatch(
      /uses table "gift_wraps", which docs\/architecture\.md does not list — add a row "\| `gift_wraps` \| <owning lib> \| <libs that may read it> \|"/,
    );
    // A new migration table without a row fails the map check too.
    expect(mapViolations(map, fixtureTables, ALLOWED, EVERYONE_MAY_USE)).toEqual([
      expect.stringMatching(
        /table "gift_wraps" is created by a migration but docs\/architecture\.md does not list it — add a row/,
      ),
    ]);
  });

  it('fails when the map grants a read the import map forbids', () => {
    const granted = parseOwnershipMap(
      ['## Table ownership', '| `customers` | auth | intake, tasks |', '| `ghosts` | auth | — |'].join('\n'),
    );
    expect(mapViolations(granted, new Set(['customers']), ALLOWED, EVERYONE_MAY_USE)).toEqual([
      'table "customers": tasks may not import auth (DESIGN.md §3), so it may not read its tables — remove tasks from the readers',
      'docs/architecture.md lists table "ghosts", which no migration creates — remove its row',
    ]);
  });
});
