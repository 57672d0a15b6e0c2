import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { ValidationError } from '@campus/core';

/** The required Idempotency-Key header (1–255 visible characters). */
export const IdempotencyKey = createParamDecorator((_: unknown, host: ExecutionContext): string => {
  const req = host.switchToHttp().getRequest<{ headers: Record<string, string | string[] | undefined> }>();
  const raw = req.headers['idempotency-key'];
  const key = Array.isArray(raw) ? raw[0] : raw;
  if (!key) throw ValidationError.field('Idempotency-Key', 'header is required');
  if (key.length > 255 || !/^[\x21-\x7e]+$/.test(key)) {
    throw ValidationError.field('Idempotency-Key', 'must be 1–255 visible ASCII characters');
  }
  return key;
});
