import { Injectable } from '@nestjs/common';
import { RequestContext } from '@campus/core';
import { ConsumesEvent, JobEnvelope, JobHandler, ProcessedJobs, QueueName } from '@campus/queue';
import { NotificationsService } from '../notifications.service';

/** Applies STOP/START and language changes published by the SMS channel, once each. */
@Injectable()
@ConsumesEvent(QueueName.Notifications, 'sms.preference_changed')
export class SmsPreferenceProcessor implements JobHandler<'sms.preference_changed'> {
  constructor(
    private readonly notifications: NotificationsService,
    private readonly processed: ProcessedJobs,
  ) {}

  async handle(ctx: RequestContext, job: JobEnvelope<'sms.preference_changed'>): Promise<void> {
    await this.processed.once(ctx, 'sms-preference', job.outboxId, (tx) =>
      this.notifications.setPreference(tx, job.payload.phone, {
        optedOut: job.payload.optedOut,
        language: job.payload.language,
      }),
    );
  }
}
