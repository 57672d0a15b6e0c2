import { Injectable } from '@nestjs/common';
import { RequestContext } from '@campus/core';
import { ConsumesEvent, JobEnvelope, JobHandler, QueueName } from '@campus/queue';
import { TextDelivery } from '../text-delivery.service';

/**
 * Sends one logged message through the configured transport (TextDelivery): claim (one statement),
 * send — or, on a retry, first ask the provider whether an earlier attempt reached it (no blind
 * resend, issue 17.7) — then record the outcome (one statement). The row's status is the
 * idempotency record: only a queued (or stale sending) row is claimed, so a job delivered twice
 * sends once; a row still `sending` makes the job look again later.
 */
@Injectable()
@ConsumesEvent(QueueName.Notifications, 'notification.requested')
export class SendNotificationProcessor implements JobHandler<'notification.requested'> {
  constructor(private readonly texts: TextDelivery) {}

  async handle(ctx: RequestContext, job: JobEnvelope<'notification.requested'>): Promise<void> {
    const claimed = await this.texts.claim(ctx, job.payload.notificationId);
    if (!claimed) return; // already sent, suppressed or failed for good
    await this.texts.deliver(ctx, claimed, job);
  }
}
