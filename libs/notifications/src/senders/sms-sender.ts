/** What a provider said about a message it accepted. */
export interface SmsReceipt {
  transport: string;
  providerId: string;
  status: 'queued' | 'sent';
}

/** A send that failed. `permanent` errors (invalid number, blocked) are not retried. */
export class SmsSendError extends Error {
  constructor(
    message: string,
    readonly permanent: boolean,
    readonly providerCode?: string | number,
  ) {
    super(message);
    this.name = 'SmsSendError';
  }
}

/** Outbound SMS. Real (Twilio) and local (log) implementations are chosen by configuration. */
export abstract class SmsSender {
  abstract readonly name: string;
  abstract send(to: string, body: string, ref: { notificationId: string }): Promise<SmsReceipt>;
}
