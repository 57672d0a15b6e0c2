import { Injectable } from '@nestjs/common';
import type { AppConfig, RequestContext } from '@campus/core';
import { Db } from '@campus/database';
import { RetentionRule, Retains } from '@campus/queue';

/** Retention (issue 17.8): Twilio delivery reports older than RETENTION_SMS_DAYS (the message log keeps each text's final status). */
@Injectable()
@Retains('sms_delivery_reports')
export class DeliveryReportsRetention implements RetentionRule {
  constructor(private readonly db: Db) {}

  async purge(ctx: RequestContext, config: AppConfig, limit: number): Promise<number> {
    const [row] = await this.db.query<{ n: number }>(
      ctx,
      `WITH d AS (DELETE FROM sms_delivery_reports WHERE (message_sid, status) IN (
         SELECT message_sid, status FROM sms_delivery_reports
          WHERE received_at < now() - make_interval(days => $1) LIMIT $2)
         RETURNING 1)
       SELECT count(*)::int AS n FROM d`,
      [config.reliability.retentionSmsDays, limit],
    );
    return row.n;
  }
}
