import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { NotificationPage } from './notifications.views';
import { Ctx, Roles } from '@campus/auth';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsDateString, IsOptional, Matches } from 'class-validator';
import { IsId, IsOneOf, IsText, Page, PageQueryDto, RequestContext, toE164 } from '@campus/core';
import {
  NOTIFICATION_STATUSES,
  NotificationStatus,
  NotificationsService,
  NotificationView,
} from '@campus/notifications';

/** The staff inboxes of the message log (alerts addressed to a role rather than a number). */
const INBOX = /^role:/;

export class NotificationQueryDto extends PageQueryDto {
  @ApiPropertyOptional({
    description:
      'recipient: a phone number in any common form (compared as E.164), or a staff inbox such as role:admin',
    example: '+8613800138000',
  })
  @IsOptional()
  @Transform(({ value }) =>
    typeof value === 'string' && !INBOX.test(value) ? (toE164(value) ?? value) : value,
  )
  @Matches(/^(\+\d{6,15}|role:[a-z_]{1,32})$/, {
    message: 'must be a phone number (e.g. +8613800138000) or a staff inbox such as role:admin',
  })
  to?: string;

  @IsText({ max: 64, optional: true, description: 'template name, e.g. otp, order_placed' })
  type?: string;

  @IsId({ optional: true })
  orderId?: string;

  @IsOneOf(NOTIFICATION_STATUSES, { optional: true })
  status?: NotificationStatus;

  @ApiPropertyOptional({ description: 'created at or after this instant, ISO 8601', format: 'date-time' })
  @IsOptional()
  @IsDateString({}, { message: 'must be an ISO 8601 date or date-time' })
  from?: string;

  @ApiPropertyOptional({ description: 'created before this instant, ISO 8601', format: 'date-time' })
  @IsOptional()
  @IsDateString({}, { message: 'must be an ISO 8601 date or date-time' })
  until?: string;
}

@ApiTags('operations')
@ApiBearerAuth()
@Controller('notifications')
export class NotificationsController {
  constructor(private readonly notifications: NotificationsService) {}

  @Get()
  @Roles('admin')
  @ApiOperation({
    summary:
      'The outbound message log, newest first; filters to (recipient), type (template), status, from/until',
  })
  @ApiOkResponse({ type: NotificationPage })
  list(@Ctx() ctx: RequestContext, @Query() q: NotificationQueryDto): Promise<Page<NotificationView>> {
    return this.notifications.list(ctx, q);
  }
}
