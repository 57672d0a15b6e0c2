import { formatTime } from './time';

/** What the refunds panel needs of a refund (the API's RefundResponse has more). */
export interface RefundLike {
  amountCents: number;
  method: string;
  status: string;
  createdAt: string;
}

export interface RefundDay {
  /** Shanghai calendar day, "2026-11-26". */
  day: string;
  count: number;
  amountCents: number;
  /** Cash refunds still to hand back that day. */
  owedCents: number;
  /** Alipay refunds that failed that day (they need a look). */
  failed: number;
}

/** The Shanghai day a timestamp falls on. */
export function shanghaiDay(iso: string): string {
  return formatTime(iso).slice(0, 10);
}

/** Refunds summed per Shanghai day, newest day first (integer fen only). */
export function refundsByDay(refunds: readonly RefundLike[]): RefundDay[] {
  const days = new Map<string, RefundDay>();
  for (const r of refunds) {
    const day = shanghaiDay(r.createdAt);
    const d = days.get(day) ?? { day, count: 0, amountCents: 0, owedCents: 0, failed: 0 };
    d.count += 1;
    d.amountCents += r.amountCents;
    if (r.status === 'owed') d.owedCents += r.amountCents;
    if (r.status === 'failed') d.failed += 1;
    days.set(day, d);
  }
  return [...days.values()].sort((a, b) => (a.day < b.day ? 1 : a.day > b.day ? -1 : 0));
}

/** The problems finance must act on: cash still owed, Alipay refunds that failed. */
export function refundProblems(refunds: readonly RefundLike[]): { owedCents: number; failed: number } {
  let owedCents = 0;
  let failed = 0;
  for (const r of refunds) {
    if (r.status === 'owed') owedCents += r.amountCents;
    if (r.status === 'failed') failed += 1;
  }
  return { owedCents, failed };
}

/** A Shanghai day ("2026-11-26") as the ISO instant it starts at; `next` gives the following midnight. */
export function dayStartIso(day: string, next = false): string | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return null;
  const t = Date.parse(`${day}T00:00:00+08:00`);
  if (Number.isNaN(t)) return null;
  return new Date(t + (next ? 86_400_000 : 0)).toISOString();
}

/** Only owed cash refunds can be marked paid out; only failed Alipay refunds can be retried. */
export function refundActions(
  r: { method: string; status: string },
  isAdmin: boolean,
): ('paid_out' | 'retry')[] {
  const out: ('paid_out' | 'retry')[] = [];
  if (r.status === 'owed' && (r.method === 'cash' || (r.method === 'manual' && isAdmin)))
    out.push('paid_out');
  if (r.status === 'failed' && r.method === 'alipay' && isAdmin) out.push('retry');
  return out;
}
