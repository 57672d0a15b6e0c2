import { randomBytes } from 'node:crypto';
import type { INestApplication, INestApplicationContext } from '@nestjs/common';
import { Pool } from 'pg';
import request from 'supertest';
import type TestAgent from 'supertest/lib/agent';
import { AppConfig, Clock, loadConfig } from '@campus/core';
import { createTestDatabase, dropDatabase } from './test-database';

export const TEST_ADMIN = { username: 'admin', password: 'admin-test-password' };

/** The app factories, passed in by the test suite (libs never import apps). */
export interface AppFactories {
  api: (config: AppConfig, opts: { clock?: Clock; quiet?: boolean }) => Promise<INestApplication>;
  worker: (
    config: AppConfig,
    opts: { clock?: Clock; backoffMs?: number; attempts?: number },
  ) => Promise<INestApplicationContext>;
}

export interface TestAppOptions {
  /** Environment overrides (e.g. PAYMENT_WINDOW_MINUTES). */
  env?: Record<string, string>;
  /** Also run the worker (outbox relay + consumers) in this process. */
  worker?: boolean;
  clock?: Clock;
  workerBackoffMs?: number;
  workerAttempts?: number;
  /** Rewrites the app's DATABASE_URL (e.g. through a TCP proxy the test can cut); `sql` stays direct. */
  databaseUrl?: (url: string) => string;
  /**
   * The relay's LISTEN connection goes to PostgreSQL directly (RELAY_LISTEN_URL), as the README says
   * for a DATABASE_URL through a transaction pooler, which cannot hold a LISTEN.
   */
  listenDirect?: boolean;
}

export interface TestApp {
  config: AppConfig;
  api: INestApplication;
  /** The first running worker, if any. */
  worker?: INestApplicationContext;
  /** Supertest against the running API. */
  http: () => TestAgent;
  /** Direct SQL for assertions (never for arranging what the API can arrange). */
  sql: <T = Record<string, unknown>>(text: string, params?: unknown[]) => Promise<T[]>;
  /** Starts one more worker (several may run at once, as replicas would). */
  startWorker: (overrides?: Partial<AppConfig>) => Promise<INestApplicationContext>;
  /** Stops every running worker. */
  stopWorker: () => Promise<void>;
  close: () => Promise<void>;
}

let fileCounter = 0;

export function testEnv(databaseUrl: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    NODE_ENV: 'test',
    DATABASE_URL: databaseUrl,
    DB_POOL_SIZE: '6',
    REDIS_URL: process.env.TEST_REDIS_URL || 'redis://127.0.0.1:6379',
    // Jest re-evaluates this module per test file in the same process, so the counter alone repeats:
    // two files sharing a prefix would share Bull job ids (outbox ids) and lose each other's jobs.
    QUEUE_PREFIX: `t${process.env.CAMPUS_TEST_RUN ?? 'x'}${process.pid}${++fileCounter}${randomBytes(3).toString('hex')}`,
    JWT_SECRET: 'test-jwt-secret-0123456789',
    CODES_SECRET: 'test-codes-secret-0123456789abcdef',
    ADMIN_USERNAME: TEST_ADMIN.username,
    ADMIN_PASSWORD: TEST_ADMIN.password,
    PUBLIC_BASE_URL: 'http://campus.test',
    TWILIO_AUTH_TOKEN: 'test-twilio-auth-token',
    PAYMENT_WEBHOOK_SECRET: 'test-payment-secret-0123456789',
    DEMO_DATA: 'false',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL || 'silent',
    RELAY_INTERVAL_MS: '50',
    // Tests place hundreds of orders a minute as one caller, many of them COD for one customer (the
    // 200-buyer races); both limits have their own tests at production values
    // (test/security/orders.e2e-spec.ts).
    ORDER_RATE_PER_MINUTE: '100000',
    MAX_OPEN_COD_ORDERS: '1000',
    ...extra,
  };
}

/** Boots the real API (and optionally the worker) on a private copy of the migrated database. */
export async function bootTestApp(factories: AppFactories, opts: TestAppOptions = {}): Promise<TestApp> {
  const { url, name } = await createTestDatabase();
  const config = loadConfig(
    testEnv(opts.databaseUrl?.(url) ?? url, {
      ...(opts.listenDirect ? { RELAY_LISTEN_URL: url } : {}),
      ...opts.env,
    }),
  );
  const api = await factories.api(config, { clock: opts.clock, quiet: true });
  const fastify = api.getHttpAdapter().getInstance() as { ready?: () => Promise<unknown> };
  await fastify.ready?.();
  const pool = new Pool({ connectionString: url, max: 2 });
  pool.on('error', () => undefined); // the database is dropped with FORCE at close
  const workers: INestApplicationContext[] = [];

  const app: TestApp = {
    config,
    api,
    get worker() {
      return workers[0];
    },
    http: () => request(api.getHttpServer()),
    sql: async <T>(text: string, params: unknown[] = []) => (await pool.query(text, params)).rows as T[],
    startWorker: async (overrides = {}) => {
      const worker = await factories.worker(
        { ...config, ...overrides },
        { clock: opts.clock, backoffMs: opts.workerBackoffMs ?? 200, attempts: opts.workerAttempts },
      );
      workers.push(worker);
      return worker;
    },
    stopWorker: async () => {
      while (workers.length) await workers.pop()!.close();
    },
    close: async () => {
      while (workers.length) await workers.pop()!.close();
      await api.close();
      await pool.end();
      await dropDatabase(name);
    },
  };
  if (opts.worker) await app.startWorker();
  return app;
}

/** Polls `check` until it returns a truthy value (or throws when the time is up). */
export async function eventually<T>(
  check: () => Promise<T | undefined | null | false>,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `condition not met within ${timeoutMs} ms${last ? `: ${(last as Error).message}` : ''}`,
      );
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}
