import { Injectable, Logger } from '@nestjs/common';
import { AppConfig, InjectConfig, maskPhone, RequestContext } from '@campus/core';
import { Db } from '@campus/database';
import { PermanentJobError } from '@campus/queue';
import { unsealText } from './code-seal';
import { OutboundMessage } from './notifications.service';
import { SmsReceipt, SmsSender, SmsSendError } from './senders/sms-sender';
import { render, secretParams, templateKind } from './templates';

/** A logged message claimed for sending (status `sending`), as the sender needs it. */
export interface ClaimedText {
  id: string;
  to_phone: string;
  body: string;
  sealed_body: string | null;
  attempts: number;
  provider_id: string | null;
  created_at: Date;
}

/**
 * The worker side of texting: hands claimed messages to the configured transport and records the
 * outcome. The row's status is the idempotency record: only a queued (or stale sending) row is
 * claimed, so a job delivered twice sends once. Transient provider errors put the row back to
 * `queued` and throw (the job is retried); permanent ones are recorded and not retried.
 *
 * No blind resend (issue 17.7): a row still `sending` is an attempt whose outcome is unknown (a
 * worker died, or the database went away between the provider's answer and our update). The job
 * keeps retrying until the row is SMS_SENDING_STALE_SECONDS old, then asks the provider
 * (`SmsSender.find`) before sending; every retry of a message asks first. A transient failure that
 * outlasts the retry window leaves the row `queued` (the job is a dead letter an admin re-runs).
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
       RETURNING n.id, n.to_phone, n.body, n.sealed_body, n.status, n.attempts, n.provider_id, n.created_at`,
      [
        msg.to,
        msg.template,
        render(msg.template, 'zh-CN', msg.params),
        render(msg.template, 'en', msg.params),
        msg.orderId ?? null,
        msg.customerId ?? null,
        msg.dedupeKey,
        this.config.reliability.smsSendingStaleSeconds,
        msg.language ?? null,
      ],
      { prepare: 'notifications_send_now' },
    );
    if (!row) {
      // An earlier run handled it — or is sending it, or its outcome is unknown: then look again later.
      await this.throwIfInFlight(ctx, `dedupe_key = $1`, msg.dedupeKey);
      return null;
    }
    if (row.status !== 'sending') return row.status;
    return this.deliver(ctx, row, job);
  }

  /**
   * Claims a queued (or stale sending) message by id; null when there is nothing to send (sent,
   * suppressed, failed for good). Throws while a send is in flight or its outcome is unknown, so the
   * job looks again later and the message is never left behind in `sending`.
   */
  async claim(ctx: RequestContext, id: string): Promise<ClaimedText | null> {
    const claimed = await this.db.query<ClaimedText>(
      ctx,
      `UPDATE notifications SET status = 'sending', attempts = attempts + 1, updated_at = now()
        WHERE id = $1 AND (status = 'queued' OR (status = 'sending' AND updated_at < now() - make_interval(secs => $2)))
        RETURNING id, to_phone, body, sealed_body, attempts, provider_id, created_at`,
      [id, this.config.reliability.smsSendingStaleSeconds],
      { prepare: 'notifications_claim' },
    );
    if (claimed[0]) return claimed[0];
    await this.throwIfInFlight(ctx, `id = $1`, id);
    return null;
  }

  /**
   * Sends again, by its dedupe key, a text its writer claimed for sending in its own transaction
   * (`NotificationsService.notifyStaffSql` in `claimed` mode) — for the writer's job when it runs
   * again: a row put back to `queued` by a transient failure, or one still `sending` after
   * SMS_SENDING_STALE_SECONDS (the provider is asked first, see `deliver`). Throws while a send is in
   * flight; null when there is nothing to send (sent, suppressed, failed for good, no such row).
   */
  async resend(
    ctx: RequestContext,
    dedupeKey: string,
    job: { lastAttempt: boolean },
  ): Promise<string | null> {
    const [row] = await this.db.query<ClaimedText>(
      ctx,
      `UPDATE notifications SET status = 'sending', attempts = attempts + 1, updated_at = now()
        WHERE dedupe_key = $1
          AND (status = 'queued' OR (status = 'sending' AND updated_at < now() - make_interval(secs => $2)))
        RETURNING id, to_phone, body, sealed_body, attempts, provider_id, created_at`,
      [dedupeKey, this.config.reliability.smsSendingStaleSeconds],
    );
    if (row) return this.deliver(ctx, row, job);
    await this.throwIfInFlight(ctx, `dedupe_key = $1`, dedupeKey);
    return null;
  }

  private async throwIfInFlight(ctx: RequestContext, where: string, value: string): Promise<void> {
    const [row] = await this.db.query<{ id: string; status: string }>(
      ctx,
      `SELECT id, status FROM notifications WHERE ${where}`,
      [value],
    );
    if (row?.status === 'sending')
      throw new Error(`notification ${row.id}: a send is in flight or its outcome is unknown`);
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
    let receipt: SmsReceipt | null = null;
    try {
      // Not the first attempt: an earlier one may have reached the provider. Ask before sending.
      if (claimed.attempts > 1) {
        receipt = await this.sender.find(to_phone, body, {
          notificationId: id,
          providerId: claimed.provider_id,
          since: new Date(claimed.created_at),
        });
        if (receipt)
          this.log.log(
            `text ${id} was already with ${receipt.transport} (${receipt.providerId}): not sent again`,
          );
      }
      receipt ??= await this.sender.send(to_phone, body, { notificationId: id });
    } catch (err) {
      const permanent = err instanceof SmsSendError && err.permanent;
      await this.db.query(
        ctx,
        `UPDATE notifications SET status = $2, transport = $3, error = $4, updated_at = now(),
           sealed_body = CASE WHEN $2 = 'failed' THEN NULL ELSE sealed_body END
         WHERE id = $1`,
        [
          id,
          permanent ? 'failed' : 'queued',
          this.sender.name,
          `${job.lastAttempt && !permanent ? 'gave up retrying (dead letter, an admin may re-run it): ' : ''}${(err as Error).message}`.slice(
            0,
            500,
          ),
        ],
      );
      this.log.warn(
        `text to ${maskPhone(to_phone)} failed (${permanent ? 'permanent' : 'transient'}): ${(err as Error).message}`,
      );
      if (permanent) throw new PermanentJobError((err as Error).message);
      throw err;
    }
    // The provider has the message. Should this update fail (the database went away), the row stays
    // "sending" and the job's retry asks the provider instead of sending it again.
    // A status callback may already have moved the row further; never move it backwards.
    const status = receipt.status === 'queued' ? 'sent' : receipt.status;
    await this.db.query(
      ctx,
      `UPDATE notifications SET status = CASE WHEN status = 'sending' THEN $2 ELSE status END,
         transport = $3, provider_id = $4, error = NULL, sealed_body = NULL, updated_at = now() WHERE id = $1`,
      [id, status, receipt.transport, receipt.providerId],
      { prepare: 'notifications_sent' },
    );
    return status;
  }
}
