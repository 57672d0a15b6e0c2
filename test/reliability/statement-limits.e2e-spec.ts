import { RequestContext } from '@campus/core';
import { Db, pgErrorCode } from '@campus/database';
import { reportQuery } from '@campus/reports';
import type { TestApp } from '@campus/testing';
import { toProblem } from '../../apps/api/src/common/problem.filter';
import { startApp } from '../support/app';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Issue 17.8: every statement runs under its class's statement_timeout — API requests short, reports
 * longer, the worker's jobs in between — and no connection may idle inside a transaction. The limits
 * are real PostgreSQL settings: a slow statement is cancelled by the server (57014).
 */
describe('Statement classes and idle transactions (e2e)', () => {
  let app: TestApp;
  const ctx = () => RequestContext.system('statement-limits-test');

  beforeAll(async () => {
    ({ app } = await startApp({
      worker: true,
      env: {
        DB_STATEMENT_TIMEOUT_MS: '400',
        DB_WORKER_STATEMENT_TIMEOUT_MS: '1200',
        DB_REPORT_STATEMENT_TIMEOUT_MS: '2500',
        DB_IDLE_IN_TRANSACTION_TIMEOUT_MS: '600',
      },
    }));
  });
  afterAll(() => app?.close());

  const failure = async (p: Promise<unknown>): Promise<unknown> => {
    try {
      await p;
    } catch (err) {
      return err;
    }
    throw new Error('expected the statement to be cancelled');
  };

  it('the API class cancels a statement slower than DB_STATEMENT_TIMEOUT_MS, and answers it as 503 problem', async () => {
    const db = app.api.get(Db);
    expect(await db.query(ctx(), `SHOW statement_timeout`)).toEqual([{ statement_timeout: '400ms' }]);
    await db.query(ctx(), `SELECT pg_sleep(0.1)`);
    const started = Date.now();
    const err = await failure(db.query(ctx(), `SELECT pg_sleep(3)`));
    expect(pgErrorCode(err)).toBe('57014');
    expect(Date.now() - started).toBeLessThan(2_000);
    const { problem, unexpected, retryAfter } = toProblem(err);
    expect(problem).toMatchObject({ status: 503, code: 'statement_timeout' });
    expect(unexpected).toBe(false);
    expect(retryAfter).toBeGreaterThan(0);
  });

  it('reports run longer (DB_REPORT_STATEMENT_TIMEOUT_MS), and are cancelled past it', async () => {
    const db = app.api.get(Db);
    // 1 s: beyond the API class, within the report class.
    expect(await reportQuery(db, ctx(), `SELECT pg_sleep(1)::text AS slept`, [])).toEqual([{ slept: '' }]);
    const started = Date.now();
    const err = await failure(reportQuery(db, ctx(), `SELECT pg_sleep(6)`, []));
    expect(pgErrorCode(err)).toBe('57014');
    expect(Date.now() - started).toBeGreaterThanOrEqual(2_400);
    expect(Date.now() - started).toBeLessThan(5_000);
    // The longer limit was local to the report's transaction: the pool is back on the API class.
    expect(await db.query(ctx(), `SHOW statement_timeout`)).toEqual([{ statement_timeout: '400ms' }]);
  });

  it('the worker class sits between the two', async () => {
    const db = app.worker!.get(Db);
    expect(await db.query(ctx(), `SHOW statement_timeout`)).toEqual([{ statement_timeout: '1200ms' }]);
    await db.query(ctx(), `SELECT pg_sleep(0.7)`);
    expect(pgErrorCode(await failure(db.query(ctx(), `SELECT pg_sleep(3)`)))).toBe('57014');
  });

  it('a transaction left idle longer than DB_IDLE_IN_TRANSACTION_TIMEOUT_MS is ended by PostgreSQL', async () => {
    const db = app.api.get(Db);
    expect(await db.query(ctx(), `SHOW idle_in_transaction_session_timeout`)).toEqual([
      { idle_in_transaction_session_timeout: '600ms' },
    ]);
    const err = await failure(
      db.transaction(ctx(), async (tx) => {
        await db.query(tx, `SELECT 1`);
        await sleep(1_200);
        await db.query(tx, `SELECT 1`);
      }),
    );
    expect(String((err as Error).message)).toMatch(/idle-in-transaction|terminat|Connection/i);
    // The pool recovers: the next request gets a fresh connection.
    expect(await db.query(ctx(), `SELECT 1 AS ok`)).toEqual([{ ok: 1 }]);
  });
});
