import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Ctx, Roles } from '@campus/auth';
import { Page, RequestContext } from '@campus/core';
import { MoneyLedgerService, RefundQueryDto, RefundView } from '@campus/orders';
import { UuidParam } from '../common/validation';
import { RefundPage, RefundResponse } from './payments.views';

/** Refunds for finance: every refund owed, paid or failed (admins; managers their region). */
@ApiTags('payments')
@ApiBearerAuth()
@Controller('refunds')
export class RefundsController {
  constructor(private readonly ledger: MoneyLedgerService) {}

  @Get()
  @Roles('admin', 'regional_manager')
  @ApiOkResponse({ type: RefundPage })
  list(@Ctx() ctx: RequestContext, @Query() q: RefundQueryDto): Promise<Page<RefundView>> {
    return this.ledger.list(ctx, q);
  }

  /** A cash refund was handed to the customer: `owed` → `paid_out` (who and when; audited). */
  @Post(':id/paid-out')
  @HttpCode(200)
  @Roles('admin', 'regional_manager')
  @ApiOkResponse({ type: RefundResponse })
  paidOut(@Ctx() ctx: RequestContext, @Param('id', UuidParam) id: string): Promise<RefundView> {
    return this.ledger.markPaidOut(ctx, id);
  }

  /** A failed Alipay refund is tried again (the same refund id: Alipay pays it once). */
  @Post(':id/retry')
  @HttpCode(200)
  @Roles('admin')
  @ApiOkResponse({ type: RefundResponse })
  retry(@Ctx() ctx: RequestContext, @Param('id', UuidParam) id: string): Promise<RefundView> {
    return this.ledger.retry(ctx, id);
  }
}
