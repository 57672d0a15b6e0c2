import { Controller, Get, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import { Ctx, Roles } from '@campus/auth';
import { RequestContext } from '@campus/core';
import {
  AgentReport,
  AgentReportQueryDto,
  agentReportCsv,
  AgentReportService,
  ChannelReport,
  ChannelReportQueryDto,
  channelReportCsv,
  ChannelReportService,
  CustomerReport,
  CustomerReportQueryDto,
  customerReportCsv,
  CustomerReportService,
  PromotionReport,
  promotionReportCsv,
  PromotionReportQueryDto,
  PromotionReportService,
  RefundReport,
  refundReportCsv,
  RefundReportQueryDto,
  RefundReportService,
  ReportFormat,
  TicketReport,
  ticketReportCsv,
  TicketReportQueryDto,
  TicketReportService,
} from '@campus/reports';
import type { FastifyReply } from 'fastify';
import {
  AgentReportView,
  ChannelReportView,
  CustomerReportView,
  PromotionReportView,
  TicketReportView,
  RefundReportView,
} from './reports.views';

/** JSON by default; `format=csv` answers the same figures as a CSV download. */
function render<T>(
  reply: FastifyReply,
  format: ReportFormat | undefined,
  name: string,
  report: T,
  csv: (r: T) => string,
): T | string {
  if (format !== 'csv') return report;
  void reply.header('Content-Type', 'text/csv; charset=utf-8');
  void reply.header('Content-Disposition', `attachment; filename="${name}.csv"`);
  return csv(report);
}

/** Reports for regional managers (their region) and admins (everything, or one region/campus). */
@ApiTags('reports')
@ApiBearerAuth()
@ApiProduces('application/json', 'text/csv')
@Controller('reports')
export class ReportsController {
  constructor(
    private readonly channelReports: ChannelReportService,
    private readonly agentReports: AgentReportService,
    private readonly customerReports: CustomerReportService,
    private readonly promotionReports: PromotionReportService,
    private readonly ticketReports: TicketReportService,
    private readonly refundReports: RefundReportService,
  ) {}

  @Get('refunds')
  @Roles('regional_manager', 'admin')
  @ApiOkResponse({
    type: RefundReportView,
    description:
      'refunds written in [from, to) per Asia/Shanghai day and method: paid back, outstanding, failed; and totals per method',
  })
  async refunds(
    @Ctx() ctx: RequestContext,
    @Query() q: RefundReportQueryDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<RefundReport | string> {
    return render(reply, q.format, 'refunds', await this.refundReports.report(ctx, q), refundReportCsv);
  }

  @Get('channels')
  @Roles('regional_manager', 'admin')
  @ApiOkResponse({
    type: ChannelReportView,
    description: 'per-channel funnel of the orders placed in [from, to), and the total',
  })
  async channels(
    @Ctx() ctx: RequestContext,
    @Query() q: ChannelReportQueryDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ChannelReport | string> {
    return render(reply, q.format, 'channels', await this.channelReports.report(ctx, q), channelReportCsv);
  }

  @Get('agents')
  @Roles('regional_manager', 'admin')
  @ApiOkResponse({
    type: AgentReportView,
    description: 'the agent leaderboard of one Asia/Shanghai month, ranked',
  })
  async agents(
    @Ctx() ctx: RequestContext,
    @Query() q: AgentReportQueryDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<AgentReport | string> {
    return render(
      reply,
      q.format,
      `agents-${q.period}`,
      await this.agentReports.report(ctx, q),
      agentReportCsv,
    );
  }

  @Get('customers')
  @Roles('regional_manager', 'admin')
  @ApiOkResponse({
    type: CustomerReportView,
    description: 'new vs returning customers and the repeat-purchase rate, per campus',
  })
  async customers(
    @Ctx() ctx: RequestContext,
    @Query() q: CustomerReportQueryDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CustomerReport | string> {
    return render(reply, q.format, 'customers', await this.customerReports.report(ctx, q), customerReportCsv);
  }

  @Get('promotions')
  @Roles('regional_manager', 'admin')
  @ApiOkResponse({
    type: PromotionReportView,
    description:
      'per promotion and flash sale: orders placed in [from, to) that kept it, discount, GMV, new customers, ' +
      'gross margin and ROI (margin ÷ discount, basis points)',
  })
  async promotions(
    @Ctx() ctx: RequestContext,
    @Query() q: PromotionReportQueryDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<PromotionReport | string> {
    return render(
      reply,
      q.format,
      'promotions',
      await this.promotionReports.report(ctx, q),
      promotionReportCsv,
    );
  }

  @Get('tickets')
  @Roles('regional_manager', 'admin')
  @ApiOkResponse({
    type: TicketReportView,
    description:
      'after-sales tickets opened in [from, to) per campus (of their order): kinds, open, overdue now, ' +
      'median minutes to the first staff answer, compensation; and the total',
  })
  async tickets(
    @Ctx() ctx: RequestContext,
    @Query() q: TicketReportQueryDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<TicketReport | string> {
    return render(reply, q.format, 'tickets', await this.ticketReports.report(ctx, q), ticketReportCsv);
  }
}
