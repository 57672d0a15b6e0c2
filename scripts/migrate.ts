import 'reflect-metadata';
import { configOrExit } from '@campus/core';
import { ensureDatabase, migrate } from './db';
import { loadEnvFiles } from './env';

/** `npm run migrate`: creates the database if needed and applies pending migrations. */
async function main(): Promise<void> {
  loadEnvFiles();
  const config = configOrExit();
  if (await ensureDatabase(config.databaseUrl)) process.stdout.write('created the database\n');
  const applied = await migrate(config);
  process.stdout.write(applied.length ? `applied: ${applied.join(', ')}\n` : 'schema is up to date\n');
}

main().catch((err: Error) => {
  process.stderr.write(`${err.message}\n`);
  process.exit(1);
});
