export * from './notification.entity';
export * from './templates';
export * from './code-seal';
export * from './notifications.service';
export * from './senders/sms-sender';
export * from './senders/log-sms.sender';
export * from './senders/twilio-sms.sender';
export * from './notifications.module';
