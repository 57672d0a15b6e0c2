import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsOptional, Matches } from 'class-validator';
import { PageQueryDto, ToBool } from '@campus/core';

export class AlertQueryDto extends PageQueryDto {
  @ApiPropertyOptional({
    description: 'only alerts of this kind, e.g. low_stock, order_assigned, task_assigned',
  })
  @IsOptional()
  @Matches(/^[a-z][a-z0-9_]{0,63}$/, { message: 'must be an alert kind such as low_stock' })
  kind?: string;

  @ApiPropertyOptional({ description: 'true: only acknowledged alerts; false: only those still open' })
  @IsOptional()
  @ToBool()
  @IsBoolean({ message: 'must be true or false' })
  acknowledged?: boolean;
}
