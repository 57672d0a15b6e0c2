import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsDateString, IsOptional, Matches } from 'class-validator';
import { CHANNELS, Channel, IsId, IsOneOf, IsPhone, IsText, PageQueryDto, ToBool } from '@campus/core';
import { IsBoolean } from 'class-validator';
import { ORDER_STATUSES, OrderStatus } from '../order-state-machine';

const AGENT_FILTER = /^(me|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i;

export class OrderQueryDto extends PageQueryDto {
  @IsOneOf(ORDER_STATUSES, { optional: true })
  status?: OrderStatus;

  @IsOneOf(CHANNELS, { optional: true })
  channel?: Channel;

  @IsId({ optional: true })
  campusId?: string;

  @ApiPropertyOptional({ description: 'attributed agent id, or "me"' })
  @IsOptional()
  @Matches(AGENT_FILTER, { message: 'must be an agent id or "me"' })
  agentId?: string;

  @ApiPropertyOptional({ description: 'delivering agent id, or "me"' })
  @IsOptional()
  @Matches(AGENT_FILTER, { message: 'must be an agent id or "me"' })
  assignedAgentId?: string;

  @ApiPropertyOptional({ description: 'only confirmed orders no agent delivers yet (the dispatch pool)' })
  @IsOptional()
  @ToBool()
  @IsBoolean()
  unassigned?: boolean;

  @ApiPropertyOptional({
    description: 'the order number, exactly (as read out on the phone)',
    example: '261126000123',
  })
  @IsOptional()
  @Transform(({ value }) => (typeof value === 'string' ? value.replace(/\s+/g, '') : value))
  @Matches(/^\d{6,20}$/, { message: 'must be an order number (digits only)' })
  number?: string;

  @IsPhone({ optional: true, description: "the customer's phone number" })
  phone?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'created at or after' })
  @IsOptional()
  @IsDateString({}, { message: 'must be an ISO 8601 date or date-time' })
  from?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'created before' })
  @IsOptional()
  @IsDateString({}, { message: 'must be an ISO 8601 date or date-time' })
  to?: string;
}

export class ReasonDto {
  @IsText({ max: 500, example: 'customer changed their mind' })
  reason: string;
}

export class OrderEventsQueryDto {
  @ApiPropertyOptional({
    description: 'include the texts sent about the order (type "text", masked); default true',
    default: true,
  })
  @IsOptional()
  @ToBool()
  @IsBoolean({ message: 'must be true or false' })
  texts?: boolean;
}
