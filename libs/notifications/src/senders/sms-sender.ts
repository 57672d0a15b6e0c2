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

/** What we know of a message whose send outcome is unknown, to find it at the provider. */
export interface SmsLookup {
  notificationId: string;
  /** The provider's id, when an earlier attempt recorded it. */
  providerId: string | null;
  /** When the message was written to our log: the provider cannot have it from before. */
  since: Date;
}

/** Outbound SMS. Real (Twilio) and local (log) implementations are chosen by configuration. */
export abstract class SmsSender {
  abstract readonly name: string;
  abstract send(to: string, body: string, ref: { notificationId: string }): Promise<SmsReceipt>;
  /**
   * Asks the provider whether it already has this message (an earlier attempt reached it, but its
   * answer never made it into our log): its receipt, or null when it has none. Throws SmsSendError
   * when the provider cannot be asked (the caller retries; it never sends blindly).
   */
  abstract find(to: string, body: string, ref: SmsLookup): Promise<SmsReceipt | null>;
}
