import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsDateString,
  IsIn,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
} from 'class-validator';
import {
  CHANNELS,
  Channel,
  IsCents,
  IsCount,
  IsId,
  IsOneOf,
  IsSku,
  IsText,
  PageQueryDto,
  toE164,
} from '@campus/core';
import { PROMOTION_KINDS, PromotionKind } from '../pricing-policy';

function IsInstant(description: string, optional = false): PropertyDecorator {
  return (target, key) => {
    (optional ? ApiPropertyOptional : ApiProperty)({ description, type: String, format: 'date-time' })(
      target,
      key,
    );
    if (optional) IsOptional()(target, key);
    IsDateString({ strict: true }, { message: 'must be an ISO 8601 date-time' })(target, key);
  };
}

const SKU_RE = /^[A-Z0-9][A-Z0-9._-]{0,63}$/;
export const COUPON_CODE_RE = /^[A-Z0-9][A-Z0-9_-]{2,31}$/;
const upper = () =>
  Transform(({ value }) =>
    Array.isArray(value) ? value.map((v) => (typeof v === 'string' ? v.trim().toUpperCase() : v)) : value,
  );
const lower = () =>
  Transform(({ value }) =>
    Array.isArray(value) ? value.map((v) => (typeof v === 'string' ? v.trim().toLowerCase() : v)) : value,
  );

export class CreatePromotionDto {
  @IsText({ max: 100, example: '开学季 满100减20' })
  name: string;

  @IsOneOf(PROMOTION_KINDS)
  kind: PromotionKind;

  @IsCount({ optional: true, min: 1, max: 10_000, description: 'percent_off: basis points (1000 = 10%)' })
  percentBps?: number;

  @IsCents({
    optional: true,
    description: 'amount_off: off each unit (a coupon: off the order); spend_and_save: off the order',
  })
  amountCents?: number;

  @IsCents({ optional: true, description: 'spend_and_save (required) and gift: eligible goods needed' })
  thresholdCents?: number;

  @IsSku({ optional: true, description: 'gift: the SKU given free (one unit, while its stock lasts)' })
  giftSku?: string;

  @ApiPropertyOptional({ type: [String], description: 'eligible SKUs (none and no categories: everything)' })
  @IsOptional()
  @upper()
  @IsArray()
  @ArrayMaxSize(200)
  @IsString({ each: true })
  @Matches(SKU_RE, { each: true, message: 'each must be a SKU' })
  skus?: string[];

  @ApiPropertyOptional({ type: [String], description: 'eligible categories' })
  @IsOptional()
  @lower()
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @MaxLength(64, { each: true })
  categories?: string[];

  @IsId({ optional: true, description: 'the region it runs in (forced to their own for managers)' })
  regionId?: string;

  @ApiPropertyOptional({ type: [String], description: 'only these campuses (of the region)' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @IsUUID('all', { each: true })
  campusIds?: string[];

  @ApiPropertyOptional({ enum: CHANNELS, isArray: true, description: 'only orders from these channels' })
  @IsOptional()
  @IsArray()
  @IsIn(CHANNELS as unknown as string[], {
    each: true,
    message: `each must be one of: ${CHANNELS.join(', ')}`,
  })
  channels?: Channel[];

  @ApiPropertyOptional({
    description: 'applies only with one of its coupons (not automatically)',
    default: false,
  })
  @IsOptional()
  @IsBoolean()
  requiresCoupon?: boolean;

  @IsInstant('when it starts')
  startsAt: string;

  @IsInstant('when it ends (exclusive)')
  endsAt: string;

  @IsCount({ optional: true, min: 1, description: 'budget: orders that may use it in total' })
  maxUses?: number;
}

export class UpdatePromotionDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  active?: boolean;

  @IsInstant('a new end', true)
  endsAt?: string;

  @ApiPropertyOptional({
    type: 'integer',
    nullable: true,
    minimum: 1,
    description: 'null removes the budget',
  })
  @IsCount({ optional: true, min: 1 })
  maxUses?: number | null;

  @IsText({ max: 100, optional: true })
  name?: string;
}

export class PromotionQueryDto extends PageQueryDto {
  @IsOneOf(['running', 'upcoming', 'ended'] as const, { optional: true })
  status?: 'running' | 'upcoming' | 'ended';

  @IsOneOf(PROMOTION_KINDS, { optional: true })
  kind?: PromotionKind;
}

export class IssueCouponsDto {
  @IsCount({ optional: true, min: 1, max: 10_000, description: 'unique codes to make (default 1)' })
  count?: number;

  @ApiPropertyOptional({
    description: 'one shared code (3–32 letters, digits, "_" or "-")',
    example: 'WELCOME10',
  })
  @IsOptional()
  @Transform(({ value }) => (typeof value === 'string' ? value.trim().toUpperCase() : value))
  @IsString()
  @Matches(COUPON_CODE_RE, { message: 'must be 3–32 letters, digits, "_" or "-"' })
  code?: string;

  @IsCount({ optional: true, min: 1, max: 100, description: 'uses per customer (default 1)' })
  perCustomer?: number;

  @IsCount({
    optional: true,
    min: 1,
    description: 'uses of each code in total (default: 1 for unique codes, unlimited for a shared code)',
  })
  maxUses?: number;

  @IsId({ optional: true, description: 'an agent code: orders using it are attributed to this agent' })
  agentId?: string;
}

export class SendCouponsDto {
  @ApiProperty({ type: [String], description: 'customers to text one single-use code each (1–1000)' })
  @Transform(({ value }) =>
    Array.isArray(value) ? value.map((v) => (typeof v === 'string' ? (toE164(v) ?? v) : v)) : value,
  )
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(1000)
  @IsString({ each: true })
  @Matches(/^\+\d{6,15}$/, { each: true, message: 'each must be a valid phone number' })
  phones: string[];
}

export class CouponQueryDto extends PageQueryDto {
  @IsId({ optional: true })
  batchId?: string;

  @IsOneOf(['json', 'csv'] as const, { optional: true })
  format?: 'json' | 'csv';
}

export class CreateFlashSaleDto {
  @IsSku()
  sku: string;

  @IsCents({ description: 'the sale price (below the list price)' })
  priceCents: number;

  @IsCount({ min: 1, description: 'units at the sale price' })
  quantity: number;

  @IsCount({ min: 1, max: 999, description: 'units one customer may buy at the sale price' })
  perCustomerLimit: number;

  @IsInstant('when it starts')
  startsAt: string;

  @IsInstant('when it ends (exclusive)')
  endsAt: string;

  @IsId({ optional: true, description: 'the region it runs in (forced to their own for managers)' })
  regionId?: string;

  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @IsUUID('all', { each: true })
  campusIds?: string[];
}

export class UpdateFlashSaleDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  active?: boolean;

  @IsInstant('a new end', true)
  endsAt?: string;
}

export class FlashSaleQueryDto extends PageQueryDto {
  @IsOneOf(['running', 'upcoming', 'ended'] as const, { optional: true })
  status?: 'running' | 'upcoming' | 'ended';

  @IsSku({ optional: true })
  sku?: string;

  @IsId({ optional: true })
  campusId?: string;
}
