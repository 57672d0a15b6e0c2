import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import type { FastifyInstance } from 'fastify';
import passport from 'passport';
import type { Strategy } from 'passport';
import type { AppConfig } from '@campus/core';
import { bootTestApp, Fixtures, TestApp, TestAppOptions } from '@campus/testing';
import { ApiOptions, createApiApp } from '../../apps/api/src/bootstrap';
import { createWorkerApp } from '../../apps/worker/src/bootstrap';

/** The real API (and worker) on a private database, plus fixtures to arrange data through the API. */
export async function startApp(opts: TestAppOptions = {}): Promise<{ app: TestApp; fx: Fixtures }> {
  const app = await bootTestApp({ api: createApiApp, worker: createWorkerApp }, opts);
  return { app, fx: new Fixtures(app) };
}

export const auth = (token: string) => ({ Authorization: `Bearer ${token}` });

/**
 * Boots another API with `config` (e.g. a second replica on the same database), runs `fn` and closes
 * it. Passport keeps strategies in a process-wide registry, so a second app in the same process takes
 * over the 'jwt' strategy; the first app's is put back afterwards.
 */
export async function withAnotherApi<T>(
  config: AppConfig,
  fn: (api: INestApplication) => Promise<T>,
  opts: ApiOptions = {},
): Promise<T> {
  const registry = passport as unknown as { _strategy(name: string): Strategy | undefined };
  const saved = registry._strategy('jwt');
  const api = await createApiApp(config, { quiet: true, ...opts });
  try {
    await (api.getHttpAdapter().getInstance() as FastifyInstance).ready();
    return await fn(api);
  } finally {
    await api.close();
    if (saved) passport.use('jwt', saved);
  }
}
