import { Body, Controller, Get, HttpCode, Param, Post, Query, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Ctx, Roles } from '@campus/auth';
import { Page, RequestContext } from '@campus/core';
import { IntakeService, PlaceOrderDto } from '@campus/intake';
import {
  OrderEventsQueryDto,
  OrderEventView,
  OrderNotice,
  OrderQueryDto,
  OrderService,
  OrderView,
  ReasonDto,
} from '@campus/orders';
import { OrderTasksService } from '@campus/tasks';
import type { FastifyReply } from 'fastify';
import { IdempotencyKey } from '../common/idempotency-key.decorator';
import { UuidParam } from '../common/validation';
import { OrderRateGuard } from './order-rate.guard';
import { OrderTimelineService } from './order-timeline.service';
import { OrderEventResponse, OrderPage, OrderResponse, PlacedOrderResponse } from './orders.views';

@ApiTags('orders')
@ApiBearerAuth()
@Controller('orders')
export class OrdersController {
  constructor(
    private readonly intake: IntakeService,
    private readonly orders: OrderService,
    private readonly orderTasks: OrderTasksService,
    private readonly timeline: OrderTimelineService,
  ) {}

  @Post()
  @Roles('customer', 'call_center', 'agent', 'pickup_staff')
  @UseGuards(OrderRateGuard)
  @ApiHeader({
    name: 'Idempotency-Key',
    required: true,
    description: '1–255 characters; replays return the same order',
  })
  @ApiCreatedResponse({
    type: PlacedOrderResponse,
    description:
      'The order (the original one when the key was used before); `notices` when something was refused without failing it (a suspended agent’s code)',
  })
  async place(
    @Ctx() ctx: RequestContext,
    @IdempotencyKey() key: string,
    @Body() dto: PlaceOrderDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<OrderView & { notices?: OrderNotice[] }> {
    const { order, replayed, notices } = await this.intake.placeFromHttp(ctx, dto, key);
    if (replayed) void reply.header('Idempotent-Replayed', 'true');
    return notices.length ? { ...order, notices } : order;
  }

  @Get()
  @Roles('admin', 'regional_manager', 'call_center', 'agent', 'pickup_staff', 'customer')
  @ApiOkResponse({ type: OrderPage })
  list(@Ctx() ctx: RequestContext, @Query() q: OrderQueryDto): Promise<Page<OrderView>> {
    return this.orders.list(ctx, q);
  }

  @Get(':id')
  @Roles('admin', 'regional_manager', 'call_center', 'agent', 'pickup_staff', 'customer')
  @ApiOkResponse({ type: OrderResponse })
  get(@Ctx() ctx: RequestContext, @Param('id', UuidParam) id: string): Promise<OrderView> {
    return this.orders.get(ctx, id);
  }

  /** The timeline: every event, and every text sent about the order (`type: "text"`, masked). */
  @Get(':id/events')
  @Roles('admin', 'regional_manager', 'call_center', 'agent', 'pickup_staff', 'customer')
  @ApiOkResponse({ type: [OrderEventResponse] })
  events(
    @Ctx() ctx: RequestContext,
    @Param('id', UuidParam) id: string,
    @Query() q: OrderEventsQueryDto,
  ): Promise<OrderEventView[]> {
    return this.timeline.timeline(ctx, id, { texts: q.texts ?? true });
  }

  /**
   * Manual completion (normally automatic once delivered and nothing is pending): refused with 422
   * `tasks_pending` while any of the order's tasks is unfinished.
   */
  @Post(':id/complete')
  @HttpCode(200)
  @Roles('regional_manager', 'admin')
  @ApiOkResponse({ type: OrderResponse })
  complete(@Ctx() ctx: RequestContext, @Param('id', UuidParam) id: string): Promise<OrderView> {
    return this.orderTasks.completeOrder(ctx, id);
  }

  /** Goods came back after delivery: stock back on the shelf (commission reversed by its ledger). */
  @Post(':id/return')
  @HttpCode(200)
  @Roles('regional_manager', 'admin')
  @ApiOkResponse({ type: OrderResponse })
  returnOrder(
    @Ctx() ctx: RequestContext,
    @Param('id', UuidParam) id: string,
    @Body() dto: ReasonDto,
  ): Promise<OrderView> {
    return this.orders.transition(ctx, id, 'return', { reason: dto.reason });
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @Roles('customer', 'call_center', 'regional_manager', 'admin')
  @ApiOkResponse({ type: OrderResponse })
  cancel(
    @Ctx() ctx: RequestContext,
    @Param('id', UuidParam) id: string,
    @Body() dto: ReasonDto,
  ): Promise<OrderView> {
    return this.orders.cancel(ctx, id, dto.reason);
  }
}
