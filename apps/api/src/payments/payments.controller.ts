import { Body, Controller, Get, Header, HttpCode, Logger, Post, Req, Res, UseGuards } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiHeader, ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import { Ctx, Public } from '@campus/auth';
import { RequestContext } from '@campus/core';
import {
  AlipayNoticeService,
  GenericNoticeService,
  PaymentAttemptsService,
  PaymentNoticeDto,
  PaymentOutcome,
} from '@campus/payments';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { PaymentSignatureGuard } from './payment-signature.guard';
import { PaymentMethodsResponse, PaymentOutcomeResponse } from './payments.views';

@ApiTags('payments')
@Controller('payments')
export class PaymentsController {
  private readonly log = new Logger('AlipayNotice');

  constructor(
    private readonly generic: GenericNoticeService,
    private readonly alipay: AlipayNoticeService,
    private readonly attempts: PaymentAttemptsService,
  ) {}

  @Post('notify')
  @Public()
  @HttpCode(200)
  @UseGuards(PaymentSignatureGuard)
  @ApiHeader({
    name: 'X-Signature',
    required: true,
    description: 'hex(HMAC-SHA256(PAYMENT_WEBHOOK_SECRET, raw body))',
  })
  @ApiOkResponse({ type: PaymentOutcomeResponse })
  notify(@Ctx() ctx: RequestContext, @Body() dto: PaymentNoticeDto): Promise<PaymentOutcome> {
    return this.generic.notify(ctx, dto);
  }

  /**
   * Alipay's asynchronous notice (form-encoded, RSA2-signed). Answers `text/plain` `success` when the
   * notice was taken (also for a replay), `fail` otherwise (400 for a refused notice, 503 when we could
   * not take it right now) so that Alipay sends it again.
   */
  @Post('alipay/notify')
  @Public()
  @Header('Content-Type', 'text/plain; charset=utf-8')
  @ApiConsumes('application/x-www-form-urlencoded')
  @ApiProduces('text/plain')
  @ApiBody({
    schema: {
      type: 'object',
      required: ['app_id', 'out_trade_no', 'trade_no', 'total_amount', 'trade_status', 'sign', 'sign_type'],
      properties: Object.fromEntries(
        [
          'app_id',
          'out_trade_no',
          'trade_no',
          'total_amount',
          'trade_status',
          'gmt_payment',
          'sign',
          'sign_type',
        ].map((k) => [k, { type: 'string' }]),
      ),
    },
  })
  @ApiOkResponse({ description: '`success`', schema: { type: 'string', enum: ['success'] } })
  async alipayNotify(
    @Ctx() ctx: RequestContext,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string> {
    try {
      const answer = await this.alipay.receive(ctx, req.body);
      void reply.status(answer.taken ? 200 : 400);
      return answer.taken ? 'success' : 'fail';
    } catch (err) {
      this.log.error(`Alipay notice could not be taken now: ${(err as Error).message}`);
      void reply.status(503);
      return 'fail';
    }
  }

  /** The online payment methods the shop may offer (none while Alipay is off: cash on delivery only). */
  @Get('methods')
  @Public()
  @ApiOkResponse({ type: PaymentMethodsResponse })
  methods(): PaymentMethodsResponse {
    return { methods: this.attempts.methods() };
  }
}
