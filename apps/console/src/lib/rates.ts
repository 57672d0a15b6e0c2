/** A rate in basis points (the API's unit: 7143 = 71.43 %) as a percentage; null (x/0) → "—". */
export function formatBps(bps: number | null | undefined): string {
  if (bps === null || bps === undefined || !Number.isSafeInteger(bps)) return '—';
  const sign = bps < 0 ? '-' : '';
  const abs = Math.abs(bps);
  return `${sign}${Math.trunc(abs / 100)}.${String(abs % 100).padStart(2, '0')}%`;
}

/** Basis points as a plain number of percent for a chart axis (7143 → 71.43). */
export function bpsToPercent(bps: number | null | undefined): number | null {
  return bps === null || bps === undefined ? null : bps / 100;
}
