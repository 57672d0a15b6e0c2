import { Injectable } from '@nestjs/common';
import type { RequestContext } from '@campus/core';
import { Db } from '@campus/database';
import type { OutboxEvent } from './events';

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
    await this.db.query(
      ctx,
      `INSERT INTO outbox (event_type, aggregate_id, payload, available_at)
       SELECT t, a, p, COALESCE(w, now())
       FROM unnest($1::text[], $2::uuid[], $3::jsonb[], $4::timestamptz[]) AS e(t, a, p, w)`,
      [
        events.map((e) => e.type),
        events.map((e) => e.aggregateId ?? null),
        events.map((e) => JSON.stringify(e.payload)),
        events.map((e) => e.availableAt?.toISOString() ?? null),
      ],
    );
  }
}
