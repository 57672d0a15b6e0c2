import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiProduces,
  ApiTags,
} from '@nestjs/swagger';
import { Ctx, Roles } from '@campus/auth';
import {
  CreateSettlementDto,
  MarkPaidDto,
  SettlementQueryDto,
  SettlementsService,
  SettlementView,
  StatementLinesView,
} from '@campus/commissions';
import { Page, RequestContext } from '@campus/core';
import type { FastifyReply } from 'fastify';
import { UuidParam } from '../common/validation';
import { SettlementPage, SettlementResponse, StatementLinesResponse } from './commissions.views';

/** Monthly settlements of a region; managers their own region only (another region is 404). */
@ApiTags('commissions')
@ApiBearerAuth()
@Controller('settlements')
export class SettlementsController {
  constructor(private readonly settlements: SettlementsService) {}

  @Post()
  @Roles('regional_manager', 'admin')
  @ApiCreatedResponse({
    type: SettlementResponse,
    description: 'a draft with one statement per agent; 409 if one exists',
  })
  create(@Ctx() ctx: RequestContext, @Body() dto: CreateSettlementDto): Promise<SettlementView> {
    return this.settlements.create(ctx, dto.regionId, dto.period);
  }

  @Get()
  @Roles('regional_manager', 'admin')
  @ApiOkResponse({
    type: SettlementPage,
    description: 'settlements in scope, newest first, with totals; filters regionId, period, status',
  })
  list(
    @Ctx() ctx: RequestContext,
    @Query() q: SettlementQueryDto,
  ): Promise<Page<Omit<SettlementView, 'statements'>>> {
    return this.settlements.list(ctx, q);
  }

  @Get(':id')
  @Roles('regional_manager', 'admin')
  @ApiOkResponse({ type: SettlementResponse })
  get(@Ctx() ctx: RequestContext, @Param('id', UuidParam) id: string): Promise<SettlementView> {
    return this.settlements.get(ctx, id);
  }

  @Post(':id/approve')
  @HttpCode(200)
  @Roles('regional_manager', 'admin')
  @ApiOkResponse({
    type: SettlementResponse,
    description: '`approved`; its entries are locked; 409 unless draft',
  })
  approve(@Ctx() ctx: RequestContext, @Param('id', UuidParam) id: string): Promise<SettlementView> {
    return this.settlements.approve(ctx, id);
  }

  @Delete(':id')
  @HttpCode(204)
  @Roles('regional_manager', 'admin')
  @ApiNoContentResponse({
    description: 'the draft is gone and its entries are unsettled again; 409 unless draft',
  })
  discard(@Ctx() ctx: RequestContext, @Param('id', UuidParam) id: string): Promise<void> {
    return this.settlements.discard(ctx, id);
  }

  @Post(':id/mark-paid')
  @HttpCode(200)
  @Roles('admin')
  @ApiOkResponse({
    type: SettlementResponse,
    description: '`paid`; the COD cash settled is cleared; 409 unless approved',
  })
  markPaid(
    @Ctx() ctx: RequestContext,
    @Param('id', UuidParam) id: string,
    @Body() dto: MarkPaidDto,
  ): Promise<SettlementView> {
    return this.settlements.markPaid(ctx, id, dto.paymentReference);
  }

  @Get(':id/export.csv')
  @Roles('regional_manager', 'admin')
  @ApiProduces('text/csv')
  @ApiOkResponse({ type: String, description: 'UTF-8 with BOM; one row per agent and a TOTAL row' })
  async export(
    @Ctx() ctx: RequestContext,
    @Param('id', UuidParam) id: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string> {
    const csv = await this.settlements.exportCsv(ctx, id);
    void reply.header('Content-Type', 'text/csv; charset=utf-8');
    void reply.header('Content-Disposition', `attachment; filename="${csv.filename}"`);
    return csv.body;
  }

  @Get(':id/statements/:agentId')
  @Roles('regional_manager', 'admin', 'agent')
  @ApiOkResponse({
    type: StatementLinesResponse,
    description: "one agent's statement with its entries and COD cash (agents: their own)",
  })
  statement(
    @Ctx() ctx: RequestContext,
    @Param('id', UuidParam) id: string,
    @Param('agentId', UuidParam) agentId: string,
  ): Promise<StatementLinesView> {
    return this.settlements.statement(ctx, id, agentId);
  }
}
