import { ConflictError } from '@campus/core';

export class IdempotencyKeyReusedError extends ConflictError {
  constructor() {
    super('idempotency_key_reused', 'This Idempotency-Key was already used with a different request body');
  }
}
