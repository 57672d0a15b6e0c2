import { Injectable, Logger } from '@nestjs/common';
import { maskPhone, maskPhonesInText } from '@campus/core';
import { SmsLookup, SmsReceipt, SmsSender } from './sms-sender';

/** Texts the log transport "delivered" outside production, newest last (bounded; memory only). */
const delivered = new Map<string, { to: string; body: string; at: Date }>();
const KEEP = 5_000;

/**
 * The full text the log transport delivered for a message (outside production only; memory of this
 * process). The message log itself shows one-time codes masked: in development the code is read here
 * or in the worker's log, and tests read it here once the seal is erased.
 */
export function logTransportText(notificationId: string): string | null {
  return delivered.get(notificationId)?.body ?? null;
}

/**
 * The local transport, used when Twilio is not configured. In development it prints each text,
 * codes included, so a developer can sign in as a customer (`SMS to +86138****8000: …`); in
 * production it prints only the recipient (masked) and the length, and keeps nothing.
 */
@Injectable()
export class LogSmsSender extends SmsSender {
  readonly name = 'log';
  private readonly log = new Logger('SMS');

  constructor(private readonly production = true) {
    super();
  }

  async send(to: string, body: string, ref: { notificationId: string }): Promise<SmsReceipt> {
    if (this.production) {
      this.log.log(`to ${maskPhone(to)}: ${body.length} chars`);
    } else {
      this.log.log(`to ${maskPhone(to)}: ${maskPhonesInText(body)}`);
      delivered.delete(ref.notificationId);
      delivered.set(ref.notificationId, { to, body, at: new Date() });
      if (delivered.size > KEEP) delivered.delete(delivered.keys().next().value!);
    }
    return { transport: this.name, providerId: `log-${ref.notificationId}`, status: 'sent' };
  }

  /** Outside production, what this process "delivered"; in production nothing is kept (a resend is only a log line). */
  async find(to: string, body: string, ref: SmsLookup): Promise<SmsReceipt | null> {
    const sent = delivered.get(ref.notificationId);
    return sent && sent.to === to
      ? { transport: this.name, providerId: `log-${ref.notificationId}`, status: 'sent' }
      : null;
  }
}
