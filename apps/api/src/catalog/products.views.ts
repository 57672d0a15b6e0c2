import { ApiPropertyOptional } from '@nestjs/swagger';
import type { ProductView, StockMovementView } from '@campus/catalog';
import { Page } from '@campus/core';
import {
  Bool,
  Enum,
  Id,
  Int,
  List,
  NextCursor,
  NullableId,
  NullableInt,
  Obj,
  Str,
  Time,
} from '../common/view-props';

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
  @ApiPropertyOptional({ type: 'integer', nullable: true, description: 'unit cost: in admin answers only' })
  costCents?: number | null;
  @Obj(StockView) stock: StockView;
  @Time() createdAt: Date;
  @Time() updatedAt: Date;
}

export class ProductPage implements Page<ProductResponse> {
  @List(ProductResponse) items: ProductResponse[];
  @NextCursor() nextCursor: string | null;
}

export class StockMovementResponse implements StockMovementView {
  @Str() id: string;
  @Enum(['initial', 'adjustment', 'consumed', 'restocked']) kind: StockMovementView['kind'];
  @Int({ description: 'units added to (+) or taken from (−) on hand' }) onHandDelta: number;
  @Str() reason: string;
  @NullableId() orderId: string | null;
  @NullableId() actorId: string | null;
  @Time() at: Date;
}

export class StockMovementPage implements Page<StockMovementResponse> {
  @List(StockMovementResponse) items: StockMovementResponse[];
  @NextCursor() nextCursor: string | null;
}
