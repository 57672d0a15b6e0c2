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

  /**
   * The provider's record of this exact text to `to`, accepted at or after `since`, or null when it
   * has none. Asked only when an earlier attempt's outcome is unknown (its worker died mid-send), so
   * that the text is neither lost nor sent twice. `undefined`: this transport cannot tell.
   */
  async findSent(_to: string, _body: string, _since: Date): Promise<SmsReceipt | null | undefined> {
    return undefined;
  }
}
