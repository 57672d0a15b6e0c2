import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Ctx, Roles } from '@campus/auth';
import { RequestContext } from '@campus/core';
import { OrderView } from '@campus/orders';
import {
  ChoosePaymentMethodDto,
  CreatedAttempt,
  CreatePaymentDto,
  OrderPayments,
  PaymentAttemptsService,
} from '@campus/payments';
import { UuidParam } from '../common/validation';
import { OrderResponse } from '../orders/orders.views';
import { CreatedAttemptResponse, OrderPaymentsResponse } from './payments.views';

@ApiTags('payments')
@ApiBearerAuth()
@Controller('orders')
export class OrderPaymentsController {
  constructor(private readonly payments: PaymentAttemptsService) {}

  /**
   * Starts paying an order: the owner customer gets a signed Alipay cashier URL (`alipay_wap`,
   * `alipay_page`), the delivering agent a QR code for an unpaid COD order at the door (`alipay_qr`).
   * An open attempt of the same method is handed out again (`reused: true`).
   */
  @Post(':id/payments')
  @Roles('customer', 'agent')
  @ApiCreatedResponse({ type: CreatedAttemptResponse })
  create(
    @Ctx() ctx: RequestContext,
    @Param('id', UuidParam) id: string,
    @Body() dto: CreatePaymentDto,
  ): Promise<CreatedAttempt> {
    return this.payments.create(ctx, id, dto);
  }

  @Get(':id/payments')
  @Roles('admin', 'regional_manager', 'call_center', 'agent', 'pickup_staff', 'customer')
  @ApiOkResponse({ type: OrderPaymentsResponse })
  list(@Ctx() ctx: RequestContext, @Param('id', UuidParam) id: string): Promise<OrderPayments> {
    return this.payments.forOrder(ctx, id);
  }

  /** Asks Alipay about the order's open attempts now (the shop calls it when the customer comes back). */
  @Post(':id/payments/sync')
  @HttpCode(200)
  @Roles('customer', 'agent', 'call_center', 'regional_manager', 'admin')
  @ApiOkResponse({ type: OrderPaymentsResponse })
  sync(@Ctx() ctx: RequestContext, @Param('id', UuidParam) id: string): Promise<OrderPayments> {
    return this.payments.sync(ctx, id);
  }

  /** An unpaid online order switches to cash on delivery (and is confirmed at once). */
  @Post(':id/payment-method')
  @HttpCode(200)
  @Roles('customer')
  @ApiOkResponse({ type: OrderResponse })
  choose(
    @Ctx() ctx: RequestContext,
    @Param('id', UuidParam) id: string,
    @Body() _dto: ChoosePaymentMethodDto,
  ): Promise<OrderView> {
    return this.payments.chooseCod(ctx, id);
  }
}
