import { Injectable } from '@nestjs/common';
import type { RequestContext } from '@campus/core';
import { Db } from '@campus/database';
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
    const { sql, params } = this.insertSql(events, 1);
    await this.db.query(ctx, sql, params);
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
   * save a round trip on a hot path. Parameters are numbered from `firstParam`. `when` guards the
   * insert (e.g. "EXISTS (SELECT 1 FROM o)"); `addToPayload` is a jsonb SQL expression merged into
   * every payload (facts only known inside the statement, such as a generated order number).
   */
  insertSql(
    events: readonly OutboxEvent[],
    firstParam: number,
    opts: { when?: string; addToPayload?: string } = {},
  ): { sql: string; params: unknown[] } {
    const [t, a, p, w] = [0, 1, 2, 3].map((i) => `$${firstParam + i}`);
    const payload = opts.addToPayload ? `p || ${opts.addToPayload}` : 'p';
    return {
      sql: `INSERT INTO outbox (event_type, aggregate_id, payload, available_at)
       SELECT t, a, ${payload}, COALESCE(w, now())
       FROM unnest(${t}::text[], ${a}::uuid[], ${p}::jsonb[], ${w}::timestamptz[]) AS e(t, a, p, w)
       ${opts.when ? `WHERE ${opts.when}` : ''}`,
      params: [
        events.map((e) => e.type),
        events.map((e) => e.aggregateId ?? null),
        events.map((e) => JSON.stringify(e.payload)),
        events.map((e) => e.availableAt?.toISOString() ?? null),
      ],
    };
  }
}
