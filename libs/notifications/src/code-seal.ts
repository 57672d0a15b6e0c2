import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { AppConfig, purposeKey } from '@campus/core';

/** What a text that carries a one-time code shows at rest instead of the code. */
export const CODE_MASK = '******';

/**
 * Seals the full text of a message that carries a one-time code, for the sender only: AES-256-GCM
 * with the code-delivery key (derived from CODES_SECRET, which the database never sees), the
 * message id as associated data (a sealed text moved to another row does not open). The stored
 * form is base64(iv ‖ tag ‖ ciphertext). The message log keeps the text with the code masked; the
 * seal is erased once the text has gone out (or failed for good).
 */
export function sealText(config: Pick<AppConfig, 'codesSecret'>, messageId: string, text: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', purposeKey(config.codesSecret, 'code-delivery'), iv);
  cipher.setAAD(Buffer.from(messageId));
  const body = Buffer.concat([cipher.update(text, 'utf8'), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64');
}

/** Opens a sealed text (throws when the key, the message id or the bytes do not match). */
export function unsealText(
  config: Pick<AppConfig, 'codesSecret'>,
  messageId: string,
  sealed: string,
): string {
  const raw = Buffer.from(sealed, 'base64');
  const decipher = createDecipheriv(
    'aes-256-gcm',
    purposeKey(config.codesSecret, 'code-delivery'),
    raw.subarray(0, 12),
  );
  decipher.setAAD(Buffer.from(messageId));
  decipher.setAuthTag(raw.subarray(12, 28));
  return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
}
