import { BusinessRuleError, ConflictError } from '@campus/core';

/** Coupon refusals name the field, so forms show them next to the coupon entry. */
function couponField(code: string, rule: string, message: string) {
  return { couponCode: code, errors: [{ field: 'couponCode', message, code: rule }] };
}

/** 409: the code exists but has no use left (in total, for this customer, or on its promotion's budget). */
export class CouponUsedError extends ConflictError {
  constructor(code: string) {
    super(
      'coupon_used',
      `Coupon ${code} has been used up`,
      couponField(code, 'coupon_used', 'has been used up'),
    );
  }
}

/** 422: unknown, inactive, expired, or not valid for this order's place or channel. */
export class CouponInvalidError extends BusinessRuleError {
  constructor(code: string, why = 'is unknown or expired') {
    super('coupon_invalid', `Coupon ${code} ${why}`, couponField(code, 'coupon_invalid', why));
  }
}

/** 422 `coupon_invalid` too: a valid coupon that this order does not qualify for (nothing eligible, threshold). */
export class CouponDoesNotApplyError extends BusinessRuleError {
  constructor(code: string, why: string, extra: Record<string, unknown> = {}) {
    super('coupon_invalid', `Coupon ${code} ${why}`, {
      ...couponField(code, 'coupon_invalid', why),
      ...extra,
    });
  }
}

/** 409: not enough sale stock left (send `allowListPrice: true` to buy at the list price instead). */
export class FlashSaleSoldOutError extends ConflictError {
  constructor(sku: string, remaining: number) {
    super(
      'flash_sale_sold_out',
      `The flash sale of ${sku} is sold out (${remaining} left at the sale price)`,
      {
        sku,
        remaining,
      },
    );
  }
}

/** 422: this customer would go over the flash sale's per-customer limit. */
export class FlashSaleLimitError extends BusinessRuleError {
  constructor(sku: string, limit: number, bought: number) {
    super(
      'flash_sale_limit',
      `The flash sale of ${sku} allows ${limit} per customer; ${bought} already bought`,
      { sku, limit, bought },
    );
  }
}

/** 422: a coupon batch for a promotion that is applied automatically (it needs `requiresCoupon`). */
export class PromotionNotCouponError extends BusinessRuleError {
  constructor(id: string) {
    super(
      'promotion_not_coupon',
      `Promotion ${id} applies automatically; create it with requiresCoupon to issue coupons`,
      { errors: [{ field: 'requiresCoupon', message: 'must be true to issue coupons' }] },
    );
  }
}

/** 409: a coupon code that already exists. */
export class CouponCodeTakenError extends ConflictError {
  constructor(code: string) {
    super('coupon_code_taken', `Coupon code ${code} already exists`, {
      couponCode: code,
      errors: [{ field: 'code', message: 'is taken', code: 'coupon_code_taken' }],
    });
  }
}
