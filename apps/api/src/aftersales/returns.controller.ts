import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import {
  CreateReturnRequestDto,
  DecideReturnRequestDto,
  ReceiveReturnDto,
  ReturnRequestQueryDto,
  ReturnRequestView,
  ReturnsService,
} from '@campus/aftersales';
import { Ctx, Roles } from '@campus/auth';
import { Page, RequestContext } from '@campus/core';
import { UuidParam } from '../common/validation';
import { ReturnRequestPage, ReturnRequestResponse } from './returns.views';

/**
 * Return requests (API.md "Returns and after-sales"): customers and the call centre ask; the region's
 * manager (or an admin) approves or rejects; the goods come back through a return_pickup task or are
 * handed in. Out of scope is 404.
 */
@ApiTags('returns')
@ApiBearerAuth()
@Controller()
export class ReturnsController {
  constructor(private readonly returns: ReturnsService) {}

  @Post('orders/:id/return-requests')
  @Roles('customer', 'call_center')
  @ApiCreatedResponse({
    type: ReturnRequestResponse,
    description: '`open`; 422 `return_window_closed` after RETURN_WINDOW_DAYS; 409 `return_already_pending`',
  })
  create(
    @Ctx() ctx: RequestContext,
    @Param('id', UuidParam) id: string,
    @Body() dto: CreateReturnRequestDto,
  ): Promise<ReturnRequestView> {
    return this.returns.create(ctx, id, dto);
  }

  @Get('return-requests')
  @Roles('customer', 'call_center', 'regional_manager', 'admin', 'pickup_staff')
  @ApiOkResponse({ type: ReturnRequestPage, description: 'requests in scope, newest first' })
  list(@Ctx() ctx: RequestContext, @Query() q: ReturnRequestQueryDto): Promise<Page<ReturnRequestView>> {
    return this.returns.list(ctx, q);
  }

  @Get('return-requests/:id')
  @Roles('customer', 'call_center', 'regional_manager', 'admin', 'pickup_staff')
  @ApiOkResponse({ type: ReturnRequestResponse })
  get(@Ctx() ctx: RequestContext, @Param('id', UuidParam) id: string): Promise<ReturnRequestView> {
    return this.returns.get(ctx, id);
  }

  @Post('return-requests/:id/approve')
  @HttpCode(200)
  @Roles('regional_manager', 'admin')
  @ApiOkResponse({
    type: ReturnRequestResponse,
    description: '`approved`; collection `agent` (default) opens a return_pickup task',
  })
  approve(
    @Ctx() ctx: RequestContext,
    @Param('id', UuidParam) id: string,
    @Body() dto: DecideReturnRequestDto,
  ): Promise<ReturnRequestView> {
    return this.returns.approve(ctx, id, dto);
  }

  @Post('return-requests/:id/reject')
  @HttpCode(200)
  @Roles('regional_manager', 'admin')
  @ApiOkResponse({ type: ReturnRequestResponse, description: '`rejected`' })
  reject(
    @Ctx() ctx: RequestContext,
    @Param('id', UuidParam) id: string,
    @Body() dto: DecideReturnRequestDto,
  ): Promise<ReturnRequestView> {
    return this.returns.reject(ctx, id, dto);
  }

  @Post('return-requests/:id/receive')
  @HttpCode(200)
  @Roles('pickup_staff', 'regional_manager', 'admin')
  @ApiOkResponse({
    type: ReturnRequestResponse,
    description: '`received`: the goods were handed in; stock, refund and commission reversal are booked',
  })
  receive(
    @Ctx() ctx: RequestContext,
    @Param('id', UuidParam) id: string,
    @Body() dto: ReceiveReturnDto,
  ): Promise<ReturnRequestView> {
    return this.returns.receive(ctx, id, dto.note);
  }
}
