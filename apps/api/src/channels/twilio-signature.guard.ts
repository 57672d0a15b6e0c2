import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { AppConfig, InjectConfig } from '@campus/core';
import { verifyTwilioSignature } from '@campus/intake';

interface TwilioRequest {
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body?: unknown;
}

/**
 * Twilio webhooks prove their origin with X-Twilio-Signature over the public URL and the posted
 * form fields (the same check the inbound SMS channel runs). Bad or missing → 403, nothing stored.
 */
@Injectable()
export class TwilioSignatureGuard implements CanActivate {
  constructor(@InjectConfig() private readonly config: AppConfig) {}

  canActivate(context: ExecutionContext): boolean {
    const req = context.switchToHttp().getRequest<TwilioRequest>();
    const header = req.headers['x-twilio-signature'];
    const params = req.body && typeof req.body === 'object' ? (req.body as Record<string, unknown>) : {};
    verifyTwilioSignature(
      this.config.twilio.authToken,
      `${this.config.publicBaseUrl}${req.url}`,
      Array.isArray(header) ? header[0] : header,
      params,
    );
    return true;
  }
}
