import { ApiProperty } from '@nestjs/swagger';
import { CHANNELS, Page } from '@campus/core';
import {
  CouponView,
  FlashSaleView,
  IssuedCoupons,
  PROMOTION_KINDS,
  PromotionKind,
  PromotionView,
} from '@campus/pricing';
import {
  Bool,
  Enum,
  Id,
  Int,
  List,
  NextCursor,
  NullableId,
  NullableInt,
  NullableStr,
  Str,
  Time,
} from '../common/view-props';

export class PromotionResponse implements PromotionView {
  @Id() id: string;
  @Str() name: string;
  @Enum(PROMOTION_KINDS) kind: PromotionKind;
  @NullableInt({ description: 'percent_off: basis points' }) percentBps: number | null;
  @NullableInt() amountCents: number | null;
  @Int() thresholdCents: number;
  @NullableStr() giftSku: string | null;
  @ApiProperty({ type: [String] }) skus: string[];
  @ApiProperty({ type: [String] }) categories: string[];
  @NullableId() regionId: string | null;
  @ApiProperty({ type: [String] }) campusIds: string[];
  @ApiProperty({ enum: CHANNELS, isArray: true }) channels: string[];
  @Bool() requiresCoupon: boolean;
  @Time() startsAt: Date;
  @Time() endsAt: Date;
  @NullableInt() maxUses: number | null;
  @Int({ description: 'orders that used it (given back on cancel/return)' }) uses: number;
  @Bool() active: boolean;
  @Int() couponCount: number;
  @Time() createdAt: Date;
  @Time() updatedAt: Date;
}

export class PromotionPage implements Page<PromotionResponse> {
  @List(PromotionResponse) items: PromotionResponse[];
  @NextCursor() nextCursor: string | null;
}

export class IssuedCouponsResponse implements IssuedCoupons {
  @Id() promotionId: string;
  @Id() batchId: string;
  @ApiProperty({ type: [String] }) codes: string[];
}

export class SentCouponView {
  @Str() phone: string;
  @Str() code: string;
}

export class SentCouponsResponse extends IssuedCouponsResponse {
  @List(SentCouponView) sent: SentCouponView[];
}

export class CouponResponse implements CouponView {
  @Id() id: string;
  @Str() code: string;
  @Id() batchId: string;
  @NullableInt() maxUses: number | null;
  @Int() uses: number;
  @Int() perCustomer: number;
  @NullableId() agentId: string | null;
  @NullableStr() issuedTo: string | null;
  @Bool() active: boolean;
  @Time() createdAt: Date;
}

export class CouponPage implements Page<CouponResponse> {
  @List(CouponResponse) items: CouponResponse[];
  @NextCursor() nextCursor: string | null;
}

export class FlashSaleResponse implements FlashSaleView {
  @Id() id: string;
  @Str() sku: string;
  @Str() name: string;
  @Int() listPriceCents: number;
  @Int() priceCents: number;
  @Int() quantity: number;
  @Int() sold: number;
  @Int() remaining: number;
  @Int() perCustomerLimit: number;
  @NullableId() regionId: string | null;
  @ApiProperty({ type: [String] }) campusIds: string[];
  @Time() startsAt: Date;
  @Time() endsAt: Date;
  @Bool() active: boolean;
  @Bool() running: boolean;
  @Time() createdAt: Date;
}

export class FlashSalePage implements Page<FlashSaleResponse> {
  @List(FlashSaleResponse) items: FlashSaleResponse[];
  @NextCursor() nextCursor: string | null;
}
