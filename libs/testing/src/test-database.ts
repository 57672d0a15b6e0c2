import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '@campus/database';

/**
 * Real-database tests: migrations run once into a template database (global setup); every test file
 * gets its own copy (CREATE DATABASE … TEMPLATE), so files run in parallel on clean data.
 */
export const DEFAULT_TEST_DB_URL = 'postgres://postgres@127.0.0.1:5432/campus_test';

export function testDbBaseUrl(): string {
  return process.env.TEST_DATABASE_URL || DEFAULT_TEST_DB_URL;
}

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

function baseName(url: string): string {
  return decodeURIComponent(new URL(url).pathname.replace(/^\//, '')) || 'campus_test';
}

async function adminQuery(url: string, sql: string): Promise<void> {
  const c = new Client({ connectionString: withDatabase(url, 'postgres') });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

/** Global setup: a fresh template database with every migration applied. Returns its name. */
export async function createTemplateDatabase(
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  migrations: Function[],
): Promise<{ template: string; runId: string }> {
  const url = testDbBaseUrl();
  const runId = `${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
  const template = `${baseName(url)}_tpl_${runId}`;
  await adminQuery(url, `CREATE DATABASE "${template}"`);
  const ds = new DataSource(
    dataSourceOptions({ databaseUrl: withDatabase(url, template), dbPoolSize: 1 }, migrations),
  );
  await ds.initialize();
  await ds.runMigrations({ transaction: 'each' });
  await ds.destroy();
  return { template, runId };
}

let counter = 0;

/** A private database for one test file, copied from the template. Returns its URL. */
export async function createTestDatabase(): Promise<{ url: string; name: string }> {
  const url = testDbBaseUrl();
  const template = process.env.CAMPUS_TEST_TEMPLATE;
  const runId = process.env.CAMPUS_TEST_RUN;
  if (!template || !runId)
    throw new Error('the e2e global setup did not run (CAMPUS_TEST_TEMPLATE is unset)');
  // Random too: Jest reloads this module for every test file, so the counter repeats within a worker.
  const name = `${baseName(url)}_${runId}_${process.pid}_${++counter}${randomBytes(2).toString('hex')}`;
  await adminQuery(url, `CREATE DATABASE "${name}" TEMPLATE "${template}"`);
  return { url: withDatabase(url, name), name };
}

/** Drops the databases of one run (or one database). */
export async function dropTestDatabases(runId: string): Promise<void> {
  const url = testDbBaseUrl();
  const c = new Client({ connectionString: withDatabase(url, 'postgres') });
  await c.connect();
  try {
    const prefix = baseName(url);
    const rows = await c.query<{ datname: string }>(
      `SELECT datname FROM pg_database WHERE datname LIKE $1 OR datname LIKE $2`,
      [`${prefix}_${runId}_%`, `${prefix}_tpl_${runId}`],
    );
    for (const r of rows.rows) await c.query(`DROP DATABASE IF EXISTS "${r.datname}" WITH (FORCE)`);
  } finally {
    await c.end();
  }
}

export async function dropDatabase(name: string): Promise<void> {
  await adminQuery(testDbBaseUrl(), `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
}
