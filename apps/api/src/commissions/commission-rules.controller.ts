import { Body, Controller, Get, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiTags } from '@nestjs/swagger';
import { Ctx, Roles } from '@campus/auth';
import {
  CommissionRulesService,
  CommissionRuleView,
  CommissionTierView,
  CreateCommissionRuleDto,
  CreateCommissionTierDto,
  TierQueryDto,
} from '@campus/commissions';
import { RequestContext } from '@campus/core';

/** Commission rules (admin) and regional monthly volume tiers (admin, or a manager for their region). */
@ApiTags('commissions')
@ApiBearerAuth()
@Controller()
export class CommissionRulesController {
  constructor(private readonly rules: CommissionRulesService) {}

  @Post('commission-rules')
  @Roles('admin')
  @ApiCreatedResponse({ description: 'a rule by SKU, category or the default; the most specific wins' })
  create(@Ctx() ctx: RequestContext, @Body() dto: CreateCommissionRuleDto): Promise<CommissionRuleView> {
    return this.rules.createRule(ctx, dto);
  }

  @Get('commission-rules')
  @Roles('admin', 'regional_manager')
  list(@Ctx() ctx: RequestContext): Promise<CommissionRuleView[]> {
    return this.rules.listRules(ctx);
  }

  @Post('commission-tiers')
  @Roles('admin', 'regional_manager')
  @ApiCreatedResponse({ description: 'from the `fromOrder`-th completed order of a month, +`bonusBps`' })
  createTier(@Ctx() ctx: RequestContext, @Body() dto: CreateCommissionTierDto): Promise<CommissionTierView> {
    return this.rules.createTier(ctx, dto);
  }

  @Get('commission-tiers')
  @Roles('admin', 'regional_manager')
  listTiers(@Ctx() ctx: RequestContext, @Query() q: TierQueryDto): Promise<CommissionTierView[]> {
    return this.rules.listTiers(ctx, q.regionId);
  }
}
