import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { AllowSuspended, Ctx, Roles } from '@campus/auth';
import { RequestContext } from '@campus/core';
import { AlertPage, AlertQueryDto, AlertsService, AlertView } from '@campus/notifications';
import { UuidParam } from '../common/validation';
import { AlertPageResponse, AlertResponse } from './alerts.views';

/** Staff alerts: admins see all, a manager their region's and their own, other staff their own. */
@ApiTags('operations')
@ApiBearerAuth()
@Controller('alerts')
export class AlertsController {
  constructor(private readonly alerts: AlertsService) {}

  @Get()
  @Roles('admin', 'regional_manager', 'call_center', 'agent', 'pickup_staff')
  @ApiOkResponse({ type: AlertPageResponse })
  list(@Ctx() ctx: RequestContext, @Query() q: AlertQueryDto): Promise<AlertPage> {
    return this.alerts.list(ctx, q);
  }

  @Post(':id/ack')
  @HttpCode(200)
  @Roles('admin', 'regional_manager', 'call_center', 'agent', 'pickup_staff')
  @AllowSuspended() // reading an alert is not new work
  @ApiOkResponse({ type: AlertResponse, description: 'the alert, acknowledged (again: unchanged)' })
  acknowledge(@Ctx() ctx: RequestContext, @Param('id', UuidParam) id: string): Promise<AlertView> {
    return this.alerts.acknowledge(ctx, id);
  }
}
