import { Module } from '@nestjs/common';
import { CouponIssuedTextProcessor } from './jobs/coupon-issued-text.processor';
import { OrderPlacedTextProcessor } from './jobs/order-placed-text.processor';
import { PaymentReminderTextProcessor } from './jobs/payment-reminder-text.processor';
import { OrderStatusTextProcessor } from './jobs/order-status-text.processor';
import { SendNotificationProcessor } from './jobs/send-notification.processor';
import { SmsPreferenceProcessor } from './jobs/sms-preference.processor';
import { NotificationsService } from './notifications.service';
import { NotificationRepository } from './notification.repository';
import { AlertsService } from './alerts.service';
import { LogSmsSender } from './senders/log-sms.sender';
import { SmsSender } from './senders/sms-sender';
import { TwilioSmsSender } from './senders/twilio-sms.sender';
import { TextDelivery } from './text-delivery.service';
import { APP_CONFIG, AppConfig, twilioConfigured } from '@campus/core';

@Module({
  providers: [NotificationRepository, NotificationsService, AlertsService],
  exports: [NotificationsService, AlertsService],
})
export class NotificationsModule {}

/** The worker side: the sender and the consumers of this context's queue. */
@Module({
  imports: [NotificationsModule],
  providers: [
    {
      provide: SmsSender,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig): SmsSender =>
        twilioConfigured(config)
          ? new TwilioSmsSender(config)
          : new LogSmsSender(config.nodeEnv === 'production'),
    },
    TextDelivery,
    SendNotificationProcessor,
    OrderPlacedTextProcessor,
    OrderStatusTextProcessor,
    SmsPreferenceProcessor,
    PaymentReminderTextProcessor,
    CouponIssuedTextProcessor,
  ],
  // The assignment job sends the agent's text itself (claimed with the assignment, sent after it).
  exports: [TextDelivery],
})
export class NotificationsJobsModule {}
