import { Injectable, Logger } from '@nestjs/common';
import { AppConfig, InjectConfig, maskPhone, RequestContext } from '@campus/core';
import { Db } from '@campus/database';
import { ConsumesEvent, JobEnvelope, JobHandler, PermanentJobError, QueueName } from '@campus/queue';
import { unsealText } from '../code-seal';
import { SmsSender, SmsSendError } from '../senders/sms-sender';

/** A message stuck in "sending" this long (a worker died mid-send) may be claimed again. */
const STALE_SENDING_SECONDS = 120;

/**
 * Sends one logged message through the configured transport. The row's status is the idempotency
 * record: only a queued (or stale sending) row is claimed, so a job delivered twice sends once.
 * Transient provider errors are retried with backoff; permanent ones are recorded and not retried.
 * A text that carries a one-time code is sent from its sealed copy (the log row shows the code
 * masked), and the seal is erased once the text is out or has failed for good.
 */
@Injectable()
@ConsumesEvent(QueueName.Notifications, 'notification.requested')
export class SendNotificationProcessor implements JobHandler<'notification.requested'> {
  private readonly log = new Logger(SendNotificationProcessor.name);

  constructor(
    private readonly db: Db,
    private readonly sender: SmsSender,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  async handle(ctx: RequestContext, job: JobEnvelope<'notification.requested'>): Promise<void> {
    const id = job.payload.notificationId;
    const claimed = await this.db.query<{ to_phone: string; body: string; sealed_body: string | null }>(
      ctx,
      `UPDATE notifications SET status = 'sending', attempts = attempts + 1, updated_at = now()
        WHERE id = $1 AND (status = 'queued' OR (status = 'sending' AND updated_at < now() - make_interval(secs => $2)))
        RETURNING to_phone, body, sealed_body`,
      [id, STALE_SENDING_SECONDS],
    );
    if (!claimed[0]) return; // already sent, suppressed, failed for good, or being sent right now
    const { to_phone, sealed_body } = claimed[0];
    let body = claimed[0].body;
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
      // A status callback may already have moved the row further; never move it backwards.
      await this.db.query(
        ctx,
        `UPDATE notifications SET status = CASE WHEN status = 'sending' THEN $2 ELSE status END,
           transport = $3, provider_id = $4, error = NULL, sealed_body = NULL, updated_at = now() WHERE id = $1`,
        [id, receipt.status === 'queued' ? 'sent' : receipt.status, receipt.transport, receipt.providerId],
      );
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
