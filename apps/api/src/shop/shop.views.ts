import { ApiPropertyOptional } from '@nestjs/swagger';
import type { AddressView } from '@campus/auth';
import type { ShopCategoryView, ShopProductView } from '@campus/catalog';
import { Page } from '@campus/core';
import type { ShopCampusView } from '@campus/network';
import { Bool, Id, Int, List, NextCursor, NullableStr, Str, Time } from '../common/view-props';

export class ShopCampusResponse implements ShopCampusView {
  @Id() id: string;
  @Str() code: string;
  @Str() name: string;
  @Str() regionName: string;
}

export class ShopCampusList {
  @List(ShopCampusResponse) items: ShopCampusResponse[];
}

export class ShopProductResponse implements ShopProductView {
  @Str() sku: string;
  @Str() name: string;
  @Str() category: string;
  @Int({ description: 'CNY fen' }) priceCents: number;
  @Int({ minimum: 0, maximum: 99, description: 'units that can still be ordered, capped at 99' })
  available: number;
  @Bool() requiresInstallation: boolean;
  @ApiPropertyOptional({ type: 'integer', description: 'the flash-sale price while a sale runs (CNY fen)' })
  salePriceCents?: number;
  @ApiPropertyOptional({ type: String, format: 'date-time', description: 'when the running sale ends' })
  saleEndsAt?: Date;
}

export class ShopProductPage implements Page<ShopProductResponse> {
  @List(ShopProductResponse) items: ShopProductResponse[];
  @NextCursor() nextCursor: string | null;
}

export class ShopCategoryResponse implements ShopCategoryView {
  @Str() category: string;
  @Int({ description: 'active products in it' }) products: number;
}

export class ShopCategoryList {
  @List(ShopCategoryResponse) items: ShopCategoryResponse[];
}

export class ShopPickupPointResponse {
  @Id() id: string;
  @Str() code: string;
  @Str() name: string;
  @NullableStr() address: string | null;
  @Id() campusId: string;
  @Bool() hasLocker: boolean;
  @Bool() hasCounter: boolean;
}

export class ShopPickupPointList {
  @List(ShopPickupPointResponse) items: ShopPickupPointResponse[];
}

export class AddressResponse implements AddressView {
  @Id() id: string;
  @NullableStr() label: string | null;
  @Id() campusId: string;
  @Str() building: string;
  @Str() room: string;
  @NullableStr() recipientName: string | null;
  @NullableStr() phone: string | null;
  @Time() createdAt: Date;
  @Time() updatedAt: Date;
}

export class AddressList {
  @List(AddressResponse) items: AddressResponse[];
}
