import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { AppConfig } from '@campus/core';
import { dataSourceOptions } from '@campus/database';
import { ALL_MIGRATIONS } from '../migrations';

/** Creates the database named in DATABASE_URL if it does not exist yet (fresh machines). */
export async function ensureDatabase(databaseUrl: string): Promise<boolean> {
  const url = new URL(databaseUrl);
  const name = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (!/^[\w-]+$/.test(name)) throw new Error(`unusual database name "${name}"; create it yourself`);
  url.pathname = '/postgres';
  const admin = new Client({ connectionString: url.toString() });
  await admin.connect();
  try {
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (exists.rowCount) return false;
    await admin.query(`CREATE DATABASE "${name}"`);
    return true;
  } finally {
    await admin.end();
  }
}

/** Applies pending migrations with the app's own DataSource options; returns their names. */
export async function migrate(config: AppConfig): Promise<string[]> {
  const ds = new DataSource(
    dataSourceOptions({ databaseUrl: config.databaseUrl, dbPoolSize: 2 }, ALL_MIGRATIONS),
  );
  await ds.initialize();
  try {
    const applied = await ds.runMigrations({ transaction: 'each' });
    return applied.map((m) => m.name);
  } finally {
    await ds.destroy();
  }
}
