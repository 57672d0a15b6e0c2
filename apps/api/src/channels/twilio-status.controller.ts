import { Body, Controller, HttpCode, Post, UseGuards } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiTags } from '@nestjs/swagger';
import { Ctx, Public } from '@campus/auth';
import { RequestContext, ValidationError } from '@campus/core';
import { NotificationsService } from '@campus/notifications';
import { TwilioSignatureGuard } from './twilio-signature.guard';

/** Twilio posts many fields and adds new ones over time, so the form is read loosely (not whitelisted). */
type TwilioForm = Record<string, string | undefined>;

@ApiTags('channels')
@Controller('channels/sms/twilio')
export class TwilioStatusController {
  constructor(private readonly notifications: NotificationsService) {}

  /** Delivery reports for outbound texts (queued → sent → delivered), never moving a status back. */
  @Post('status')
  @Public()
  @HttpCode(204)
  @UseGuards(TwilioSignatureGuard)
  @ApiConsumes('application/x-www-form-urlencoded')
  @ApiBody({
    schema: {
      type: 'object',
      required: ['MessageSid', 'MessageStatus'],
      properties: {
        MessageSid: { type: 'string' },
        MessageStatus: { type: 'string' },
        ErrorCode: { type: 'string' },
      },
    },
  })
  async status(@Ctx() ctx: RequestContext, @Body() form: TwilioForm): Promise<void> {
    const sid = form?.MessageSid ?? form?.SmsSid;
    const status = form?.MessageStatus ?? form?.SmsStatus;
    if (!sid || !status || sid.length > 64 || status.length > 32) {
      throw new ValidationError([{ field: 'MessageSid/MessageStatus', message: 'are required' }]);
    }
    await this.notifications.applyDeliveryReport(ctx.asSystem(), {
      providerId: sid,
      status,
      errorCode: form.ErrorCode?.slice(0, 16) ?? null,
    });
  }
}
