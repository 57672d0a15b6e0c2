/**
 * Alipay's money and time formats. Amounts are yuan strings with at most two decimals ("12.30");
 * here they become integer fen and back without ever touching a float.
 */

import { shanghaiIso } from '@campus/core';

const YUAN = /^(0|[1-9]\d{0,9})(?:\.(\d{1,2}))?$/;

/** "12.30" → 1230; null when it is not an amount Alipay would send. */
export function yuanToFen(value: unknown): number | null {
  if (typeof value !== 'string') return null;
  const m = YUAN.exec(value.trim());
  if (!m) return null;
  return Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
}

/** 1230 → "12.30" (positive integer fen only). */
export function fenToYuan(cents: number): string {
  if (!Number.isSafeInteger(cents) || cents < 0) throw new RangeError(`not an amount of fen: ${cents}`);
  return `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;
}

/** "yyyy-MM-dd HH:mm:ss" in Beijing time, as Alipay's time_expire and timestamps are written. */
export function beijingTime(at: Date): string {
  return shanghaiIso(at).slice(0, 19).replace('T', ' ');
}

/** Alipay's "yyyy-MM-dd HH:mm:ss" (Beijing) as an instant; null when malformed. */
export function parseBeijingTime(value: unknown): Date | null {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(value)) return null;
  const t = Date.parse(`${value.replace(' ', 'T')}+08:00`);
  return Number.isNaN(t) ? null : new Date(t);
}

/** Masks an identifier for logs: the first and last few characters survive. */
export function mask(value: unknown, keep = 4): string {
  if (typeof value !== 'string' || value.length === 0) return '';
  if (value.length <= keep * 2) return '*'.repeat(value.length);
  return `${value.slice(0, keep)}${'*'.repeat(Math.min(8, value.length - keep * 2))}${value.slice(-keep)}`;
}
