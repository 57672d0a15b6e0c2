import { Injectable, Logger } from '@nestjs/common';
import { AppConfig, InjectConfig, maskPhone, RequestContext } from '@campus/core';
import { Db } from '@campus/database';
import { ConsumesEvent, JobEnvelope, JobHandler, PermanentJobError, QueueName } from '@campus/queue';
import { unsealText } from '../code-seal';
import { SmsReceipt, SmsSender, SmsSendError } from '../senders/sms-sender';

/**
 * Sends one logged message through the configured transport. The row's status is the idempotency
 * record: only a queued (or stale sending) row is claimed, so a job delivered twice sends once.
 * Transient provider errors are retried with backoff; permanent ones are recorded and not retried.
 * A text that carries a one-time code is sent from its sealed copy (the log row shows the code
 * masked), and the seal is erased once the text is out or has failed for good.
 *
 * No blind resend (issue 17.7): a row still `sending` is an attempt whose outcome is unknown (a
 * worker died, or the database went away between the provider's answer and our update). The job
 * keeps retrying until the row is SMS_SENDING_STALE_SECONDS old, then asks the provider
 * (`SmsSender.find`) before sending; every retry of a message asks first. A transient failure that
 * outlasts the retry window leaves the row `queued` (the job is a dead letter an admin re-runs).
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
    const claimed = await this.db.query<{
      to_phone: string;
      body: string;
      sealed_body: string | null;
      attempts: number;
      provider_id: string | null;
      created_at: Date;
    }>(
      ctx,
      `UPDATE notifications SET status = 'sending', attempts = attempts + 1, updated_at = now()
        WHERE id = $1 AND (status = 'queued' OR (status = 'sending' AND updated_at < now() - make_interval(secs => $2)))
        RETURNING to_phone, body, sealed_body, attempts, provider_id, created_at`,
      [id, this.config.reliability.smsSendingStaleSeconds],
    );
    if (!claimed[0]) {
      const [row] = await this.db.query<{ status: string }>(
        ctx,
        `SELECT status FROM notifications WHERE id = $1`,
        [id],
      );
      // Being sent right now, or an attempt whose outcome is unknown: look again later (retry), so
      // the message is never left behind in "sending" by a job that completed.
      if (row?.status === 'sending')
        throw new Error(`notification ${id}: a send is in flight or its outcome is unknown`);
      return; // already sent, suppressed or failed for good
    }
    const { to_phone, sealed_body, attempts, provider_id, created_at } = claimed[0];
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
    let receipt: SmsReceipt | null = null;
    try {
      // Not the first attempt: an earlier one may have reached the provider. Ask before sending.
      if (attempts > 1) {
        receipt = await this.sender.find(to_phone, body, {
          notificationId: id,
          providerId: provider_id,
          since: new Date(created_at),
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
    await this.db.query(
      ctx,
      `UPDATE notifications SET status = CASE WHEN status = 'sending' THEN $2 ELSE status END,
         transport = $3, provider_id = $4, error = NULL, sealed_body = NULL, updated_at = now() WHERE id = $1`,
      [id, receipt.status === 'queued' ? 'sent' : receipt.status, receipt.transport, receipt.providerId],
    );
  }
}
