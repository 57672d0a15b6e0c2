import { Inject, Injectable, Optional } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { RequestContext } from '@campus/core';
import { DataSource, EntityManager, EntityTarget, ObjectLiteral, Repository } from 'typeorm';
import type { DatabaseTimeouts } from './data-source.options';

/** The process's statement classes (DatabaseModule.forRoot), or null when none were set. */
export const DB_TIMEOUTS = Symbol('DB_TIMEOUTS');

interface PgQueryable {
  query(
    sql: string | { name: string; text: string; values: unknown[] },
    params?: unknown[],
  ): Promise<{ rows: unknown[] }>;
}

const RETRYABLE = new Set(['40001', '40P01']); // serialization failure, deadlock detected

/** SQLSTATE of a statement cancelled by statement_timeout (or a cancel request). */
export const QUERY_CANCELED = '57014';

/**
 * The transaction helper. A request or a job opens one transaction with `transaction(ctx, fn)`;
 * everything inside uses the manager carried by the context it is given.
 */
@Injectable()
export class Db {
  constructor(
    @InjectDataSource() readonly dataSource: DataSource,
    @Optional() @Inject(DB_TIMEOUTS) readonly timeouts: DatabaseTimeouts | null = null,
  ) {}

  /**
   * The statement_timeout of the report class (ms), for `SET LOCAL statement_timeout` in a report's
   * transaction; 0 (no limit) when the process set no classes.
   */
  get reportTimeoutMs(): number {
    return this.timeouts?.reportStatementMs ?? 0;
  }

  /** The manager of the caller's transaction, or the pool when there is none. */
  manager(ctx: RequestContext): EntityManager {
    return ctx.manager ?? this.dataSource.manager;
  }

  repo<T extends ObjectLiteral>(ctx: RequestContext, entity: EntityTarget<T>): Repository<T> {
    return this.manager(ctx).getRepository(entity);
  }

  /**
   * Raw SQL on the caller's transaction (or the pool); always the returned rows. Goes straight to the
   * pg driver (the hot paths are raw SQL, and TypeORM's query wrapper costs CPU on every statement).
   */
  async query<T = Record<string, unknown>>(
    ctx: RequestContext,
    sql: string,
    params: unknown[] = [],
    opts: { prepare?: string } = {},
  ): Promise<T[]> {
    const runner = ctx.manager?.queryRunner;
    const client: PgQueryable = runner
      ? ((await runner.connect()) as PgQueryable)
      : (this.dataSource.driver as unknown as { master: PgQueryable }).master;
    // A named statement is parsed and planned once per connection (hot paths only; the text must
    // never change for a given name).
    const result = opts.prepare
      ? await client.query({ name: opts.prepare, text: sql, values: params })
      : await client.query(sql, params);
    return result.rows as T[];
  }

  /**
   * Runs `fn` in one transaction (joining the caller's if it already has one). Deadlocks and
   * serialization failures are retried a few times, since the whole unit is rolled back.
   */
  async transaction<T>(ctx: RequestContext, fn: (ctx: RequestContext) => Promise<T>): Promise<T> {
    if (ctx.manager?.queryRunner?.isTransactionActive) return fn(ctx);
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.dataSource.transaction((manager) => fn(ctx.withManager(manager)));
      } catch (err) {
        const code = pgErrorCode(err);
        if (attempt >= 3 || !code || !RETRYABLE.has(code)) throw err;
      }
    }
  }
}

/** The PostgreSQL error code of a failed query, if it is one. */
export function pgErrorCode(err: unknown): string | undefined {
  const e = err as { code?: string; driverError?: { code?: string } };
  return (
    e?.driverError?.code ?? (typeof e?.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code) ? e.code : undefined)
  );
}

/** The constraint a failed query broke, if any. */
export function pgConstraint(err: unknown): string | undefined {
  const e = err as { constraint?: string; driverError?: { constraint?: string } };
  return e?.driverError?.constraint ?? e?.constraint;
}

/** Node socket errors that mean "the database cannot be reached right now". */
const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/**
 * Whether an error means PostgreSQL is unreachable or going away (an outage, a failover), as opposed
 * to a bad query: SQLSTATE class 08 (connection exception), 57P01–57P03 (shutting down, cannot
 * connect now), 53300 (too many connections), the socket errors of a lost server, and the pg pool's
 * own messages. Callers answer 503 (retryable) instead of treating it as a bug or as bad credentials.
 */
export function isDatabaseUnavailable(err: unknown): boolean {
  for (
    let e = err as { code?: unknown; message?: unknown; driverError?: unknown; cause?: unknown } | undefined,
      depth = 0;
    e && depth < 4;
    e = (e.driverError ?? e.cause) as typeof e, depth++
  ) {
    const code = typeof e.code === 'string' ? e.code : '';
    if (/^08[0-9A-Z]{3}$/.test(code) || ['57P01', '57P02', '57P03', '53300'].includes(code)) return true;
    if (UNREACHABLE_CODES.has(code)) return true;
    const message = typeof e.message === 'string' ? e.message : '';
    if (
      /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|connect ECONNREFUSED|Connection terminated unexpectedly/i.test(
        message,
      )
    ) {
      return true;
    }
  }
  return false;
}
