import { ConflictError, ValidationError } from '@campus/core';

export class SkuTakenError extends ConflictError {
  constructor(sku: string) {
    super('sku_taken', `A product with SKU ${sku} already exists`, { sku });
  }
}

export class StockBelowReservedError extends ConflictError {
  constructor(sku: string, onHand: number, reserved: number, delta: number) {
    super(
      'stock_below_reserved',
      `Cannot change ${sku} by ${delta}: ${onHand} on hand, ${reserved} reserved for orders`,
      { sku, onHand, reserved },
    );
  }
}

/** 400 naming the unknown SKUs and the lines they are on. */
export class UnknownSkuError extends ValidationError {
  constructor(unknown: { sku: string; field: string }[]) {
    super(
      unknown.map((u) => ({ field: u.field, message: `unknown SKU ${u.sku}` })),
      `Unknown SKU: ${unknown.map((u) => u.sku).join(', ')}`,
      'unknown_sku',
    );
  }
}
