import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Ctx, Roles } from '@campus/auth';
import { Page, RequestContext } from '@campus/core';
import {
  CashUpQueryDto,
  CashUpService,
  CashUpSummaryView,
  CashUpView,
  CloseCashUpDto,
  CodeResentView,
  HandInDto,
  ParcelService,
} from '@campus/fulfilment';
import { UuidParam } from '../common/validation';
import { CashUpPage, CashUpResponse, CodeResentResponse } from './desk.views';

/** The pickup desk: a replacement pickup code, and the counter's daily cash-up. */
@ApiTags('fulfilment')
@ApiBearerAuth()
@Controller()
export class DesksController {
  constructor(
    private readonly parcels: ParcelService,
    private readonly cashUps: CashUpService,
  ) {}

  /**
   * Texts a new pickup code for the order's waiting parcel; the old code stops working. At most 3 a
   * Shanghai day per parcel (429 `code_resend_limit`).
   */
  @Post('parcels/:orderId/resend-code')
  @HttpCode(200)
  @Roles('pickup_staff', 'call_center', 'customer')
  @ApiOkResponse({ type: CodeResentResponse })
  resendCode(
    @Ctx() ctx: RequestContext,
    @Param('orderId', UuidParam) orderId: string,
  ): Promise<CodeResentView> {
    return this.parcels.resendCode(ctx, orderId);
  }

  @Get('cash-ups')
  @Roles('admin', 'regional_manager', 'pickup_staff')
  @ApiOkResponse({ type: CashUpPage, description: 'cash-ups in scope, newest day first' })
  listCashUps(@Ctx() ctx: RequestContext, @Query() q: CashUpQueryDto): Promise<Page<CashUpSummaryView>> {
    return this.cashUps.list(ctx, q);
  }

  @Get('pickup-points/:id/cash-ups/:day')
  @Roles('admin', 'regional_manager', 'pickup_staff')
  @ApiOkResponse({ type: CashUpResponse, description: 'the point’s cash for a Shanghai day (YYYY-MM-DD)' })
  getCashUp(
    @Ctx() ctx: RequestContext,
    @Param('id', UuidParam) id: string,
    @Param('day') day: string,
  ): Promise<CashUpView> {
    return this.cashUps.get(ctx, id, day);
  }

  @Post('pickup-points/:id/cash-ups/:day/hand-ins')
  @Roles('pickup_staff')
  @ApiCreatedResponse({ type: CashUpResponse })
  handIn(
    @Ctx() ctx: RequestContext,
    @Param('id', UuidParam) id: string,
    @Param('day') day: string,
    @Body() dto: HandInDto,
  ): Promise<CashUpView> {
    return this.cashUps.handIn(ctx, id, day, dto);
  }

  @Post('pickup-points/:id/cash-ups/:day/close')
  @HttpCode(200)
  @Roles('pickup_staff')
  @ApiOkResponse({ type: CashUpResponse })
  close(
    @Ctx() ctx: RequestContext,
    @Param('id', UuidParam) id: string,
    @Param('day') day: string,
    @Body() dto: CloseCashUpDto,
  ): Promise<CashUpView> {
    return this.cashUps.close(ctx, id, day, dto);
  }
}
