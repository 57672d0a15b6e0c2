import { Controller, Header, Headers, HttpCode, Post, Req } from '@nestjs/common';
import { ApiConsumes, ApiHeader, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Ctx, Public } from '@campus/auth';
import { RequestContext } from '@campus/core';
import { SmsChannelService } from '@campus/intake';
import type { FastifyRequest } from 'fastify';

/** Twilio's inbound-message webhook. Public: the service checks Twilio's signature on every request. */
@ApiTags('channels')
@Controller('channels/sms')
export class SmsInboundController {
  constructor(private readonly sms: SmsChannelService) {}

  @Post('twilio')
  @Public()
  @HttpCode(200)
  @Header('Content-Type', 'text/xml; charset=utf-8')
  @ApiConsumes('application/x-www-form-urlencoded')
  @ApiHeader({ name: 'X-Twilio-Signature', required: true, description: "Twilio's request signature" })
  @ApiOkResponse({ description: 'TwiML: <Response><Message>…</Message></Response>' })
  async inbound(
    @Ctx() ctx: RequestContext,
    @Req() req: FastifyRequest,
    @Headers('x-twilio-signature') signature: string | undefined,
  ): Promise<string> {
    const params = req.body && typeof req.body === 'object' ? (req.body as Record<string, unknown>) : {};
    return (await this.sms.receive(ctx, { path: req.url, signature, params })).twiml;
  }
}
