import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { AllowSuspended, Ctx, Roles } from '@campus/auth';
import { Page, PageQueryDto, RequestContext } from '@campus/core';
import {
  AssignmentService,
  AssignOrderDto,
  CancelUndeliverableDto,
  CodLedgerService,
  DeliverOrderDto,
  DeliveryAttemptsService,
  FailedAttemptDto,
  FailedAttemptsView,
  UnclaimedCodItem,
  DeliveryService,
  DepositOrderDto,
  HandOverDto,
  ParcelService,
  ParcelView,
  WorkItem,
  WorkSeenDto,
} from '@campus/fulfilment';
import { OrderView } from '@campus/orders';
import type { TaskWorkItem } from '@campus/tasks';
import { UuidParam } from '../common/validation';
import { AgentCashService, AgentCashView } from './agent-cash.service';
import { AgentWorkService } from './agent-work.service';
import { OrderResponse } from '../orders/orders.views';
import {
  CodBalanceResponse,
  DepositedOrderView,
  FailedAttemptsResponse,
  UnclaimedCodPage,
  WorkListView,
} from './fulfilment.views';
import { WorkNewsResponse } from './desk.views';
import type { WorkNews } from './agent-work.service';

/** Assignment, door delivery, deposit at a pickup point, counter hand-over, and the agent's work list. */
@ApiTags('fulfilment')
@ApiBearerAuth()
@Controller()
export class DeliveriesController {
  constructor(
    private readonly assignment: AssignmentService,
    private readonly delivery: DeliveryService,
    private readonly parcels: ParcelService,
    private readonly cod: CodLedgerService,
    private readonly agentWork: AgentWorkService,
    private readonly attempts: DeliveryAttemptsService,
    private readonly agentCash: AgentCashService,
  ) {}

  @Post('orders/:id/assign')
  @HttpCode(200)
  @Roles('regional_manager', 'admin')
  @ApiOkResponse({ type: OrderResponse })
  assign(
    @Ctx() ctx: RequestContext,
    @Param('id', UuidParam) id: string,
    @Body() dto: AssignOrderDto,
  ): Promise<OrderView> {
    return this.assignment.assign(ctx, id, dto.agentId, dto.reason);
  }

  @Post('orders/:id/dispatch')
  @HttpCode(200)
  @Roles('agent')
  @ApiOkResponse({ type: OrderResponse })
  dispatch(@Ctx() ctx: RequestContext, @Param('id', UuidParam) id: string): Promise<OrderView> {
    return this.delivery.dispatch(ctx, id);
  }

  @Post('orders/:id/deliver')
  @HttpCode(200)
  @Roles('agent', 'regional_manager', 'admin')
  @ApiOkResponse({ type: OrderResponse })
  deliver(
    @Ctx() ctx: RequestContext,
    @Param('id', UuidParam) id: string,
    @Body() dto: DeliverOrderDto,
  ): Promise<OrderView> {
    return this.delivery.deliver(ctx, id, dto);
  }

  @Post('orders/:id/deposit')
  @HttpCode(200)
  @Roles('agent', 'pickup_staff')
  @ApiOkResponse({ type: DepositedOrderView })
  deposit(
    @Ctx() ctx: RequestContext,
    @Param('id', UuidParam) id: string,
    @Body() dto: DepositOrderDto,
  ): Promise<OrderView & { parcel: ParcelView }> {
    return this.parcels.deposit(ctx, id, dto);
  }

  @Post('orders/:id/hand-over')
  @HttpCode(200)
  @Roles('pickup_staff')
  @ApiOkResponse({ type: OrderResponse })
  handOver(
    @Ctx() ctx: RequestContext,
    @Param('id', UuidParam) id: string,
    @Body() dto: HandOverDto,
  ): Promise<OrderView> {
    return this.delivery.handOver(ctx, id, dto);
  }

  @Get('fulfilment/work')
  @Roles('agent')
  @ApiOkResponse({
    type: WorkListView,
    description: 'the calling agent’s open deliveries, oldest assignment first, and unfinished tasks',
  })
  work(@Ctx() ctx: RequestContext): Promise<{ items: WorkItem[]; tasks: TaskWorkItem[] }> {
    return this.agentWork.workList(ctx);
  }

  @Get('fulfilment/work/news')
  @Roles('agent')
  @ApiOkResponse({
    type: WorkNewsResponse,
    description: 'deliveries and tasks given to the calling agent since they last opened each list',
  })
  news(@Ctx() ctx: RequestContext): Promise<WorkNews> {
    return this.agentWork.news(ctx);
  }

  @Post('fulfilment/work/seen')
  @HttpCode(200)
  @Roles('agent')
  @AllowSuspended() // marking a list seen changes no work
  @ApiOkResponse({ type: WorkNewsResponse, description: 'the counts after marking the list seen' })
  seen(@Ctx() ctx: RequestContext, @Body() dto: WorkSeenDto): Promise<WorkNews> {
    return this.agentWork.markSeen(ctx, dto.list);
  }

  @Get('agents/:id/cod')
  @Roles('agent', 'regional_manager', 'admin')
  @ApiOkResponse({
    type: CodBalanceResponse,
    description:
      'the cash the agent still holds: collected on delivery minus what paid settlements took; the entries say which were settled',
  })
  codBalance(
    @Ctx() ctx: RequestContext,
    @Param('id', UuidParam) id: string,
    @Query() q: PageQueryDto,
  ): Promise<AgentCashView> {
    return this.agentCash.balance(ctx, id, q);
  }

  @Post('orders/:id/failed-attempts')
  @Roles('agent')
  @ApiCreatedResponse({
    type: FailedAttemptsResponse,
    description:
      'the assigned agent could not hand a door delivery over (out for delivery); after the second, `mayCancel` for COD orders',
  })
  recordFailedAttempt(
    @Ctx() ctx: RequestContext,
    @Param('id', UuidParam) id: string,
    @Body() dto: FailedAttemptDto,
  ): Promise<FailedAttemptsView> {
    return this.attempts.recordFailure(ctx, id, dto);
  }

  @Get('orders/:id/failed-attempts')
  @Roles('agent', 'regional_manager', 'admin', 'call_center')
  @ApiOkResponse({ type: FailedAttemptsResponse })
  failedAttempts(
    @Ctx() ctx: RequestContext,
    @Param('id', UuidParam) id: string,
  ): Promise<FailedAttemptsView> {
    return this.attempts.list(ctx, id);
  }

  @Post('orders/:id/cancel-undeliverable')
  @HttpCode(200)
  @Roles('agent', 'regional_manager', 'admin')
  @ApiOkResponse({
    type: OrderResponse,
    description:
      'a COD order with two failed delivery attempts → `cancelled`, stock back (422 `delivery_attempts_needed` before, `not_cod` for paid orders)',
  })
  cancelUndeliverable(
    @Ctx() ctx: RequestContext,
    @Param('id', UuidParam) id: string,
    @Body() dto: CancelUndeliverableDto,
  ): Promise<OrderView> {
    return this.attempts.cancelUndeliverable(ctx, id, dto.reason);
  }

  @Get('fulfilment/unclaimed-cod')
  @Roles('regional_manager', 'admin', 'call_center')
  @ApiOkResponse({
    type: UnclaimedCodPage,
    description:
      'COD orders still not delivered COD_CONFIRM_HOURS after placement, oldest first (managers: region)',
  })
  unclaimedCod(@Ctx() ctx: RequestContext, @Query() q: PageQueryDto): Promise<Page<UnclaimedCodItem>> {
    return this.attempts.unclaimed(ctx, q);
  }
}
