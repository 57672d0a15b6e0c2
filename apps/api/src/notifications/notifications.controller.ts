import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Ctx, Roles } from '@campus/auth';
import { IsId, IsText, Page, PageQueryDto, RequestContext } from '@campus/core';
import { NotificationsService, NotificationView } from '@campus/notifications';

export class NotificationQueryDto extends PageQueryDto {
  @IsText({ max: 64, optional: true, description: 'recipient (E.164), exactly as stored' })
  to?: string;

  @IsText({ max: 64, optional: true, description: 'template name, e.g. otp, order_placed' })
  type?: string;

  @IsId({ optional: true })
  orderId?: string;
}

@ApiTags('operations')
@ApiBearerAuth()
@Controller('notifications')
export class NotificationsController {
  constructor(private readonly notifications: NotificationsService) {}

  @Get()
  @Roles('admin')
  list(@Ctx() ctx: RequestContext, @Query() q: NotificationQueryDto): Promise<Page<NotificationView>> {
    return this.notifications.list(ctx, q);
  }
}
