import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsISO8601, IsOptional, Matches } from 'class-validator';
import { IsCents, IsCount, IsId, IsOneOf, IsSku, IsText, PageQueryDto, PERIOD_PATTERN } from '@campus/core';
import { ENTRY_KINDS, EntryKind, SETTLEMENT_STATUSES, SettlementStatus } from '../commission.types';

const PERIOD_MESSAGE = 'must be a month as YYYY-MM, e.g. 2026-11';

function IsValidity(description: string): PropertyDecorator {
  return (target, key) => {
    ApiPropertyOptional({ description, example: '2026-11-01' })(target, key);
    IsOptional()(target, key);
    IsISO8601({ strict: true }, { message: 'must be an ISO 8601 date (YYYY-MM-DD) or timestamp' })(
      target,
      key,
    );
  };
}

/** A rule for one SKU, one category or (neither) the default; a rate and/or a fixed amount per unit. */
export class CreateCommissionRuleDto {
  @IsSku({ optional: true, description: 'the rule applies to this SKU only (most specific)' })
  sku?: string;

  @IsText({ optional: true, max: 64, description: 'the rule applies to this product category' })
  category?: string;

  @IsCount({ optional: true, max: 10_000, description: 'basis points of the line total (100 = 1%)' })
  rateBps?: number;

  @IsCents({ optional: true, description: 'fixed amount per unit sold' })
  fixedCents?: number;

  @IsValidity('first day (Asia/Shanghai) or instant the rule applies; open when absent')
  validFrom?: string;

  @IsValidity('last day (inclusive, Asia/Shanghai) or instant (exclusive) the rule applies')
  validTo?: string;
}

/** A monthly volume tier for a region: from the `fromOrder`-th completed order of a month, +`bonusBps`. */
export class CreateCommissionTierDto {
  @IsId()
  regionId: string;

  @IsCount({ min: 2, max: 100_000, description: 'the tier starts with this completed order of the month' })
  fromOrder: number;

  @IsCount({ min: 1, max: 10_000, description: 'extra basis points on every line of those orders' })
  bonusBps: number;

  @IsValidity('first day (Asia/Shanghai) or instant the tier applies')
  validFrom?: string;

  @IsValidity('last day (inclusive, Asia/Shanghai) or instant (exclusive) the tier applies')
  validTo?: string;
}

export class TierQueryDto {
  @IsId({ optional: true })
  regionId?: string;
}

export class EntryQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ description: 'an agent id, or "me" for the calling agent' })
  @IsOptional()
  @Matches(/^(me|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})$/, {
    message: 'must be an agent id or "me"',
  })
  agentId?: string;

  @ApiPropertyOptional({ example: '2026-11' })
  @IsOptional()
  @Matches(PERIOD_PATTERN, { message: PERIOD_MESSAGE })
  period?: string;

  @IsOneOf(ENTRY_KINDS, { optional: true })
  kind?: EntryKind;
}

export class PeriodQueryDto {
  @ApiPropertyOptional({ example: '2026-11', description: 'default: the current month (Asia/Shanghai)' })
  @IsOptional()
  @Matches(PERIOD_PATTERN, { message: PERIOD_MESSAGE })
  period?: string;
}

export class RequiredPeriodQueryDto {
  @ApiProperty({ example: '2026-11' })
  @Matches(PERIOD_PATTERN, { message: PERIOD_MESSAGE })
  period: string;
}

/** An admin's correction: a new signed entry in the current period, with a reason. */
export class CreateAdjustmentDto {
  @IsId()
  agentId: string;

  @IsCents({ allowNegative: true, description: 'signed; positive pays the agent more, negative less' })
  amountCents: number;

  @IsText({ min: 3, max: 500 })
  reason: string;
}

export class CreateSettlementDto {
  @IsId()
  regionId: string;

  @ApiProperty({
    example: '2026-11',
    description: 'the month to close (Asia/Shanghai); earlier unsettled entries roll in',
  })
  @Matches(PERIOD_PATTERN, { message: PERIOD_MESSAGE })
  period: string;
}

export class MarkPaidDto {
  @IsText({ optional: true, max: 200, description: 'the bank transfer or payment batch reference' })
  paymentReference?: string;
}

export class SettlementQueryDto extends PageQueryDto {
  @IsId({ optional: true })
  regionId?: string;

  @ApiPropertyOptional({ example: '2026-11' })
  @IsOptional()
  @Matches(PERIOD_PATTERN, { message: PERIOD_MESSAGE })
  period?: string;

  @IsOneOf(SETTLEMENT_STATUSES, { optional: true })
  status?: SettlementStatus;
}
