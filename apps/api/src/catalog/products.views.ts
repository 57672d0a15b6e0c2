import type { ProductView } from '@campus/catalog';
import { Page } from '@campus/core';
import { Bool, Id, Int, List, NextCursor, NullableInt, Obj, Str, Time } from '../common/view-props';

export class StockView {
  @Int() onHand: number;
  @Int() reserved: number;
  @Int({ description: 'on hand minus reserved: what can still be ordered' }) available: number;
  @Int() lowStockThreshold: number;
}

export class ProductResponse implements ProductView {
  @Id() id: string;
  @Str() sku: string;
  @Str() name: string;
  @Str() category: string;
  @Int({ description: 'CNY fen' }) priceCents: number;
  @Bool() requiresInstallation: boolean;
  @Int() installFeeCents: number;
  @Bool() active: boolean;
  @NullableInt({ description: 'at most this many units per order (flash-sale items); null: no cap' })
  maxPerOrder: number | null;
  @Obj(StockView) stock: StockView;
  @Time() createdAt: Date;
  @Time() updatedAt: Date;
}

export class ProductPage implements Page<ProductResponse> {
  @List(ProductResponse) items: ProductResponse[];
  @NextCursor() nextCursor: string | null;
}
