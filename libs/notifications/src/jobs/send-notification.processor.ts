import { Injectable, Logger } from '@nestjs/common';
import { AppConfig, InjectConfig, maskPhone, RequestContext } from '@campus/core';
import { Db } from '@campus/database';
import { ConsumesEvent, JobEnvelope, JobHandler, PermanentJobError, QueueName } from '@campus/queue';
import { unsealText } from '../code-seal';
import { SmsSender, SmsSendError } from '../senders/sms-sender';

/**
 * A live send ends within the provider client's timeout (Twilio's: 30 s). A row still "sending" after
 * this lost its worker mid-send (SIGKILL, a lost host) and may be taken over.
 */
const STALE_SENDING_SECONDS = 60;

interface Claimed {
  to_phone: string;
  body: string;
  sealed_body: string | null;
}

/**
 * Sends one logged message through the configured transport. The row's status is the idempotency
 * record: only a queued row is claimed, so a job delivered twice sends once. A row left "sending" by a
 * worker that died mid-send is settled with the provider's own record: if the provider has the text,
 * it is marked sent (not sent again); if not, it is sent once the row is stale. Transient provider
 * errors are retried with backoff; permanent ones are recorded and not retried.
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
    const queued = await this.db.query<Claimed>(
      ctx,
      `UPDATE notifications SET status = 'sending', attempts = attempts + 1, updated_at = now()
        WHERE id = $1 AND status = 'queued' RETURNING to_phone, body, sealed_body`,
      [id],
    );
    const claimed = queued[0] ?? (await this.resume(ctx, id));
    if (!claimed) return; // sent, suppressed or failed for good
    const { to_phone } = claimed;
    const body = await this.textOf(ctx, id, claimed);
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

  /**
   * A row found "sending": another attempt is under way, or its worker died between claiming and
   * recording. The provider's record decides: the text is there → recorded as sent, nothing is sent;
   * not there and the row is stale → this attempt takes it over; otherwise → retried later.
   */
  private async resume(ctx: RequestContext, id: string): Promise<Claimed | null> {
    const [row] = await this.db.query<Claimed & { updated_at: Date; attempts: number; stale: boolean }>(
      ctx,
      `SELECT to_phone, body, sealed_body, updated_at, attempts,
              updated_at < now() - make_interval(secs => $2) AS stale
         FROM notifications WHERE id = $1 AND status = 'sending'`,
      [id, STALE_SENDING_SECONDS],
    );
    if (!row) return null;
    const found = await this.sender.findSent(row.to_phone, await this.textOf(ctx, id, row), row.updated_at);
    if (found) {
      await this.db.query(
        ctx,
        `UPDATE notifications SET status = CASE WHEN status = 'sending' THEN $2 ELSE status END,
           transport = $3, provider_id = $4, error = NULL, sealed_body = NULL, updated_at = now() WHERE id = $1`,
        [id, found.status === 'queued' ? 'sent' : found.status, found.transport, found.providerId],
      );
      this.log.log(`notification ${id}: an earlier attempt reached the provider; recorded, not sent again`);
      return null;
    }
    if (!row.stale) throw new Error(`notification ${id} is being sent (or its worker died); checking again`);
    const taken = await this.db.query<Claimed>(
      ctx,
      `UPDATE notifications SET attempts = attempts + 1, updated_at = now()
        WHERE id = $1 AND status = 'sending' AND attempts = $2 RETURNING to_phone, body, sealed_body`,
      [id, row.attempts],
    );
    return taken[0] ?? null;
  }

  /** The text to send: the sealed original of a code text, else the logged body. */
  private async textOf(ctx: RequestContext, id: string, row: Claimed): Promise<string> {
    if (!row.sealed_body) return row.body;
    try {
      return unsealText(this.config, id, row.sealed_body);
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
}
