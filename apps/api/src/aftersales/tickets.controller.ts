import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import {
  CreateTicketDto,
  ReplyTicketDto,
  ResolveTicketDto,
  TicketDetail,
  TicketQueryDto,
  TicketsService,
  TicketView,
} from '@campus/aftersales';
import { Ctx, Roles } from '@campus/auth';
import { Page, RequestContext } from '@campus/core';
import { UuidParam } from '../common/validation';
import { TicketDetailResponse, TicketPage } from './tickets.views';

/**
 * After-sales tickets. Customers see their own (another's is 404), regional managers their region's,
 * the call centre and admins all; agents and pickup staff have no ticket routes (403).
 */
@ApiTags('tickets')
@ApiBearerAuth()
@Controller('tickets')
export class TicketsController {
  constructor(private readonly tickets: TicketsService) {}

  @Post()
  @Roles('customer', 'call_center')
  @ApiCreatedResponse({
    type: TicketDetailResponse,
    description: 'an open ticket; the customer is texted its reference and when to expect an answer',
  })
  create(@Ctx() ctx: RequestContext, @Body() dto: CreateTicketDto): Promise<TicketDetail> {
    return this.tickets.create(ctx, dto);
  }

  @Get()
  @Roles('customer', 'call_center', 'regional_manager', 'admin')
  @ApiOkResponse({
    type: TicketPage,
    description: 'tickets in scope, newest first; `overdue=true`: no first reply within TICKET_SLA_HOURS',
  })
  list(@Ctx() ctx: RequestContext, @Query() q: TicketQueryDto): Promise<Page<TicketView>> {
    return this.tickets.list(ctx, q);
  }

  @Get(':id')
  @Roles('customer', 'call_center', 'regional_manager', 'admin')
  @ApiOkResponse({ type: TicketDetailResponse, description: 'the ticket with its conversation' })
  get(@Ctx() ctx: RequestContext, @Param('id', UuidParam) id: string): Promise<TicketDetail> {
    return this.tickets.get(ctx, id);
  }

  @Post(':id/reply')
  @HttpCode(200)
  @Roles('customer', 'call_center', 'regional_manager', 'admin')
  @ApiOkResponse({
    type: TicketDetailResponse,
    description: 'a staff reply is texted to the customer (the first stops the SLA clock); resolved: 409',
  })
  reply(
    @Ctx() ctx: RequestContext,
    @Param('id', UuidParam) id: string,
    @Body() dto: ReplyTicketDto,
  ): Promise<TicketDetail> {
    return this.tickets.reply(ctx, id, dto);
  }

  @Post(':id/resolve')
  @HttpCode(200)
  @Roles('call_center', 'regional_manager', 'admin')
  @ApiOkResponse({
    type: TicketDetailResponse,
    description:
      'resolved with an outcome, the customer texted; `compensated` writes refunds in the order’s money ledger (managers, admins; at most what the order holds: 422)',
  })
  resolve(
    @Ctx() ctx: RequestContext,
    @Param('id', UuidParam) id: string,
    @Body() dto: ResolveTicketDto,
  ): Promise<TicketDetail> {
    return this.tickets.resolve(ctx, id, dto);
  }
}
