import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { RequestContext } from '@campus/core';
import { DataSource, EntityManager, EntityTarget, ObjectLiteral, Repository } from 'typeorm';

const RETRYABLE = new Set(['40001', '40P01']); // serialization failure, deadlock detected

/**
 * The transaction helper. A request or a job opens one transaction with `transaction(ctx, fn)`;
 * everything inside uses the manager carried by the context it is given.
 */
@Injectable()
export class Db {
  constructor(@InjectDataSource() readonly dataSource: DataSource) {}

  /** The manager of the caller's transaction, or the pool when there is none. */
  manager(ctx: RequestContext): EntityManager {
    return ctx.manager ?? this.dataSource.manager;
  }

  repo<T extends ObjectLiteral>(ctx: RequestContext, entity: EntityTarget<T>): Repository<T> {
    return this.manager(ctx).getRepository(entity);
  }

  /**
   * Raw SQL on the caller's transaction (or the pool); always the returned rows, whatever the command
   * (TypeORM's plain `query` answers `[rows, count]` for UPDATE and DELETE).
   */
  async query<T = Record<string, unknown>>(
    ctx: RequestContext,
    sql: string,
    params: unknown[] = [],
  ): Promise<T[]> {
    const runner = ctx.manager?.queryRunner;
    if (runner) return (await runner.query(sql, params, true)).records as T[];
    const own = this.dataSource.createQueryRunner();
    try {
      return (await own.query(sql, params, true)).records as T[];
    } finally {
      await own.release();
    }
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
        const code = (err as { code?: string; driverError?: { code?: string } }).driverError?.code;
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
