import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsObject, IsOptional, Max, Min, ValidateNested } from 'class-validator';
import { IsCode, IsId, IsOneOf, IsPhone, IsText, PageQueryDto } from '@campus/core';
import { AGENT_STATUSES, AgentStatus } from '../network.entities';

export class CreateRegionDto {
  @IsCode({ example: 'BJ' })
  code: string;

  @IsText({ max: 100, example: 'Beijing' })
  name: string;
}

export class CreateCampusDto {
  @IsCode({ example: 'PKU' })
  code: string;

  @IsText({ max: 100, example: 'Peking University' })
  name: string;

  @IsId()
  regionId: string;
}

export class CreatePickupPointDto {
  @IsCode({ example: 'PKU-DORM3' })
  code: string;

  @IsText({ max: 100, example: 'Dorm 3 lobby' })
  name: string;

  @IsId()
  campusId: string;

  @IsText({ max: 300, optional: true })
  address?: string;
}

/** Codes never change (texts and SMS commands quote them); names do. */
export class UpdateRegionDto {
  @IsText({ max: 100, example: 'Beijing' })
  name: string;
}

export class UpdateCampusDto {
  @IsText({ max: 100, example: 'Peking University' })
  name: string;
}

export class UpdatePickupPointDto {
  @IsText({ max: 100, optional: true, example: 'Dorm 3 lobby' })
  name?: string;

  @IsText({ max: 300, optional: true, description: 'an empty string clears it', min: 0 })
  address?: string;
}

export class CompartmentCountsDto {
  @ApiPropertyOptional({ minimum: 0, maximum: 200 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(200)
  S?: number;

  @ApiPropertyOptional({ minimum: 0, maximum: 200 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(200)
  M?: number;

  @ApiPropertyOptional({ minimum: 0, maximum: 200 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(200)
  L?: number;
}

export class CreateLockerDto {
  @IsCode({ example: 'PKU-L1' })
  code: string;

  @IsId()
  pickupPointId: string;

  @ApiPropertyOptional({ type: CompartmentCountsDto, example: { S: 10, M: 6, L: 2 } })
  @IsObject()
  @ValidateNested()
  @Type(() => CompartmentCountsDto)
  compartments: CompartmentCountsDto;
}

export class CreateAgentDto {
  @IsText({ max: 64, example: 'agent.li' })
  username: string;

  @IsText({ min: 8, max: 200, description: 'at least 8 characters' })
  password: string;

  @IsText({ max: 100, example: 'Li Lei' })
  displayName: string;

  @IsPhone()
  phone: string;

  @IsId()
  campusId: string;
}

export class UpdateAgentDto {
  @IsOneOf(AGENT_STATUSES, { optional: true })
  status?: AgentStatus;

  @IsId({ optional: true })
  campusId?: string;
}

export class AgentQueryDto extends PageQueryDto {
  @IsId({ optional: true })
  campusId?: string;

  @IsOneOf(AGENT_STATUSES, { optional: true })
  status?: AgentStatus;
}
