import { Injectable, Logger } from '@nestjs/common';
import { maskPhone } from '@campus/core';
import { SmsReceipt, SmsSender } from './sms-sender';

/**
 * The local transport: the message log row is the message. Used when Twilio is not configured
 * (development, tests); tests read what was "sent" from GET /api/notifications.
 */
@Injectable()
export class LogSmsSender extends SmsSender {
  readonly name = 'log';
  private readonly log = new Logger('SMS');

  async send(to: string, body: string, ref: { notificationId: string }): Promise<SmsReceipt> {
    this.log.log(`to ${maskPhone(to)}: ${body.length} chars`);
    return { transport: this.name, providerId: `log-${ref.notificationId}`, status: 'sent' };
  }
}
