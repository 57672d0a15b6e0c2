import { Module } from '@nestjs/common';
import { AgentReportService } from './agent-report.service';
import { ChannelReportService } from './channel-report.service';
import { CustomerReportService } from './customer-report.service';
import { PromotionReportService } from './promotion-report.service';
import { RefundReportService } from './refund-report.service';
import { ReportScopeResolver } from './report-scope';
import { SalesFootprintService } from './sales-footprint.service';
import { TicketReportService } from './ticket-report.service';

/** Read-only reporting over the other contexts' tables; imports no other context (DESIGN.md §3). */
@Module({
  providers: [
    ReportScopeResolver,
    ChannelReportService,
    AgentReportService,
    CustomerReportService,
    PromotionReportService,
    RefundReportService,
    SalesFootprintService,
    TicketReportService,
  ],
  exports: [
    ChannelReportService,
    AgentReportService,
    CustomerReportService,
    PromotionReportService,
    RefundReportService,
    SalesFootprintService,
    TicketReportService,
  ],
})
export class ReportsModule {}
