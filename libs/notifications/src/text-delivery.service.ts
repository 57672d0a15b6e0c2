import { Injectable, Logger } from '@nestjs/common';
import { AppConfig, InjectConfig, maskPhone, RequestContext } from '@campus/core';
import { Db } from '@campus/database';
import { PermanentJobError } from '@campus/queue';
import { unsealText } from './code-seal';
import { OutboundMessage } from './notifications.service';
import { SmsSender, SmsSendError } from './senders/sms-sender';
import { render, secretParams, templateKind } from './templates';

/** A message stuck in "sending" this long (a worker died mid-send) may be claimed again. */
export const STALE_SENDING_SECONDS = 120;

/** A logged message claimed for sending (status `sending`), as the sender needs it. */
export interface ClaimedText {
  id: string;
  to_phone: string;
  body: string;
  sealed_body: string | null;
}

/**
 * The worker side of texting: hands claimed messages to the configured transport and records the
 * outcome. The row's status is the idempotency record: only a queued (or stale sending) row is
 * claimed, so a job delivered twice sends once. Transient provider errors put the row back to
 * `queued` and throw (the job is retried); permanent ones are recorded and not retried.
 */
@Injectable()
export class TextDelivery {
  private readonly log = new Logger(TextDelivery.name);

  constructor(
    private readonly db: Db,
    private readonly sender: SmsSender,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  /**
   * Writes a message to the log and sends it from the same job, without a second outbox hop
   * (`notification.requested`): ONE statement writes the row already claimed (`sending`) — or, when
   * the job runs again, re-claims the row its first run wrote if that one is still queued (a
   * transient failure) or stale — with the recipient's language and opt-out read in the same
   * statement; a second one records the provider's answer. An opted-out recipient's row is written
   * as suppressed and nothing is sent. For texts without one-time codes to customers' numbers (the
   * code texts keep the sealed path through `NotificationsService.send`). Returns the row's status
   * after this run, or null when an earlier run already handled it.
   */
  async sendNow(
    ctx: RequestContext,
    msg: OutboundMessage & { dedupeKey: string },
    job: { lastAttempt: boolean },
  ): Promise<string | null> {
    if (
      msg.to.startsWith('role:') ||
      secretParams(msg.template).length ||
      templateKind(msg.template) === 'code'
    ) {
      throw new Error(`sendNow is for plain texts to customers, not ${msg.template} to ${msg.to}`);
    }
    const [row] = await this.db.query<ClaimedText & { status: string }>(
      ctx,
      `WITH pref AS (SELECT opted_out, language FROM sms_preferences WHERE phone = $1),
       m AS (SELECT COALESCE($9::text, (SELECT language FROM pref), 'zh-CN') AS language,
                    COALESCE((SELECT opted_out FROM pref), false) AS suppressed)
       INSERT INTO notifications AS n (to_phone, template, language, body, status, error, attempts,
              order_id, customer_id, dedupe_key)
       SELECT $1, $2, m.language, CASE WHEN m.language = 'en' THEN $4 ELSE $3 END,
              CASE WHEN m.suppressed THEN 'suppressed' ELSE 'sending' END,
              CASE WHEN m.suppressed THEN 'recipient opted out' END,
              CASE WHEN m.suppressed THEN 0 ELSE 1 END, $5::uuid, $6::uuid, $7
         FROM m
       ON CONFLICT (dedupe_key) DO UPDATE SET status = 'sending', attempts = n.attempts + 1, updated_at = now()
        WHERE n.status = 'queued' OR (n.status = 'sending' AND n.updated_at < now() - make_interval(secs => $8))
       RETURNING n.id, n.to_phone, n.body, n.sealed_body, n.status`,
      [
        msg.to,
        msg.template,
        render(msg.template, 'zh-CN', msg.params),
        render(msg.template, 'en', msg.params),
        msg.orderId ?? null,
        msg.customerId ?? null,
        msg.dedupeKey,
        STALE_SENDING_SECONDS,
        msg.language ?? null,
      ],
      { prepare: 'notifications_send_now' },
    );
    if (!row) return null; // an earlier run sent it, or is sending it right now
    if (row.status !== 'sending') return row.status;
    return this.deliver(ctx, row, job);
  }

  /** Claims a queued (or stale sending) message by id; null when there is nothing to send. */
  async claim(ctx: RequestContext, id: string): Promise<ClaimedText | null> {
    const claimed = await this.db.query<ClaimedText>(
      ctx,
      `UPDATE notifications SET status = 'sending', attempts = attempts + 1, updated_at = now()
        WHERE id = $1 AND (status = 'queued' OR (status = 'sending' AND updated_at < now() - make_interval(secs => $2)))
        RETURNING id, to_phone, body, sealed_body`,
      [id, STALE_SENDING_SECONDS],
      { prepare: 'notifications_claim' },
    );
    return claimed[0] ?? null;
  }

  /**
   * Sends a claimed message and records the outcome (one statement). A text that carries a one-time
   * code is sent from its sealed copy, and the seal is erased once the text is out or failed for good.
   */
  async deliver(ctx: RequestContext, claimed: ClaimedText, job: { lastAttempt: boolean }): Promise<string> {
    const { id, to_phone, sealed_body } = claimed;
    let body = claimed.body;
    if (sealed_body) {
      try {
        body = unsealText(this.config, id, sealed_body);
      } catch {
        // Sealed with another CODES_SECRET (rotated since): the code could not verify anyway.
        await this.db.query(
          ctx,
          `UPDATE notifications SET status = 'failed', sealed_body = NULL, updated_at = now(),
             error = 'the sealed text cannot be opened (CODES_SECRET changed?); issue a new code' WHERE id = $1`,
          [id],
        );
        throw new PermanentJobError(`notification ${id}: sealed text cannot be opened`);
      }
    }
    try {
      const receipt = await this.sender.send(to_phone, body, { notificationId: id });
      const status = receipt.status === 'queued' ? 'sent' : receipt.status;
      // A status callback may already have moved the row further; never move it backwards.
      await this.db.query(
        ctx,
        `UPDATE notifications SET status = CASE WHEN status = 'sending' THEN $2 ELSE status END,
           transport = $3, provider_id = $4, error = NULL, sealed_body = NULL, updated_at = now() WHERE id = $1`,
        [id, status, receipt.transport, receipt.providerId],
        { prepare: 'notifications_sent' },
      );
      return status;
    } catch (err) {
      const permanent = err instanceof SmsSendError && err.permanent;
      const final = permanent || job.lastAttempt;
      await this.db.query(
        ctx,
        `UPDATE notifications SET status = $2, transport = $3, error = $4, updated_at = now(),
           sealed_body = CASE WHEN $2 = 'failed' THEN NULL ELSE sealed_body END
         WHERE id = $1`,
        [id, final ? 'failed' : 'queued', this.sender.name, (err as Error).message.slice(0, 500)],
      );
      this.log.warn(
        `text to ${maskPhone(to_phone)} failed (${permanent ? 'permanent' : 'transient'}): ${(err as Error).message}`,
      );
      if (permanent) throw new PermanentJobError((err as Error).message);
      throw err;
    }
  }
}
