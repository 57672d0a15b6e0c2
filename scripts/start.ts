import 'reflect-metadata';
import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { configOrExit } from '@campus/core';
import { createApiApp } from '../apps/api/src/bootstrap';
import { ensureDatabase, migrate } from './db';
import { loadEnvFiles } from './env';
import { seedDemo } from './seed-demo';

const out = (line: string) => process.stdout.write(`${line}\n`);

/**
 * `npm start`: creates the database if needed, applies migrations, seeds the demo data on an empty
 * database (unless DEMO_DATA=false), then runs the API and the worker until SIGINT/SIGTERM.
 */
async function main(): Promise<void> {
  const envFile = loadEnvFiles();
  const config = configOrExit();
  out(`campus-orders: configuration from ${envFile ?? 'the environment'}`);
  if (await ensureDatabase(config.databaseUrl)) out('campus-orders: created the database');
  const applied = await migrate(config);
  out(
    applied.length
      ? `campus-orders: applied migrations ${applied.join(', ')}`
      : 'campus-orders: schema up to date',
  );

  if (config.demoData) {
    const app = await createApiApp({ ...config, logLevel: 'warn' });
    const accounts = await seedDemo(app);
    await app.close();
    if (accounts) {
      out('campus-orders: seeded the demo data. Sign in with:');
      out(`  admin              ${config.adminUsername} / (ADMIN_PASSWORD)`);
      for (const a of accounts) out(`  ${a.role.padEnd(18)} ${a.username} / ${a.password}   (${a.note})`);
      out(
        '  customer           any phone number, e.g. 13800138000, with the code the worker prints ("SMS to …")',
      );
    }
  }

  const children: ChildProcess[] = [];
  let stopping = false;
  const stop = (code: number) => {
    if (stopping) return;
    stopping = true;
    for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
    setTimeout(() => process.exit(code), 10_000).unref();
    Promise.all(
      children.map((c) => new Promise((r) => (c.exitCode !== null ? r(null) : c.once('exit', r)))),
    ).then(() => process.exit(code));
  };
  for (const [name, entry] of [
    ['api', join(__dirname, '../apps/api/src/main.js')],
    ['worker', join(__dirname, '../apps/worker/src/main.js')],
  ] as const) {
    // A bounded heap keeps each process's memory predictable (V8 otherwise grows it lazily under load).
    const heap = `--max-old-space-size=${process.env.HEAP_MB ?? 160}`;
    const child = spawn(process.execPath, [heap, entry], { stdio: 'inherit', env: process.env });
    child.once('exit', (code, signal) => {
      if (!stopping) {
        process.stderr.write(`campus-orders: ${name} exited (${signal ?? code}); stopping\n`);
        stop(code || 1);
      }
    });
    children.push(child);
  }
  out(`campus-orders: API on http://localhost:${config.port}/api (docs at /api/docs), worker running`);
  process.on('SIGINT', () => stop(0));
  process.on('SIGTERM', () => stop(0));
}

main().catch((err: Error) => {
  process.stderr.write(`campus-orders: ${err.stack ?? err.message}\n`);
  process.exit(1);
});
