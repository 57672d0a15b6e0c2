import { Injectable } from '@nestjs/common';
import twilio from 'twilio';
import type TwilioRequestClient from 'twilio/lib/base/RequestClient';
import { AppConfig, InjectConfig } from '@campus/core';
import { SmsLookup, SmsReceipt, SmsSender, SmsSendError } from './sms-sender';

type TwilioClient = ReturnType<typeof twilio>;

/**
 * Twilio's REST client with its API host replaced, for a local stand-in of Twilio's API
 * (TWILIO_API_BASE_URL; tests). Unset in production: requests go to api.twilio.com.
 */
class RebasedRequestClient extends twilio.RequestClient {
  constructor(private readonly base: string) {
    super({ timeout: 10_000 });
  }

  override request<TData>(opts: TwilioRequestClient.RequestOptions<TData>) {
    const uri = opts.uri.replace(/^https:\/\/api\.twilio\.com/, this.base.replace(/\/+$/, ''));
    return super.request<TData>({ ...opts, uri });
  }
}

/** Twilio error codes that no retry can fix (bad or unreachable number, opted out, blocked). */
const PERMANENT_CODES = new Set([
  21211, 21212, 21408, 21610, 21612, 21614, 21617, 21635, 30003, 30004, 30005, 30006,
]);

/** Outbound SMS through Twilio's Messages API, with delivery reports sent to our status callback. */
@Injectable()
export class TwilioSmsSender extends SmsSender {
  readonly name = 'twilio';
  private readonly client: TwilioClient;
  private readonly from: string;
  private readonly statusCallback: string;

  constructor(@InjectConfig() config: AppConfig) {
    super();
    const { accountSid, authToken, from, apiBaseUrl } = config.twilio;
    if (!accountSid || !authToken || !from) throw new Error('Twilio is not configured');
    this.client = twilio(
      accountSid,
      authToken,
      apiBaseUrl ? { httpClient: new RebasedRequestClient(apiBaseUrl) } : {},
    );
    this.from = from;
    this.statusCallback = `${config.publicBaseUrl}/api/channels/sms/twilio/status`;
  }

  async send(to: string, body: string): Promise<SmsReceipt> {
    try {
      const sender = this.from.startsWith('MG') ? { messagingServiceSid: this.from } : { from: this.from };
      const msg = await this.client.messages.create({
        to,
        body,
        statusCallback: this.statusCallback,
        ...sender,
      });
      return { transport: this.name, providerId: msg.sid, status: msg.status === 'sent' ? 'sent' : 'queued' };
    } catch (err) {
      throw classify(err);
    }
  }

  /**
   * Reconciliation (issue 17.7): the message resource by its Sid when we recorded one
   * (GET Messages/{Sid}.json), otherwise the newest messages to the number (GET Messages.json?To=…),
   * matched by sender, body and creation time. Messages are listed by To rather than DateSent: a
   * message Twilio still holds as queued has no date_sent yet and must be found too.
   */
  async find(to: string, body: string, ref: SmsLookup): Promise<SmsReceipt | null> {
    try {
      if (ref.providerId) {
        const msg = await this.client.messages(ref.providerId).fetch();
        return this.receipt(msg.sid, msg.status);
      }
      const since = ref.since.getTime() - 60_000; // clocks differ a little
      const recent = await this.client.messages.list({ to, limit: 100, pageSize: 100 });
      const mine = recent.find(
        (m) =>
          m.body === body &&
          (this.from.startsWith('MG') ? m.messagingServiceSid === this.from : m.from === this.from) &&
          (!m.dateCreated || m.dateCreated.getTime() >= since),
      );
      return mine ? this.receipt(mine.sid, mine.status) : null;
    } catch (err) {
      const e = classify(err);
      // A Sid Twilio does not know (404) is not a permanent failure of the text: it was never sent.
      if (ref.providerId && (err as { status?: number }).status === 404) return null;
      throw new SmsSendError(`looking the message up: ${e.message}`, false, e.providerCode);
    }
  }

  private receipt(sid: string, status: string): SmsReceipt {
    return {
      transport: this.name,
      providerId: sid,
      status: status === 'queued' || status === 'accepted' ? 'queued' : 'sent',
    };
  }
}

/** Permanent: Twilio refused this message for good (4xx other than 429, or a known code). */
export function classify(err: unknown): SmsSendError {
  const e = err as { status?: number; code?: number | string; message?: string };
  const status = typeof e.status === 'number' ? e.status : undefined;
  const code = typeof e.code === 'number' ? e.code : undefined;
  const permanent =
    (code !== undefined && PERMANENT_CODES.has(code)) ||
    (status !== undefined && status >= 400 && status < 500 && status !== 429);
  const label = code ? `Twilio ${code}` : status ? `HTTP ${status}` : 'network';
  return new SmsSendError(`${label}: ${e.message ?? String(err)}`, permanent, code ?? status);
}
