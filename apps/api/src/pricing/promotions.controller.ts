import { Body, Controller, Get, Param, Patch, Post, Query, Res } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
} from '@nestjs/swagger';
import { Ctx, Roles } from '@campus/auth';
import { Page, RequestContext, ROLES } from '@campus/core';
import {
  CouponQueryDto,
  CouponView,
  CreateFlashSaleDto,
  CreatePromotionDto,
  FlashSaleQueryDto,
  FlashSalesService,
  FlashSaleView,
  IssueCouponsDto,
  IssuedCoupons,
  PromotionQueryDto,
  PromotionsService,
  PromotionView,
  SendCouponsDto,
  UpdateFlashSaleDto,
  UpdatePromotionDto,
} from '@campus/pricing';
import type { FastifyReply } from 'fastify';
import { UuidParam } from '../common/validation';
import {
  CouponPage,
  FlashSalePage,
  FlashSaleResponse,
  IssuedCouponsResponse,
  PromotionPage,
  PromotionResponse,
  SentCouponsResponse,
} from './pricing.views';

const csvCell = (v: unknown) => {
  const s = v === null || v === undefined ? '' : v instanceof Date ? v.toISOString() : String(v);
  return /[",\n\r]/.test(s) || /^[=+\-@]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

/** Promotions and their coupons: admins everywhere, regional managers in their own region. */
@ApiTags('promotions')
@ApiBearerAuth()
@Controller('promotions')
export class PromotionsController {
  constructor(private readonly promotions: PromotionsService) {}

  @Post()
  @Roles('admin', 'regional_manager')
  @ApiCreatedResponse({ type: PromotionResponse })
  create(@Ctx() ctx: RequestContext, @Body() dto: CreatePromotionDto): Promise<PromotionView> {
    return this.promotions.create(ctx, dto);
  }

  @Get()
  @Roles('admin', 'regional_manager')
  @ApiOkResponse({ type: PromotionPage })
  list(@Ctx() ctx: RequestContext, @Query() q: PromotionQueryDto): Promise<Page<PromotionView>> {
    return this.promotions.list(ctx, q);
  }

  @Get(':id')
  @Roles('admin', 'regional_manager')
  @ApiOkResponse({ type: PromotionResponse })
  get(@Ctx() ctx: RequestContext, @Param('id', UuidParam) id: string): Promise<PromotionView> {
    return this.promotions.get(ctx, id);
  }

  @Patch(':id')
  @Roles('admin', 'regional_manager')
  @ApiOkResponse({ type: PromotionResponse })
  update(
    @Ctx() ctx: RequestContext,
    @Param('id', UuidParam) id: string,
    @Body() dto: UpdatePromotionDto,
  ): Promise<PromotionView> {
    return this.promotions.update(ctx, id, dto);
  }

  @Post(':id/coupons')
  @Roles('admin', 'regional_manager')
  @ApiCreatedResponse({ type: IssuedCouponsResponse })
  issue(
    @Ctx() ctx: RequestContext,
    @Param('id', UuidParam) id: string,
    @Body() dto: IssueCouponsDto,
  ): Promise<IssuedCoupons> {
    return this.promotions.issueCoupons(ctx, id, dto);
  }

  @Post(':id/coupons/send')
  @Roles('admin', 'regional_manager')
  @ApiOperation({
    summary: 'Texts one new single-use code to each phone (numbers that sent STOP get nothing)',
  })
  @ApiCreatedResponse({ type: SentCouponsResponse })
  send(@Ctx() ctx: RequestContext, @Param('id', UuidParam) id: string, @Body() dto: SendCouponsDto) {
    return this.promotions.sendCoupons(ctx, id, dto);
  }

  @Get(':id/coupons')
  @Roles('admin', 'regional_manager')
  @ApiProduces('application/json', 'text/csv')
  @ApiOkResponse({
    type: CouponPage,
    description: '`format=csv`: every code (of `batchId`) as a CSV download',
  })
  async coupons(
    @Ctx() ctx: RequestContext,
    @Param('id', UuidParam) id: string,
    @Query() q: CouponQueryDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Page<CouponView> | string> {
    if (q.format !== 'csv') return this.promotions.coupons(ctx, id, q);
    const page = await this.promotions.coupons(ctx, id, q, true);
    void reply.header('Content-Type', 'text/csv; charset=utf-8');
    void reply.header('Content-Disposition', `attachment; filename="coupons-${q.batchId ?? id}.csv"`);
    const head = 'code,max_uses,uses,per_customer,agent_id,issued_to,batch_id,created_at';
    const rows = page.items.map((c) =>
      [c.code, c.maxUses, c.uses, c.perCustomer, c.agentId, c.issuedTo, c.batchId, c.createdAt]
        .map(csvCell)
        .join(','),
    );
    return [head, ...rows].join('\r\n') + '\r\n';
  }
}

/** Flash sales: made by admins and managers (their region); listed to everyone signed in. */
@ApiTags('promotions')
@ApiBearerAuth()
@Controller('flash-sales')
export class FlashSalesController {
  constructor(private readonly flashSales: FlashSalesService) {}

  @Post()
  @Roles('admin', 'regional_manager')
  @ApiCreatedResponse({ type: FlashSaleResponse })
  create(@Ctx() ctx: RequestContext, @Body() dto: CreateFlashSaleDto): Promise<FlashSaleView> {
    return this.flashSales.create(ctx, dto);
  }

  @Get()
  @Roles(...ROLES)
  @ApiOkResponse({ type: FlashSalePage })
  list(@Ctx() ctx: RequestContext, @Query() q: FlashSaleQueryDto): Promise<Page<FlashSaleView>> {
    return this.flashSales.list(ctx, q);
  }

  @Patch(':id')
  @Roles('admin', 'regional_manager')
  @ApiOkResponse({ type: FlashSaleResponse })
  update(
    @Ctx() ctx: RequestContext,
    @Param('id', UuidParam) id: string,
    @Body() dto: UpdateFlashSaleDto,
  ): Promise<FlashSaleView> {
    return this.flashSales.update(ctx, id, dto);
  }
}
