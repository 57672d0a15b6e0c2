import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/**
 * Table ownership (DESIGN.md §3, CONVENTIONS.md 17): every table has one owning lib, which alone
 * writes it; another lib reads it only where the ownership map says so (reports reads everything).
 * The map is the table in docs/architecture.md; this module parses it and the SQL of each lib.
 */

export interface TableOwner {
  table: string;
  owner: string;
  /** Libs that may read the table besides its owner (and reports). */
  readers: string[];
}

export interface SqlUse {
  lib: string;
  file: string;
  line: number;
  table: string;
  kind: 'read' | 'write';
  statement: string;
}

const MAP_HEADING = '## Table ownership';

/**
 * The ownership table of docs/architecture.md: rows `| \`table\` | owner | reader, reader |` under the
 * "## Table ownership" heading (a `—` or empty readers cell: nobody else).
 */
export function parseOwnershipMap(markdown: string): Map<string, TableOwner> {
  const start = markdown.indexOf(MAP_HEADING);
  if (start < 0) throw new Error(`docs/architecture.md has no "${MAP_HEADING}" section`);
  const section = markdown.slice(start + MAP_HEADING.length).split(/\n## /)[0];
  const map = new Map<string, TableOwner>();
  for (const line of section.split('\n')) {
    const m = line.match(/^\|\s*`([a-z_][a-z0-9_]*)`\s*\|\s*([a-z]+)\s*\|([^|]*)\|/);
    if (!m) continue;
    const readers = m[3]
      .split(',')
      .map((r) => r.trim())
      .filter((r) => /^([a-z]+|\*)$/.test(r));
    if (map.has(m[1])) throw new Error(`docs/architecture.md lists table ${m[1]} twice`);
    map.set(m[1], { table: m[1], owner: m[2], readers });
  }
  return map;
}

/** Words after FROM/JOIN that are not tables (functions, subqueries and keywords). */
const NOT_TABLES = new Set(['lateral', 'only', 'select', 'unnest', 'jsonb_to_recordset', 'generate_series']);

/**
 * The tables each SQL statement in `source` reads and writes. Statements are found in string and
 * template literals; keywords are matched in upper case (the house style), so prose in comments
 * ("data from orders") is not SQL. A name defined as a CTE (`name AS (`) in the same file is no
 * table. `UPDATE x`, `INSERT INTO x`, `DELETE FROM x`, `TRUNCATE x` write x; `FROM x`, `JOIN x` read it.
 */
export function sqlUses(
  source: string,
): { table: string; kind: 'read' | 'write'; index: number; statement: string }[] {
  const out: { table: string; kind: 'read' | 'write'; index: number; statement: string }[] = [];
  const ctes = new Set<string>();
  for (const m of source.matchAll(
    /(?:WITH|,|`)\s*(?:RECURSIVE\s+)?([a-z_][a-z0-9_]*)\s+AS\s+(?:(?:NOT\s+)?MATERIALIZED\s+)?\(/g,
  )) {
    ctes.add(m[1]);
  }
  for (const lit of source.matchAll(
    /`(?:\\[\s\S]|\$\{(?:[^{}]|\{[^{}]*\})*\}|[^`\\])*`|'(?:\\.|[^'\\\n])*'/g,
  )) {
    const text = lit[0];
    if (!/\b(SELECT|UPDATE|INSERT|DELETE|FROM|JOIN|TRUNCATE)\b/.test(text)) continue;
    const statement = text.replace(/\s+/g, ' ').slice(0, 160);
    const at = (i: number) => lit.index! + i;
    for (const m of text.matchAll(
      /\b(UPDATE|INSERT INTO|DELETE FROM|TRUNCATE(?: TABLE)?)\s+(?:ONLY\s+)?"?([a-z_][a-z0-9_]*)"?/g,
    )) {
      if (!ctes.has(m[2])) out.push({ table: m[2], kind: 'write', index: at(m.index!), statement });
    }
    for (const m of text.matchAll(/\b(FROM|JOIN)\s+"?([a-z_][a-z0-9_]*)"?(\s*\()?/g)) {
      const before = text.slice(Math.max(0, m.index! - 7), m.index!);
      if (m[1] === 'FROM' && /DELETE\s$/.test(before)) continue; // counted as a write
      if (m[3] || NOT_TABLES.has(m[2]) || ctes.has(m[2])) continue;
      if (text[m.index! + m[0].length] === '$') continue; // a name built from a template value
      // EXTRACT(EPOCH FROM x), substring(x FROM n), trim(BOTH ' ' FROM x), DISTINCT FROM
      const prev = text.slice(0, m.index!).match(/(\w+)\s*$/)?.[1];
      if (
        m[1] === 'FROM' &&
        prev &&
        /^(EPOCH|YEAR|MONTH|DAY|HOUR|MINUTE|SECOND|DOW|BOTH|LEADING|TRAILING|DISTINCT)$/i.test(prev)
      )
        continue;
      out.push({ table: m[2], kind: 'read', index: at(m.index!), statement });
    }
  }
  return out;
}

function tsFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (name === 'node_modules' || name === 'dist') continue;
    if (statSync(p).isDirectory()) out.push(...tsFiles(p));
    else if (p.endsWith('.ts') && !p.endsWith('.d.ts') && !p.endsWith('.spec.ts')) out.push(p);
  }
  return out;
}

/** Every table use in `<root>/libs/<lib>/src`, and every `@Entity('table')` (an entity is a claim of ownership). */
export function scanLibs(root: string): { uses: SqlUse[]; entities: SqlUse[] } {
  const uses: SqlUse[] = [];
  const entities: SqlUse[] = [];
  for (const file of tsFiles(join(root, 'libs'))) {
    const rel = relative(root, file);
    const lib = rel.split('/')[1];
    const source = readFileSync(file, 'utf8');
    const lineOf = (i: number) => source.slice(0, i).split('\n').length;
    for (const u of sqlUses(source)) uses.push({ lib, file: rel, line: lineOf(u.index), ...u });
    for (const m of source.matchAll(/@Entity\(\s*'([a-z_][a-z0-9_]*)'/g)) {
      entities.push({ lib, file: rel, line: lineOf(m.index!), table: m[1], kind: 'write', statement: m[0] });
    }
  }
  return { uses, entities };
}

/** Libs that see every table: `reports` reads all; `testing` builds fixtures; `database` is the plumbing. */
export const READS_ALL = ['reports', 'testing'];
export const WRITES_ALL = ['testing'];

/**
 * The breaches of the map, each as a sentence saying what is wrong and what to add if it is meant.
 */
export function ownershipViolations(
  map: Map<string, TableOwner>,
  scan: { uses: SqlUse[]; entities: SqlUse[] },
  tables: Set<string>,
): string[] {
  const out: string[] = [];
  const where = (u: SqlUse) => `${u.file}:${u.line}`;
  for (const u of [...scan.uses, ...scan.entities]) {
    const entry = map.get(u.table);
    if (!entry) {
      // Not a table at all: a CTE built elsewhere, an alias, a catalog view (pg_database).
      if (!tables.has(u.table)) continue;
      out.push(
        `${where(u)}: ${u.lib} uses table "${u.table}", which docs/architecture.md does not list — ` +
          `add a row "| \`${u.table}\` | <owning lib> | <libs that may read it> |" under "${MAP_HEADING}"`,
      );
      continue;
    }
    if (u.lib === entry.owner) continue;
    if (u.kind === 'write' && !WRITES_ALL.includes(u.lib)) {
      const what = u.statement.startsWith('@Entity') ? 'declares an entity for' : 'writes';
      out.push(
        `${where(u)}: ${u.lib} ${what} table "${u.table}", owned by ${entry.owner} — call ${entry.owner}'s ` +
          `service (its index.ts) or publish an event through the outbox; if ${u.lib} is the real owner, ` +
          `change the owner of "${u.table}" in docs/architecture.md. Statement: ${u.statement}`,
      );
    } else if (
      u.kind === 'read' &&
      !READS_ALL.includes(u.lib) &&
      !entry.readers.includes(u.lib) &&
      !entry.readers.includes('*')
    ) {
      out.push(
        `${where(u)}: ${u.lib} reads table "${u.table}" (owner ${entry.owner}), which docs/architecture.md ` +
          `does not let it read — add ${u.lib} to the readers of "${u.table}" (only if ${u.lib} may import ` +
          `${entry.owner}), or ask ${entry.owner}'s service. Statement: ${u.statement}`,
      );
    }
  }
  return [...new Set(out)];
}

/** Tables the migrations create (`CREATE TABLE name`), the schema the map must cover. */
export function migrationTables(root: string): Set<string> {
  const tables = new Set<string>();
  for (const file of tsFiles(join(root, 'migrations'))) {
    for (const m of readFileSync(file, 'utf8').matchAll(
      /CREATE TABLE (?:IF NOT EXISTS )?"?([a-z_][a-z0-9_]*)"?/g,
    )) {
      tables.add(m[1]);
    }
  }
  return tables;
}

/**
 * The map against the schema and the import map: every table has a row, every row a table, every
 * owner and reader is a lib, and a reader may import the owner.
 */
export function mapViolations(
  map: Map<string, TableOwner>,
  tables: Set<string>,
  allowed: Record<string, string[]>,
  everyoneMayUse: string[],
): string[] {
  const out: string[] = [];
  for (const t of [...tables].sort()) {
    if (!map.has(t)) {
      out.push(
        `table "${t}" is created by a migration but docs/architecture.md does not list it — add a row ` +
          `"| \`${t}\` | <owning lib> | <libs that may read it> |" under "${MAP_HEADING}"`,
      );
    }
  }
  for (const e of map.values()) {
    if (!tables.has(e.table)) {
      out.push(`docs/architecture.md lists table "${e.table}", which no migration creates — remove its row`);
    }
    if (!(e.owner in allowed)) out.push(`table "${e.table}": owner "${e.owner}" is not a lib`);
    for (const r of e.readers) {
      if (r === '*') {
        if (!everyoneMayUse.includes(e.owner)) {
          out.push(`table "${e.table}": "*" readers only for a lib every lib may import, not ${e.owner}`);
        }
        continue;
      }
      if (!(r in allowed)) out.push(`table "${e.table}": reader "${r}" is not a lib`);
      else if (!allowed[r].includes(e.owner) && !everyoneMayUse.includes(e.owner)) {
        out.push(
          `table "${e.table}": ${r} may not import ${e.owner} (DESIGN.md §3), so it may not read its tables — ` +
            `remove ${r} from the readers`,
        );
      }
    }
  }
  return out;
}
