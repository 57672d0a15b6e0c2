import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsDateString,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateIf,
} from 'class-validator';
import { IsCents, IsId, IsOneOf, IsPhone, IsText, PageQueryDto, ToBool } from '@campus/core';
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

/** The kinds the call centre or a manager opens by hand (install tasks follow their orders). */
export const MANUAL_TASK_KINDS = ['repair_pickup', 'training', 'repair_return'] as const;
export type ManualTaskKind = (typeof MANUAL_TASK_KINDS)[number];

export class CreateTaskDto {
  @IsOneOf(MANUAL_TASK_KINDS, {
    optional: true,
    description:
      'repair_pickup (default), training (teach the customer to use what was installed: a checklist) or repair_return (bring a repaired item back); training and repair_return earn the fee the admin set for the kind',
  })
  kind?: ManualTaskKind;

  @IsId({
    optional: true,
    description: 'the order it is about (in scope, else 404): its campus and customer are the task’s',
  })
  orderId?: string;

  @ValidateIf((o: CreateTaskDto) => !o.orderId || o.customerPhone !== undefined)
  @IsPhone({ description: 'the customer (required without an order)' })
  customerPhone?: string;

  @IsText({ max: 100, optional: true, example: 'Han Meimei' })
  customerName?: string;

  @ValidateIf((o: CreateTaskDto) => !o.orderId || o.campusId !== undefined)
  @IsId({ description: 'the campus where the job is done (required without an order)' })
  campusId?: string;

  @IsText({ max: 1000, example: 'Laptop does not power on; collect for repair' })
  description: string;

  @IsText({ max: 300, optional: true, example: 'Dorm 5, room 302' })
  address?: string;

  @IsId({ optional: true, description: 'an active agent of the campus; without it the task waits, open' })
  agentId?: string;

  @ApiPropertyOptional({
    type: [String],
    maxItems: 12,
    description: 'training only: the points to teach (default: a standard checklist)',
    example: ['Power on and reset', 'Connect a phone to the Wi-Fi', 'Change the Wi-Fi password'],
  })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(12)
  @IsString({ each: true })
  @MinLength(1, { each: true })
  @MaxLength(100, { each: true })
  checklist?: string[];
}

/** @deprecated the repair-only name of CreateTaskDto. */
export { CreateTaskDto as CreateRepairTaskDto };

/** The training checklist as the agent ticks it: the positions (0-based) of the points taught. */
export class TickChecklistDto {
  @ApiProperty({
    type: [Number],
    example: [0, 1],
    description: 'every ticked point (0-based); the others are unticked',
  })
  @IsArray()
  @ArrayMaxSize(12)
  @IsInt({ each: true })
  @Min(0, { each: true })
  @Max(11, { each: true })
  ticked: number[];
}

export class SetTaskFeeDto {
  @IsCents({ description: 'what an agent earns for one task of this kind (fen)' })
  feeCents: number;
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
