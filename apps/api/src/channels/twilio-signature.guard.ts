import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import twilio from 'twilio';
import { AppConfig, ForbiddenError, InjectConfig } from '@campus/core';

interface TwilioRequest {
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body?: unknown;
}

/**
 * Twilio webhooks prove their origin with X-Twilio-Signature over the public URL and the posted
 * form fields; checked with the twilio library's own validator. Bad or missing → 403, nothing stored.
 */
@Injectable()
export class TwilioSignatureGuard implements CanActivate {
  constructor(@InjectConfig() private readonly config: AppConfig) {}

  canActivate(context: ExecutionContext): boolean {
    const req = context.switchToHttp().getRequest<TwilioRequest>();
    const header = req.headers['x-twilio-signature'];
    const signature = Array.isArray(header) ? header[0] : header;
    const token = this.config.twilio.authToken;
    const params = req.body && typeof req.body === 'object' ? (req.body as Record<string, string>) : {};
    const url = `${this.config.publicBaseUrl}${req.url}`;
    if (!signature || !token || !twilio.validateRequest(token, signature, url, params)) {
      throw new ForbiddenError('The Twilio signature does not match this request', 'bad_signature');
    }
    return true;
  }
}
