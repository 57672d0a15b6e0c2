import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import type { CountryCode } from 'libphonenumber-js';

/** Numbers without a country prefix are read as Chinese numbers (the campuses are in China). */
export const DEFAULT_PHONE_REGION: CountryCode = 'CN';

/**
 * E.164 for any common way of writing a phone number ("138 0013 8000", "+86-138-0013-8000",
 * "008613800138000"), or null when it is not a valid number.
 */
export function toE164(input: unknown, region: CountryCode = DEFAULT_PHONE_REGION): string | null {
  if (typeof input !== 'string') return null;
  let text = input.normalize('NFKC').trim();
  if (text.length === 0 || text.length > 32) return null;
  if (text.startsWith('00')) text = `+${text.slice(2)}`;
  const parsed = parsePhoneNumberFromString(text, region);
  if (!parsed || !parsed.isValid()) return null;
  return parsed.number;
}

/** +8613800138000 → +86138****8000; keeps enough to tell numbers apart in logs. */
export function maskPhone(e164: string): string {
  if (e164.length < 8) return '****';
  return `${e164.slice(0, e164.length - 8)}****${e164.slice(-4)}`;
}

/**
 * International numbers (a "+", also URL-encoded as "%2B") and Chinese mobiles with or without 86/0086
 * in front. Order numbers (12+ digits starting with the date) do not look like either.
 */
const PHONE_IN_TEXT = /(?:\+|%2B)\d{7,15}|(?<!\d)(?:0086|86)?1[3-9]\d{9}(?!\d)/gi;

/** Masks every phone-looking number inside free text (log messages, URLs). */
export function maskPhonesInText(text: string): string {
  return text.replace(PHONE_IN_TEXT, (m) => maskPhone(m));
}

/** The ISO 3166 country of a valid number ("CN" for +8613800138000), or null. */
export function phoneCountry(e164: string): string | null {
  const parsed = parsePhoneNumberFromString(e164);
  return parsed?.isValid() ? (parsed.country ?? null) : null;
}
