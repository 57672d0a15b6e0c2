import { ValidationError } from '@campus/core';
import type { CreatePromotionDto } from './dto/pricing.dto';
import type { PromotionView } from './promotion.types';

/** What the audit log keeps of a promotion. */
export function audited(p: PromotionView): Record<string, unknown> {
  const { uses: _u, couponCount: _c, createdAt: _a, updatedAt: _b, ...rest } = p;
  return JSON.parse(JSON.stringify(rest)) as Record<string, unknown>;
}

/** The fields a promotion of each kind needs, and those it must not have. */
export function checkKindFields(dto: CreatePromotionDto): void {
  const need = (field: keyof CreatePromotionDto, why: string) => {
    if (dto[field] === undefined || dto[field] === null) throw ValidationError.field(field, why);
  };
  const forbid = (field: keyof CreatePromotionDto) => {
    if (dto[field] !== undefined) throw ValidationError.field(field, `is not used by ${dto.kind}`);
  };
  if (dto.kind === 'percent_off') {
    need('percentBps', 'is required for percent_off');
    forbid('amountCents');
    forbid('giftSku');
  } else if (dto.kind === 'amount_off') {
    need('amountCents', 'is required for amount_off');
    forbid('percentBps');
    forbid('giftSku');
  } else if (dto.kind === 'spend_and_save') {
    need('amountCents', 'is required for spend_and_save');
    need('thresholdCents', 'is required for spend_and_save');
    if (!dto.thresholdCents) throw ValidationError.field('thresholdCents', 'must be above 0');
    forbid('percentBps');
    forbid('giftSku');
  } else {
    need('giftSku', 'is required for gift');
    forbid('percentBps');
    forbid('amountCents');
    if (dto.requiresCoupon) throw ValidationError.field('requiresCoupon', 'a gift applies automatically');
  }
  if (dto.amountCents !== undefined && dto.amountCents < 1)
    throw ValidationError.field('amountCents', 'must be at least 1');
}
