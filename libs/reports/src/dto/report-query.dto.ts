import { ApiProperty } from '@nestjs/swagger';
import { IsString, Matches, MaxLength } from 'class-validator';
import { IsId, IsOneOf } from '@campus/core';

export const REPORT_FORMATS = ['json', 'csv'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

const BOUND = { type: String, example: '2026-11-01' };

/** What every report accepts: the output format and the region/campus to narrow it to. */
class ReportScopeQueryDto {
  @IsId({ optional: true, description: 'one region (a manager may only name their own: else 404)' })
  regionId?: string;

  @IsId({ optional: true, description: 'one campus in scope (else 404)' })
  campusId?: string;

  @IsOneOf(REPORT_FORMATS, { optional: true, description: 'csv: text/csv with a UTF-8 BOM and a header row' })
  format?: ReportFormat;
}

/** A window of placement times: dates are Asia/Shanghai days (`to` inclusive), date-times need an offset. */
export class WindowReportQueryDto extends ReportScopeQueryDto {
  @ApiProperty({ ...BOUND, description: 'YYYY-MM-DD (Asia/Shanghai) or an ISO 8601 date-time with offset' })
  @IsString()
  @MaxLength(40)
  from: string;

  @ApiProperty({ ...BOUND, example: '2026-11-30', description: 'inclusive day, or an exclusive date-time' })
  @IsString()
  @MaxLength(40)
  to: string;
}

export class ChannelReportQueryDto extends WindowReportQueryDto {}

export class CustomerReportQueryDto extends WindowReportQueryDto {}

export class PromotionReportQueryDto extends WindowReportQueryDto {}

/** Tickets opened in the window. */
export class TicketReportQueryDto extends WindowReportQueryDto {}

/** Refunds written in the window (by the refund's time, not the order's). */
export class RefundReportQueryDto extends WindowReportQueryDto {}

export class AgentReportQueryDto extends ReportScopeQueryDto {
  @ApiProperty({ example: '2026-11', description: 'a calendar month in Asia/Shanghai' })
  @IsString()
  @Matches(/^\d{4}-(0[1-9]|1[0-2])$/, { message: 'must be a month, YYYY-MM' })
  period: string;
}
