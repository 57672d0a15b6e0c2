import { createHmac, timingSafeEqual } from 'node:crypto';
import { type FieldError, SHANGHAI_OFFSET_MS } from '@campus/core';

/** Wrong confirmation codes before the task's code is locked (until a reschedule issues a new one). */
export const MAX_CODE_FAILURES = 5;

/** Bounds of a schedule window the customer agrees to. */
export const WINDOW_RULES = {
  minMinutes: 15,
  maxHours: 8,
  /** How far ahead a window may be booked. */
  maxDaysAhead: 30,
  /** Clock skew tolerated for a window that starts "now". */
  graceSeconds: 60,
} as const;

/**
 * Problems with a proposed window, each naming its field (empty when fine). "Now" is the app's Clock,
 * so tests that move time see the same rule as production.
 */
export function windowProblems(start: Date, end: Date, now: Date): FieldError[] {
  const out: FieldError[] = [];
  const ms = end.getTime() - start.getTime();
  if (start.getTime() < now.getTime() - WINDOW_RULES.graceSeconds * 1000) {
    out.push({ field: 'windowStart', message: 'must not be in the past' });
  } else if (start.getTime() > now.getTime() + WINDOW_RULES.maxDaysAhead * 86_400_000) {
    out.push({ field: 'windowStart', message: `must be within ${WINDOW_RULES.maxDaysAhead} days` });
  }
  if (ms <= 0) out.push({ field: 'windowEnd', message: 'must be after windowStart' });
  else if (ms < WINDOW_RULES.minMinutes * 60_000) {
    out.push({ field: 'windowEnd', message: `a window lasts at least ${WINDOW_RULES.minMinutes} minutes` });
  } else if (ms > WINDOW_RULES.maxHours * 3_600_000) {
    out.push({ field: 'windowEnd', message: `a window lasts at most ${WINDOW_RULES.maxHours} hours` });
  }
  return out;
}

/**
 * The stored form of a task's confirmation code: an HMAC keyed with the task-code key (derived from CODES_SECRET) over the task
 * and the code. A leaked table does not reveal codes (a 6-digit space is trivial to brute-force
 * without a secret key, so a plain hash would not do).
 */
export function confirmationCodeHash(secret: Buffer | string, taskId: string, code: string): string {
  return createHmac('sha256', secret).update(`task:${taskId}:${code}`).digest('hex');
}

export function confirmationCodeMatches(
  secret: Buffer | string,
  taskId: string,
  code: string,
  hash: string,
): boolean {
  const given = Buffer.from(confirmationCodeHash(secret, taskId, code), 'hex');
  const stored = Buffer.from(hash, 'hex');
  return given.length === stored.length && timingSafeEqual(given, stored);
}

/** "11-28 14:00–16:00" in Asia/Shanghai (campus time), for the text to the customer. */
export function formatWindow(start: Date, end: Date): string {
  const parts = (d: Date) => {
    const s = new Date(d.getTime() + SHANGHAI_OFFSET_MS);
    const p = (n: number) => String(n).padStart(2, '0');
    return {
      day: `${p(s.getUTCMonth() + 1)}-${p(s.getUTCDate())}`,
      time: `${p(s.getUTCHours())}:${p(s.getUTCMinutes())}`,
    };
  };
  const a = parts(start);
  const b = parts(end);
  return a.day === b.day ? `${a.day} ${a.time}–${b.time}` : `${a.day} ${a.time}–${b.day} ${b.time}`;
}

/** What an install task is for: the order's installable lines and the fee they earn the agent. */
export function installItems(
  lines: readonly {
    sku: string;
    name: string;
    quantity: number;
    requiresInstallation: boolean;
    installFeeCents: number;
  }[],
): { items: { sku: string; name: string; quantity: number; installFeeCents: number }[]; feeCents: number } {
  const items = lines
    .filter((l) => l.requiresInstallation)
    .map((l) => ({ sku: l.sku, name: l.name, quantity: l.quantity, installFeeCents: l.installFeeCents }));
  return { items, feeCents: items.reduce((sum, i) => sum + i.installFeeCents * i.quantity, 0) };
}
