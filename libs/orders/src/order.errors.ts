import { BusinessRuleError, ConflictError } from '@campus/core';

export class IdempotencyKeyReusedError extends ConflictError {
  constructor() {
    super('idempotency_key_reused', 'This Idempotency-Key was already used with a different request body');
  }
}

/** A customer already has MAX_OPEN_COD_ORDERS cash-on-delivery orders not yet delivered. */
export class TooManyOpenCodOrdersError extends BusinessRuleError {
  constructor(cap: number) {
    super(
      'too_many_open_cod_orders',
      `This customer already has ${cap} cash-on-delivery orders not yet delivered; pay online, or wait until one arrives`,
      {
        maxOpenCodOrders: cap,
        errors: [{ field: 'paymentMethod', message: `at most ${cap} open COD orders` }],
      },
    );
  }
}

/** More units of a product in one order than its per-order cap (flash-sale items). */
export class QuantityOverLimitError extends BusinessRuleError {
  constructor(lines: { field: string; sku: string; maxPerOrder: number; quantity: number }[]) {
    super(
      'quantity_over_limit',
      lines.map((l) => `${l.sku}: at most ${l.maxPerOrder} per order, ${l.quantity} asked`).join('; '),
      {
        errors: lines.map((l) => ({
          field: l.field,
          message: `at most ${l.maxPerOrder} of ${l.sku} per order`,
        })),
        lines: lines.map(({ sku, maxPerOrder, quantity }) => ({ sku, maxPerOrder, quantity })),
      },
    );
  }
}
