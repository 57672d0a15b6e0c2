import { Injectable } from '@nestjs/common';
import { RequestContext } from '@campus/core';
import { ConsumesEvent, JobEnvelope, JobHandler, QueueName } from '@campus/queue';
import { ADMIN_INBOX, NotificationsService } from '../notifications.service';

/**
 * The hourly budget of sign-in codes is spent (a sign of SMS pumping): one alert to the admins' inbox
 * in the message log per hour. (When the staff alerts of the desks work land, this is where they are
 * raised instead.)
 */
@Injectable()
@ConsumesEvent(QueueName.Notifications, 'security.otp_budget_exhausted')
export class OtpBudgetAlertProcessor implements JobHandler<'security.otp_budget_exhausted'> {
  constructor(private readonly notifications: NotificationsService) {}

  async handle(ctx: RequestContext, job: JobEnvelope<'security.otp_budget_exhausted'>): Promise<void> {
    const p = job.payload;
    await this.notifications.send(ctx, {
      to: ADMIN_INBOX,
      template: 'otp_budget_exhausted',
      language: 'zh-CN',
      params: { budget: p.budget, hour: p.hour.slice(0, 16).replace('T', ' ') + ' UTC' },
      dedupeKey: `otp_budget:${p.hour}`,
    });
  }
}
