import { normalizePhone } from './phone';

/** What the call centre's one search box was given: a phone number, or an order number read out. */
export type DeskSearch = { phone: string } | { number: string };

/**
 * A phone number in any form staff type it (E.164 or local), else an order number (12–20 digits,
 * spaces ignored: "261206 000003"); anything else is null.
 */
export function parseDeskSearch(input: string): DeskSearch | null {
  const phone = normalizePhone(input);
  if (phone) return { phone };
  const digits = input.replace(/\s+/g, '');
  return /^\d{12,20}$/.test(digits) ? { number: digits } : null;
}

/** The shop link that attributes an order to an agent (their referral code). */
export function shareLink(origin: string, code: string): string {
  return `${origin}/shop?agent=${encodeURIComponent(code)}`;
}
