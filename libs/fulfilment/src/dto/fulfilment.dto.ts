import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Matches, Min } from 'class-validator';
import { IsCents, IsId, IsOneOf, IsPhone, IsText, PageQueryDto } from '@campus/core';
import { COMPARTMENT_SIZES, CompartmentSize } from '@campus/network';
import { FAILED_ATTEMPT_REASONS, FailedAttemptReason } from '../delivery-attempts.service';

export class AssignOrderDto {
  @IsId({ description: 'an active agent of the order’s campus' })
  agentId: string;

  @IsText({ max: 500, optional: true, example: 'Li is on the north side today' })
  reason?: string;
}

export class DeliverOrderDto {
  @IsCents({
    optional: true,
    description: 'cash collected; required for COD orders and equal to the total unless overridden',
  })
  codCollectedCents?: number;

  @IsText({
    max: 500,
    optional: true,
    description: 'managers and admins only: why the cash collected differs from the total',
    example: 'customer was ¥8 short; agreed with the manager',
  })
  overrideReason?: string;
}

export class DepositOrderDto {
  @IsId({ optional: true, description: 'required for locker orders; counter orders have none' })
  lockerId?: string;

  @IsOneOf(COMPARTMENT_SIZES, {
    optional: true,
    description: 'the parcel size; the smallest free compartment of at least this size is used (default S)',
  })
  size?: CompartmentSize;
}

export class HandOverDto {
  @IsCents({ optional: true, description: 'cash taken at the counter, for COD counter sales' })
  codCollectedCents?: number;
}

export class PickupDto {
  @ApiProperty({ example: '042917', description: 'the 6-digit pickup code texted to the customer' })
  @IsString()
  @Matches(/^\d{6}$/, { message: 'must be the 6-digit pickup code' })
  code: string;

  @IsPhone({
    optional: true,
    description: 'the customer’s number: names the parcel (wrong tries then lock that parcel)',
  })
  phone?: string;

  @IsCents({ optional: true, description: 'pickup staff only: cash taken for a COD parcel' })
  codCollectedCents?: number;
}

export const SETTABLE_COMPARTMENT_STATES = ['out_of_service', 'free'] as const;
export type SettableCompartmentState = (typeof SETTABLE_COMPARTMENT_STATES)[number];

export class UpdateCompartmentDto {
  @IsOneOf(SETTABLE_COMPARTMENT_STATES, {
    description: 'out_of_service takes an empty compartment out of allocation; free puts it back',
  })
  state: SettableCompartmentState;
}

export class FailedAttemptDto {
  @IsOneOf(FAILED_ATTEMPT_REASONS, {
    description: 'why the order could not be handed over',
    example: 'unreachable',
  })
  reason: FailedAttemptReason;

  @IsText({ max: 500, optional: true, example: 'called twice, no answer; dorm door locked' })
  note?: string;
}

export class CancelUndeliverableDto {
  @IsText({ max: 500, example: 'customer unreachable on two visits' })
  reason: string;
}

export const PARCEL_LIST_STATES = ['waiting'] as const;

export class ParcelListQueryDto {
  @IsOneOf(PARCEL_LIST_STATES, {
    optional: true,
    description: 'waiting (the default): every parcel held at the point, in its lockers and at its counter',
  })
  state?: (typeof PARCEL_LIST_STATES)[number];
}

export class HandInDto {
  @IsCents({ description: 'cash handed in, in fen (more than 0)' })
  @Min(1, { message: 'must be at least 1 fen' })
  amountCents: number;

  @IsText({
    max: 500,
    description: 'to whom, how (bank bag number, receipt)',
    example: 'to manager Wang, bag 0412',
  })
  note: string;
}

export class CloseCashUpDto {
  @IsText({ max: 500, optional: true, example: 'counted twice, ¥5 short' })
  note?: string;
}

export const CASH_UP_STATUSES = ['open', 'closed'] as const;

export class CashUpQueryDto extends PageQueryDto {
  @IsId({ optional: true })
  pickupPointId?: string;

  @IsOneOf(CASH_UP_STATUSES, { optional: true })
  status?: (typeof CASH_UP_STATUSES)[number];

  @ApiPropertyOptional({ description: 'first day (YYYY-MM-DD, Asia/Shanghai)', example: '2026-11-01' })
  @IsOptional()
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'must be a day YYYY-MM-DD' })
  from?: string;

  @ApiPropertyOptional({
    description: 'last day, inclusive (YYYY-MM-DD, Asia/Shanghai)',
    example: '2026-11-30',
  })
  @IsOptional()
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'must be a day YYYY-MM-DD' })
  to?: string;
}

export const WORK_LISTS = ['orders', 'tasks'] as const;

export class WorkSeenDto {
  @IsOneOf(WORK_LISTS, { description: 'the list the agent has just opened' })
  list: (typeof WORK_LISTS)[number];
}
