/**
 * Money is integer cents (CNY fen) everywhere; these are the only places it becomes text and back.
 * No floating point: amounts are split into yuan and fen with integer arithmetic.
 */
export function formatCents(cents: number): string {
  if (!Number.isSafeInteger(cents)) return '—';
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  const yuan = Math.trunc(abs / 100)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const fen = (abs % 100).toString().padStart(2, '0');
  return `${sign}¥${yuan}.${fen}`;
}

/** "12.34", "¥12.3", "12" → cents; anything else (more than two decimals, letters) → null. */
export function parseYuan(input: string): number | null {
  const m = /^\s*(-)?\s*¥?\s*(\d{1,9}|\d{1,3}(?:,\d{3}){1,2})(?:\.(\d{1,2}))?\s*$/.exec(input);
  if (!m) return null;
  const yuan = Number(m[2].replace(/,/g, ''));
  const fen = Number((m[3] ?? '').padEnd(2, '0'));
  const cents = yuan * 100 + fen;
  return m[1] ? -cents : cents;
}

/** Cents as the plain decimal an input field shows ("12.34", no symbol). */
export function centsToInput(cents: number): string {
  return formatCents(cents).replace('¥', '').replace(/,/g, '');
}
