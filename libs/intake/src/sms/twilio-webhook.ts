import { ForbiddenError, toE164, ValidationError } from '@campus/core';
import { twiml, validateRequest } from 'twilio';

export class BadTwilioSignatureError extends ForbiddenError {
  constructor() {
    super('The X-Twilio-Signature header is missing or does not match this request', 'bad_signature');
  }
}

/**
 * Twilio signs each webhook with HMAC-SHA1 over the URL it called and the sorted POST parameters,
 * keyed with the account's auth token. The check is Twilio's own `validateRequest`; the URL is the
 * public one (PUBLIC_BASE_URL + path and query), since behind a proxy the request line differs from
 * what Twilio called. Without an auth token nothing can be verified, so everything is refused.
 */
export function verifyTwilioSignature(
  authToken: string | undefined,
  url: string,
  signature: string | undefined,
  params: Record<string, unknown>,
): void {
  if (!authToken || !signature || !validateRequest(authToken, signature, url, params)) {
    throw new BadTwilioSignatureError();
  }
}

export interface InboundSms {
  messageSid: string;
  from: string;
  to: string | null;
  body: string;
}

const MESSAGE_SID = /^(SM|MM)[0-9a-fA-F]{32}$/;
const MAX_BODY = 1600;

/** The fields of an inbound-message webhook this channel uses, checked (400 naming the field). */
export function readInboundSms(params: Record<string, unknown>): InboundSms {
  const sid = typeof params.MessageSid === 'string' ? params.MessageSid : params.SmsSid;
  const from = toE164(params.From);
  const body = params.Body ?? '';
  const errors = [
    ...(typeof sid === 'string' && MESSAGE_SID.test(sid)
      ? []
      : [{ field: 'MessageSid', message: 'must be a Twilio message SID (SM… or MM…)' }]),
    ...(from ? [] : [{ field: 'From', message: 'must be a phone number' }]),
    ...(typeof body === 'string' ? [] : [{ field: 'Body', message: 'must be text' }]),
  ];
  if (errors.length) throw new ValidationError(errors);
  return {
    messageSid: sid as string,
    from: from!,
    to: toE164(params.To),
    body: (body as string).slice(0, MAX_BODY),
  };
}

/** `<Response><Message>…</Message></Response>` (XML-escaped by Twilio's builder); no text → `<Response/>`. */
export function twimlReply(text: string | null): string {
  const response = new twiml.MessagingResponse();
  if (text) response.message(text);
  return response.toString();
}
