import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsDateString, IsOptional, IsString, Matches } from 'class-validator';
import { IsId, IsOneOf, IsPhone, IsText, PageQueryDto, ToBool } from '@campus/core';
import { TASK_KINDS, TASK_STATUSES, TaskKind, TaskStatus } from '../task-state-machine';

const AGENT_FILTER = /^(me|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i;

export class TaskQueryDto extends PageQueryDto {
  @IsOneOf(TASK_STATUSES, { optional: true })
  status?: TaskStatus;

  @IsOneOf(TASK_KINDS, { optional: true })
  kind?: TaskKind;

  @ApiPropertyOptional({ description: 'the agent doing the task, or "me" for the calling agent' })
  @IsOptional()
  @Matches(AGENT_FILTER, { message: 'must be an agent id or "me"' })
  agentId?: string;

  @IsId({ optional: true })
  campusId?: string;

  @IsId({ optional: true, description: 'the tasks of one order' })
  orderId?: string;

  @ApiPropertyOptional({ description: 'true: past the SLA deadline and not done; false: the others' })
  @IsOptional()
  @ToBool()
  @IsBoolean()
  overdue?: boolean;

  @ApiPropertyOptional({ description: 'true: only tasks still to do (not done, failed or cancelled)' })
  @IsOptional()
  @ToBool()
  @IsBoolean()
  active?: boolean;
}

export class CreateRepairTaskDto {
  @IsPhone({ description: 'the customer who has an item to collect for repair' })
  customerPhone: string;

  @IsText({ max: 100, optional: true, example: 'Han Meimei' })
  customerName?: string;

  @IsId({ description: 'the campus where the item is collected' })
  campusId: string;

  @IsText({ max: 1000, example: 'Laptop does not power on; collect for repair' })
  description: string;

  @IsText({ max: 300, optional: true, example: 'Dorm 5, room 302' })
  address?: string;

  @IsId({ optional: true, description: 'an active agent of the campus; without it the task waits, open' })
  agentId?: string;
}

export class AssignTaskDto {
  @IsId({ description: 'an active agent of the task’s campus' })
  agentId: string;

  @IsText({ max: 500, optional: true })
  reason?: string;
}

export class ScheduleTaskDto {
  @ApiProperty({ format: 'date-time', description: 'start of the window the customer agreed to' })
  @IsDateString({ strict: true }, { message: 'must be an ISO 8601 date-time' })
  windowStart: string;

  @ApiProperty({ format: 'date-time', description: 'end of the window (15 min to 8 h after the start)' })
  @IsDateString({ strict: true }, { message: 'must be an ISO 8601 date-time' })
  windowEnd: string;
}

export class CompleteTaskDto {
  @ApiProperty({ example: '042917', description: 'the 6-digit code texted to the customer' })
  @IsString()
  @Matches(/^\d{6}$/, { message: 'must be the 6-digit confirmation code' })
  confirmationCode: string;

  @IsText({ max: 2000, optional: true, example: 'Router installed, Wi-Fi password set with the customer' })
  notes?: string;
}

export class FailTaskDto {
  @IsText({ max: 500, example: 'customer not at home' })
  reason: string;
}
