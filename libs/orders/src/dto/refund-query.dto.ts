import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsDateString, IsOptional } from 'class-validator';
import { IsId, IsOneOf, PageQueryDto } from '@campus/core';
import { REFUND_METHODS, REFUND_STATUSES, RefundMethod, RefundStatus } from '../money-policy';

/** Filters of `GET /api/refunds` (finance: admins everything, managers their region). */
export class RefundQueryDto extends PageQueryDto {
  @IsOneOf(REFUND_STATUSES, { optional: true })
  status?: RefundStatus;

  @IsOneOf(REFUND_METHODS, { optional: true })
  method?: RefundMethod;

  @IsId({ optional: true, description: 'cash refunds owed by this agent' })
  holderAgentId?: string;

  @IsId({ optional: true })
  orderId?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'created at or after' })
  @IsOptional()
  @IsDateString({}, { message: 'must be an ISO 8601 date or date-time' })
  from?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'created before' })
  @IsOptional()
  @IsDateString({}, { message: 'must be an ISO 8601 date or date-time' })
  to?: string;
}
