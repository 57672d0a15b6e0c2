import { Injectable } from '@nestjs/common';
import type { RequestContext } from '@campus/core';
import { Db, SqlParams } from '@campus/database';
import type { EventType, OutboxEvent } from './events';

/**
 * Appends events to the outbox inside the caller's transaction, so an event exists exactly when the
 * change that caused it committed. One statement for any number of events.
 */
@Injectable()
export class OutboxService {
  constructor(private readonly db: Db) {}

  async append(ctx: RequestContext, events: readonly OutboxEvent[]): Promise<void> {
    if (events.length === 0) return;
    if (!ctx.manager) throw new Error('OutboxService.append must run inside a transaction');
    const params = new SqlParams();
    await this.db.query(ctx, this.insertFragment(params, events), params);
  }

  /**
   * An outbox INSERT of events of one type computed by `select` (rows of `aggregate_id uuid, payload
   * jsonb`), as a fragment for a CTE: for events whose facts only exist inside the statement (e.g. a
   * stock row crossing its threshold). The select must build exactly `EventPayloads[type]`.
   */
  insertSelectSql(type: EventType, select: string): string {
    return `INSERT INTO outbox (event_type, aggregate_id, payload, available_at)
       SELECT '${type}', e.aggregate_id, e.payload, now() FROM (${select}) AS e(aggregate_id, payload)`;
  }

  /**
   * The outbox INSERT as a fragment another context can put inside its own statement (a CTE), to
   * save a round trip on a hot path. Parameters are numbered from `firstParam` (see `insertFragment`
   * for a statement assembled with a `SqlParams` binder). `when` guards the insert (e.g.
   * "EXISTS (SELECT 1 FROM o)"); `addToPayload` is a jsonb SQL expression merged into every payload
   * (facts only known inside the statement, such as a generated order number).
   */
  insertSql(
    events: readonly OutboxEvent[],
    firstParam: number,
    opts: { when?: string; addToPayload?: string } = {},
  ): { sql: string; params: unknown[] } {
    const params = new SqlParams(new Array<unknown>(firstParam - 1).fill(null));
    const sql = this.insertFragment(params, events, opts);
    return { sql, params: params.values.slice(firstParam - 1) };
  }

  /**
   * `insertSql` for a statement assembled with a `SqlParams` binder: the events are bound into
   * `params` (4 parameters, whatever the number of events, so the text is the same for every call).
   */
  insertFragment(
    params: SqlParams,
    events: readonly OutboxEvent[],
    opts: { when?: string; addToPayload?: string } = {},
  ): string {
    const t = params.add(events.map((e) => e.type));
    const a = params.add(events.map((e) => e.aggregateId ?? null));
    const p = params.add(events.map((e) => JSON.stringify(e.payload)));
    const w = params.add(events.map((e) => e.availableAt?.toISOString() ?? null));
    const payload = opts.addToPayload ? `p || ${opts.addToPayload}` : 'p';
    return `INSERT INTO outbox (event_type, aggregate_id, payload, available_at)
       SELECT t, a, ${payload}, COALESCE(w, now())
       FROM unnest(${t}::text[], ${a}::uuid[], ${p}::jsonb[], ${w}::timestamptz[]) AS e(t, a, p, w)
       ${opts.when ? `WHERE ${opts.when}` : ''}`;
  }
}
