import { createHmac } from 'node:crypto';

export const PICKUP_CODE_PATTERN = /^\d{6}$/;

/**
 * The stored form of a pickup code: an HMAC keyed with the pickup-code key (derived from CODES_SECRET) over the place (locker or
 * counter) and the code. It is deterministic so a code typed at a locker finds its parcel with one
 * indexed lookup, and useless without the secret (a leaked table does not open compartments).
 */
export function pickupCodeHash(secret: Buffer | string, placeId: string, code: string): string {
  return createHmac('sha256', secret).update(`pickup:${placeId}:${code}`).digest('hex');
}
