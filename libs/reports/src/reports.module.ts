import { Module } from '@nestjs/common';
import { AgentReportService } from './agent-report.service';
import { ChannelReportService } from './channel-report.service';
import { CustomerReportService } from './customer-report.service';
import { ReportScopeResolver } from './report-scope';

/** Read-only reporting over the other contexts' tables; imports no other context (DESIGN.md §3). */
@Module({
  providers: [ReportScopeResolver, ChannelReportService, AgentReportService, CustomerReportService],
  exports: [ChannelReportService, AgentReportService, CustomerReportService],
})
export class ReportsModule {}
