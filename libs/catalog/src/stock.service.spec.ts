import { OutOfStockError } from '@campus/core';
import type { Db } from '@campus/database';
import { OutboxService } from '@campus/queue';
import { UnknownSkuError } from './catalog.errors';
import { StockService } from './stock.service';

/** The error `stock_shortfall()` raises: SQLSTATE UO409, availability as JSON in DETAIL. */
const shortfall = (rows: { sku: string; requested: number; available: number | null }[]) =>
  Object.assign(new Error('stock_shortfall'), { code: 'UO409', detail: JSON.stringify(rows) });

describe(StockService.name, () => {
  const sut = new StockService({} as Db, new OutboxService({} as Db));
  const requests = [
    { sku: 'USB-C', quantity: 2, field: 'lines[0].sku' },
    { sku: 'PEN', quantity: 5, field: 'lines[1].sku' },
  ];

  describe('shortfallError', () => {
    it('answers 409 for the first SKU short of stock, with what is available now', () => {
      const err = sut.shortfallError(
        shortfall([
          { sku: 'USB-C', requested: 2, available: 7 },
          { sku: 'PEN', requested: 5, available: 3 },
        ]),
        requests,
      );
      expect(err).toBeInstanceOf(OutOfStockError);
      expect(err).toMatchObject({ sku: 'PEN', available: 3, requested: 5 });
    });

    it('never reports negative availability', () => {
      const err = sut.shortfallError(
        shortfall([
          { sku: 'USB-C', requested: 2, available: -1 },
          { sku: 'PEN', requested: 5, available: 9 },
        ]),
        requests,
      );
      expect(err).toMatchObject({ sku: 'USB-C', available: 0 });
    });

    it('answers 400 naming the line of a SKU withdrawn since it was priced', () => {
      const err = sut.shortfallError(
        shortfall([
          { sku: 'USB-C', requested: 2, available: null },
          { sku: 'PEN', requested: 5, available: 1 },
        ]),
        requests,
      );
      expect(err).toBeInstanceOf(UnknownSkuError);
      expect((err as UnknownSkuError).errors).toEqual([
        { field: 'lines[0].sku', message: 'unknown SKU USB-C' },
      ]);
    });

    it('leaves any other error alone', () => {
      expect(
        sut.shortfallError(Object.assign(new Error('deadlock'), { code: '40P01' }), requests),
      ).toBeNull();
      expect(sut.shortfallError(new Error('boom'), requests)).toBeNull();
    });
  });
});
