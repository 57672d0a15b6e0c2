import type { RequestContext } from '@campus/core';
import type { Db } from '@campus/database';

/**
 * Runs one report statement in its own read-only transaction with JIT compilation off. Report queries
 * aggregate many rows, so their cost estimates cross `jit_above_cost` as the tables grow; the bench
 * caught JIT spending ~350 ms compiling a query that runs in ~100 ms (libs/reports/README.md). Reports are
 * the long statement class: DB_REPORT_STATEMENT_TIMEOUT_MS instead of the API's DB_STATEMENT_TIMEOUT_MS.
 */
export function reportQuery<T>(db: Db, ctx: RequestContext, sql: string, params: unknown[]): Promise<T[]> {
  return db.transaction(ctx, async (tx) => {
    await db.query(tx, `SET TRANSACTION READ ONLY`);
    // One round trip for both: JIT off, and the report class's longer statement_timeout (issue 17.8).
    await db.query(tx, `SELECT set_config('jit', 'off', true), set_config('statement_timeout', $1, true)`, [
      String(db.reportTimeoutMs),
    ]);
    return db.query<T>(tx, sql, params);
  });
}
