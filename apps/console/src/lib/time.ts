/** Every time on screen is Asia/Shanghai (UTC+8, no daylight saving), whatever the browser's zone. */
export const ZONE = 'Asia/Shanghai';

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(lang: string): Intl.DateTimeFormat {
  let f = formatters.get(lang);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', {
      timeZone: ZONE,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    formatters.set(lang, f);
  }
  return f;
}

/** "2026-11-26 07:45" in Shanghai time, from an ISO timestamp. */
export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '—';
  const parts = Object.fromEntries(
    formatter('x')
      .formatToParts(d)
      .map((p) => [p.type, p.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}`;
}

/** `at` on a Shanghai wall clock, ISO-formatted without a zone ("2026-11-26T07:45:00.000"). */
export function shanghaiIso(at: Date): string {
  return new Date(at.getTime() + 8 * 3600_000).toISOString().slice(0, 23);
}

/** Today's date in Shanghai ("2026-11-26"). */
export function shanghaiToday(now = new Date()): string {
  return shanghaiIso(now).slice(0, 10);
}

/** A Shanghai wall-clock date and time ("2026-11-26", "14:30") as an ISO UTC timestamp. */
export function shanghaiToIso(date: string, time: string): string | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || !/^\d{2}:\d{2}$/.test(time)) return null;
  const d = new Date(`${date}T${time}:00+08:00`);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

/** The Shanghai calendar month ("2026-11") that `at` falls in. */
export function shanghaiPeriod(at: Date = new Date()): string {
  return formatTime(at.toISOString()).slice(0, 7);
}

/** The Shanghai month before the one `at` falls in ("2026-10" in November): the month usually settled. */
export function previousPeriod(at: Date = new Date()): string {
  const [y, m] = shanghaiPeriod(at).split('-').map(Number);
  return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
}

/** The Shanghai calendar day ("2026-11-26") that `at` falls in. */
export function shanghaiDay(at: Date = new Date()): string {
  return formatTime(at.toISOString()).slice(0, 10);
}

/** "3 h" style age of a past moment, in whole minutes, hours or days (for the pickup desk). */
export function ageOf(
  iso: string,
  now: Date = new Date(),
): { unit: 'minutes' | 'hours' | 'days'; count: number } {
  const minutes = Math.max(0, Math.floor((now.getTime() - new Date(iso).getTime()) / 60_000));
  if (minutes < 60) return { unit: 'minutes', count: minutes };
  if (minutes < 48 * 60) return { unit: 'hours', count: Math.floor(minutes / 60) };
  return { unit: 'days', count: Math.floor(minutes / (24 * 60)) };
}
