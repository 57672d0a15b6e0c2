import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { CHANNELS, Channel, IsCode, IsId, IsOneOf, IsPhone, IsSku, IsText } from '@campus/core';
import { FULFILMENT_TYPES, FulfilmentType, PAYMENT_METHODS, PaymentMethod } from '@campus/orders';

export const MAX_LINES = 50;
export const MAX_QUANTITY = 999;

export class OrderLineDto {
  @IsSku()
  sku: string;

  @ApiProperty({ type: 'integer', minimum: 1, maximum: MAX_QUANTITY, example: 2 })
  @IsInt({ message: 'must be a whole number' })
  @Min(1, { message: 'must be at least 1' })
  @Max(MAX_QUANTITY, { message: `must be at most ${MAX_QUANTITY}` })
  quantity: number;
}

export class OrderCustomerDto {
  @IsPhone()
  phone: string;

  @IsText({ max: 100, optional: true, example: 'Li Lei' })
  name?: string;
}

export class FulfillmentDto {
  @IsOneOf(FULFILMENT_TYPES)
  type: FulfilmentType;

  @IsId({ optional: true, description: 'required for locker and counter' })
  pickupPointId?: string;

  @IsId({ optional: true, description: 'required for delivery unless addressId is given' })
  campusId?: string;

  @IsText({
    max: 300,
    optional: true,
    description: 'required for delivery unless addressId is given',
    example: 'Dorm 5, room 302',
  })
  address?: string;

  @IsId({
    optional: true,
    description:
      'delivery to a saved address of the calling customer (GET /api/me/addresses), instead of campusId + address',
  })
  addressId?: string;
}

export class PlaceOrderDto {
  @IsOneOf(CHANNELS, {
    optional: true,
    description: 'follows from the caller; customers may declare web or wap',
  })
  channel?: Channel;

  @ApiPropertyOptional({ type: OrderCustomerDto, description: 'who the order is for (staff channels)' })
  @ValidateNested()
  @Type(() => OrderCustomerDto)
  @IsObject()
  @ValidateIf((_, v) => v !== undefined)
  customer?: OrderCustomerDto;

  @ApiProperty({ type: [OrderLineDto] })
  @IsArray()
  @ArrayMinSize(1, { message: 'an order needs at least one line' })
  @ArrayMaxSize(MAX_LINES, { message: `at most ${MAX_LINES} lines` })
  @ValidateNested({ each: true })
  @Type(() => OrderLineDto)
  lines: OrderLineDto[];

  @ApiProperty({ type: FulfillmentDto })
  @IsObject()
  @ValidateNested()
  @Type(() => FulfillmentDto)
  fulfillment: FulfillmentDto;

  @IsOneOf(PAYMENT_METHODS)
  paymentMethod: PaymentMethod;

  @IsCode({ optional: true, example: 'AG7K2Q', description: 'referral code of the agent to attribute' })
  agentCode?: string;

  @IsText({ max: 500, optional: true, example: 'after 6pm' })
  note?: string;

  @ApiPropertyOptional({
    description: 'a coupon or agent code (unknown/expired → 422 coupon_invalid, used up → 409 coupon_used)',
    example: 'WELCOME10',
  })
  @IsOptional()
  @Transform(({ value }) => (typeof value === 'string' ? value.trim().toUpperCase() : value))
  @IsString()
  @Matches(/^[A-Z0-9][A-Z0-9_-]{2,31}$/, { message: 'must be 3–32 letters, digits, "_" or "-"' })
  couponCode?: string;

  @ApiPropertyOptional({
    description:
      'a sold-out flash sale: take the line at the list price instead of 409 flash_sale_sold_out (default false)',
  })
  @IsOptional()
  @IsBoolean()
  allowListPrice?: boolean;
}
