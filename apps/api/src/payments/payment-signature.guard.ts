import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { AppConfig, InjectConfig, UnauthorizedError } from '@campus/core';

/**
 * The payment provider signs the raw request body: X-Signature = hex(HMAC-SHA256(secret, body)).
 * Compared in constant time; a missing or wrong signature is 401 before the body is looked at.
 */
@Injectable()
export class PaymentSignatureGuard implements CanActivate {
  constructor(@InjectConfig() private readonly config: AppConfig) {}

  canActivate(context: ExecutionContext): boolean {
    const req = context.switchToHttp().getRequest<{ rawBody?: Buffer; headers: Record<string, unknown> }>();
    const given =
      typeof req.headers['x-signature'] === 'string' ? req.headers['x-signature'].trim().toLowerCase() : '';
    const expected = createHmac('sha256', this.config.paymentWebhookSecret)
      .update(req.rawBody ?? Buffer.alloc(0))
      .digest('hex');
    const a = Buffer.from(given);
    const b = Buffer.from(expected);
    if (!req.rawBody || a.length !== b.length || !timingSafeEqual(a, b)) {
      throw new UnauthorizedError('The payment notice signature does not match', 'bad_signature');
    }
    return true;
  }
}
