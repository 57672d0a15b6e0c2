import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { IsDateString, IsOptional } from 'class-validator';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { AuditRecordView, AuditService } from '@campus/audit';
import { Ctx, Roles } from '@campus/auth';
import { IsId, IsText, Page, PageQueryDto, RequestContext } from '@campus/core';
import { AuditPage } from './audit.views';

export class AuditQueryDto extends PageQueryDto {
  @IsText({ max: 64, optional: true, description: 'user, product, region, settlement, …' })
  entityType?: string;

  @IsText({ max: 100, optional: true, description: 'the id (or SKU) of the thing changed' })
  entityId?: string;

  @IsId({ optional: true, description: 'who made the change' })
  actorId?: string;

  @IsText({ max: 64, optional: true, description: 'e.g. product.update, user.password_reset' })
  action?: string;

  @ApiPropertyOptional({ description: 'from this instant (inclusive), ISO 8601', format: 'date-time' })
  @IsOptional()
  @IsDateString({}, { message: 'must be an ISO 8601 date or date-time' })
  from?: string;

  @ApiPropertyOptional({ description: 'until this instant (exclusive), ISO 8601', format: 'date-time' })
  @IsOptional()
  @IsDateString({}, { message: 'must be an ISO 8601 date or date-time' })
  to?: string;
}

@ApiTags('operations')
@ApiBearerAuth()
@Controller('audit')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  @Roles('admin', 'regional_manager')
  @ApiOperation({
    summary:
      'The audit log of staff changes, newest first: who, what, before → after, when. A regional manager ' +
      'sees the rows of their region.',
  })
  @ApiOkResponse({ type: AuditPage })
  list(@Ctx() ctx: RequestContext, @Query() q: AuditQueryDto): Promise<Page<AuditRecordView>> {
    return this.audit.list(ctx, q);
  }
}
