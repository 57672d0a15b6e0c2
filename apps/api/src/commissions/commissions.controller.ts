import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Ctx, Roles } from '@campus/auth';
import {
  CreateAdjustmentDto,
  EarningsView,
  EntryQueryDto,
  EntryView,
  IntegrityReport,
  LedgerService,
  PeriodQueryDto,
  RequiredPeriodQueryDto,
  SettlementsService,
} from '@campus/commissions';
import { Page, RequestContext } from '@campus/core';
import { UuidParam } from '../common/validation';
import { EarningsResponse, EntryPage, EntryResponse } from './commissions.views';

/** The ledger: entries, adjustments, an agent's earnings, and the integrity check. */
@ApiTags('commissions')
@ApiBearerAuth()
@Controller()
export class CommissionsController {
  constructor(
    private readonly ledger: LedgerService,
    private readonly settlements: SettlementsService,
  ) {}

  @Get('commissions/entries')
  @Roles('admin', 'regional_manager', 'agent')
  @ApiOkResponse({
    type: EntryPage,
    description: 'entries in scope (agents their own, managers their region), newest first',
  })
  entries(@Ctx() ctx: RequestContext, @Query() q: EntryQueryDto): Promise<Page<EntryView>> {
    return this.ledger.list(ctx, q);
  }

  @Post('commissions/adjustments')
  @Roles('admin')
  @ApiCreatedResponse({
    type: EntryResponse,
    description: 'a signed adjustment entry in the current month, with its reason',
  })
  adjust(@Ctx() ctx: RequestContext, @Body() dto: CreateAdjustmentDto): Promise<EntryView> {
    return this.ledger.adjust(ctx, dto);
  }

  @Get('commissions/integrity')
  @Roles('admin')
  @ApiOkResponse({ description: 'statements vs entries of the settlements of a period; `ok` and problems' })
  integrity(@Ctx() ctx: RequestContext, @Query() q: RequiredPeriodQueryDto): Promise<IntegrityReport> {
    return this.settlements.integrity(ctx, q.period);
  }

  @Get('agents/:id/earnings')
  @Roles('admin', 'regional_manager', 'agent')
  @ApiOkResponse({
    type: EarningsResponse,
    description: 'the month by kind and the COD cash held now; netCents < 0: the agent owes',
  })
  earnings(
    @Ctx() ctx: RequestContext,
    @Param('id', UuidParam) id: string,
    @Query() q: PeriodQueryDto,
  ): Promise<EarningsView> {
    return this.ledger.earnings(ctx, id, q.period);
  }
}
