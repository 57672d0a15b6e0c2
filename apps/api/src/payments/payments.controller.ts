import { Body, Controller, HttpCode, Post, UseGuards } from '@nestjs/common';
import { ApiHeader, ApiTags } from '@nestjs/swagger';
import { Ctx, Public } from '@campus/auth';
import { RequestContext } from '@campus/core';
import { PaymentNoticeDto, PaymentOutcome, PaymentsService } from '@campus/orders';
import { PaymentSignatureGuard } from './payment-signature.guard';

@ApiTags('payments')
@Controller('payments')
export class PaymentsController {
  constructor(private readonly payments: PaymentsService) {}

  @Post('notify')
  @Public()
  @HttpCode(200)
  @UseGuards(PaymentSignatureGuard)
  @ApiHeader({
    name: 'X-Signature',
    required: true,
    description: 'hex(HMAC-SHA256(PAYMENT_WEBHOOK_SECRET, raw body))',
  })
  notify(@Ctx() ctx: RequestContext, @Body() dto: PaymentNoticeDto): Promise<PaymentOutcome> {
    return this.payments.notify(ctx, dto);
  }
}
