import 'reflect-metadata';
import { bootTestApp, Fixtures, TestApp, TestAppOptions } from '@campus/testing';
import { createApiApp } from '../../apps/api/src/bootstrap';
import { createWorkerApp } from '../../apps/worker/src/bootstrap';

/** The real API (and worker) on a private database, plus fixtures to arrange data through the API. */
export async function startApp(opts: TestAppOptions = {}): Promise<{ app: TestApp; fx: Fixtures }> {
  const app = await bootTestApp({ api: createApiApp, worker: createWorkerApp }, opts);
  return { app, fx: new Fixtures(app) };
}

export const auth = (token: string) => ({ Authorization: `Bearer ${token}` });
