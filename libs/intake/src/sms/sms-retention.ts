import { Injectable } from '@nestjs/common';
import type { AppConfig, RequestContext } from '@campus/core';
import { Db } from '@campus/database';
import { RetentionRule, Retains } from '@campus/queue';

/**
 * Retention (issue 17.8): SMS conversations (inbound messages and their quotes) older than
 * RETENTION_SMS_DAYS. Messages and quotes point at each other (a quote at the BUY that made it, a
 * YES at the quote it confirmed), so both go in one statement, and a quote goes only with every
 * message that points at it (NO ACTION foreign keys are checked at the end of the statement).
 */
@Injectable()
@Retains('sms_messages')
export class SmsConversationsRetention implements RetentionRule {
  constructor(private readonly db: Db) {}

  async purge(ctx: RequestContext, config: AppConfig, limit: number): Promise<number> {
    const [row] = await this.db.query<{ n: number }>(
      ctx,
      `WITH cutoff AS (SELECT now() - make_interval(days => $1) AS at),
       old_q AS (
         SELECT q.id FROM sms_quotes q, cutoff
          WHERE q.created_at < cutoff.at
            AND NOT EXISTS (SELECT 1 FROM sms_messages m WHERE m.quote_id = q.id AND m.created_at >= cutoff.at)
          LIMIT $2),
       old_m AS (
         SELECT m.id FROM sms_messages m, cutoff
          WHERE m.created_at < cutoff.at
            AND (m.quote_id IS NULL OR m.quote_id IN (SELECT id FROM old_q))
            AND NOT EXISTS (SELECT 1 FROM sms_quotes q WHERE q.message_id = m.id AND q.id NOT IN (SELECT id FROM old_q))
          LIMIT $2),
       dq AS (DELETE FROM sms_quotes WHERE id IN (SELECT id FROM old_q) RETURNING 1),
       dm AS (DELETE FROM sms_messages WHERE id IN (SELECT id FROM old_m) RETURNING 1)
       SELECT ((SELECT count(*) FROM dq) + (SELECT count(*) FROM dm))::int AS n`,
      [config.reliability.retentionSmsDays, limit],
    );
    return row.n;
  }
}
