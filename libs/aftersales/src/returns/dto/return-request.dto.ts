import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsInt, Max, Min, ValidateNested } from 'class-validator';
import { IsId, IsOneOf, IsSku, IsText, PageQueryDto } from '@campus/core';
import {
  RETURN_COLLECTIONS,
  RETURN_REQUEST_STATUSES,
  ReturnCollection,
  ReturnRequestStatus,
} from '../return-request.types';

export class ReturnLineDto {
  @IsSku()
  sku: string;

  @ApiProperty({ type: 'integer', minimum: 1, maximum: 999, example: 1 })
  @IsInt({ message: 'must be a whole number' })
  @Min(1, { message: 'must be at least 1' })
  @Max(999, { message: 'must be at most 999' })
  quantity: number;
}

export class CreateReturnRequestDto {
  @ApiProperty({
    type: [ReturnLineDto],
    description: 'the SKUs and units to return (some lines, some units)',
  })
  @IsArray()
  @ArrayMinSize(1, { message: 'name at least one line to return' })
  @ArrayMaxSize(50, { message: 'at most 50 lines' })
  @ValidateNested({ each: true })
  @Type(() => ReturnLineDto)
  lines: ReturnLineDto[];

  @IsText({ max: 500, example: 'the charger does not work' })
  reason: string;
}

export class DecideReturnRequestDto {
  @IsText({ max: 500, example: 'checked with the customer' })
  note: string;

  @IsOneOf(RETURN_COLLECTIONS, {
    optional: true,
    description:
      'approve only: `agent` (default) opens a return_pickup task; `drop_off`: the customer brings it',
  })
  collection?: ReturnCollection;
}

export class ReturnRequestQueryDto extends PageQueryDto {
  @IsOneOf(RETURN_REQUEST_STATUSES, { optional: true })
  status?: ReturnRequestStatus;

  @IsId({ optional: true, description: 'the requests of one order' })
  orderId?: string;
}

export class ReceiveReturnDto {
  @ApiPropertyOptional({ description: 'what was checked at receipt' })
  @IsText({ max: 500, optional: true })
  note?: string;
}
