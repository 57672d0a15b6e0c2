import type { RequestContext } from '@campus/core';
import type { Db } from '@campus/database';

/**
 * Runs one report statement in its own read-only transaction with JIT compilation off. Report queries
 * aggregate many rows, so their cost estimates cross `jit_above_cost` as the tables grow; the bench
 * caught JIT spending ~350 ms compiling a query that runs in ~100 ms (libs/reports/README.md).
 */
export function reportQuery<T>(db: Db, ctx: RequestContext, sql: string, params: unknown[]): Promise<T[]> {
  return db.transaction(ctx, async (tx) => {
    await db.query(tx, `SET TRANSACTION READ ONLY`);
    await db.query(tx, `SET LOCAL jit = off`);
    return db.query<T>(tx, sql, params);
  });
}
