import { divideRounded } from '@campus/core';

/** `part / whole` in basis points (10 000 = 100%), rounded half-up once; null when `whole` is 0. */
export function rateBps(part: number, whole: number): number | null {
  return whole === 0 ? null : divideRounded(part * 10_000, whole);
}
