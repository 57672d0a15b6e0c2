import { ForbiddenError, ValidationError } from '@campus/core';
import { CodAmountMismatchError, CodOverCollectedError, NothingToCollectError } from './fulfilment.errors';

export interface CodInput {
  paymentMethod: string;
  /** A COD order already paid online (an Alipay QR at the door) has no cash to collect. */
  paidOnline?: boolean;
  totalCents: number;
  codCollectedCents?: number;
  overrideReason?: string;
  /** Managers and admins may record a different amount, with a reason. */
  mayOverride: boolean;
}

export type CodOutcome =
  | { collect: false }
  | { collect: true; amountCents: number; expectedCents: number; overrideReason: string | null };

/**
 * What cash a hand-off records. A COD order needs the amount collected, equal to the total; only a
 * manager (or admin) may record another amount, never more than the total, and must say why.
 * Orders paid online or at the counter, and COD orders paid online before the hand-off, have nothing
 * to collect.
 */
export function checkCod(input: CodInput): CodOutcome {
  const { paymentMethod, totalCents, codCollectedCents, overrideReason, mayOverride, paidOnline } = input;
  if (overrideReason !== undefined && !mayOverride) {
    throw new ForbiddenError('Only a regional manager or an admin may override the cash collected');
  }
  if (paymentMethod !== 'cod' || paidOnline) {
    if (codCollectedCents) throw new NothingToCollectError(paidOnline ? 'online' : paymentMethod);
    return { collect: false };
  }
  if (codCollectedCents === undefined) {
    throw ValidationError.field('codCollectedCents', 'is required for cash-on-delivery orders');
  }
  if (codCollectedCents === totalCents) {
    return { collect: true, amountCents: codCollectedCents, expectedCents: totalCents, overrideReason: null };
  }
  if (codCollectedCents > totalCents) throw new CodOverCollectedError(totalCents, codCollectedCents);
  if (!mayOverride || !overrideReason) {
    throw new CodAmountMismatchError(totalCents, codCollectedCents, mayOverride);
  }
  return { collect: true, amountCents: codCollectedCents, expectedCents: totalCents, overrideReason };
}
