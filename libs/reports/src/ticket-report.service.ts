import { Injectable } from '@nestjs/common';
import { Clock, RequestContext } from '@campus/core';
import { Db } from '@campus/database';
import { CsvCell, toCsv } from './csv';
import { TicketReportQueryDto } from './dto/report-query.dto';
import { reportQuery } from './report-query';
import { ReportScopeResolver, scopeSql } from './report-scope';
import { reportWindow } from './report-window';

/** The after-sales tickets of one campus opened in the window. */
export interface CampusTickets {
  /** Null: tickets not about an order (keyed by phone), which belong to no campus. */
  campus: { id: string; code: string; name: string } | null;
  tickets: number;
  complaints: number;
  enquiries: number;
  repairs: number;
  /** Still open now. */
  open: number;
  /** Open with no staff reply past TICKET_SLA_HOURS, now. */
  overdue: number;
  /** Answered by staff (a reply or the resolution). */
  replied: number;
  /** Median minutes from opening to the first staff answer, over the answered ones (null: none). */
  medianFirstReplyMinutes: number | null;
  compensated: number;
  compensationCents: number;
}

export interface TicketReport {
  from: Date;
  to: Date;
  regionId: string | null;
  campusId: string | null;
  campuses: CampusTickets[];
  total: Omit<CampusTickets, 'campus'>;
}

interface Row {
  campus_id: string | null;
  code: string | null;
  name: string | null;
  tickets: number;
  complaints: number;
  enquiries: number;
  repairs: number;
  open: number;
  overdue: number;
  replied: number;
  median_minutes: number | null;
  compensated: number;
  compensation: string;
  is_total: boolean;
}

/**
 * Tickets per campus with the median time to the first staff answer (issue 16 item 5): the tickets
 * opened in [from, to) in the caller's scope, grouped by the campus of their order, plus the total
 * (its median over every ticket, not a median of medians). "Overdue" is judged now, on the app's clock.
 * A manager sees their region's campuses only (tickets without an order have no region: admins only).
 */
@Injectable()
export class TicketReportService {
  constructor(
    private readonly db: Db,
    private readonly scopes: ReportScopeResolver,
    private readonly clock: Clock,
  ) {}

  async report(ctx: RequestContext, q: TicketReportQueryDto): Promise<TicketReport> {
    const window = reportWindow(q.from, q.to);
    const scope = await this.scopes.resolve(ctx, q);
    const params: unknown[] = [window.from, window.to, this.clock.now()];
    const filter = scopeSql(scope, { regionCol: 'tk.region_id', campusCol: 'tk.campus_id' }, params);
    const rows = await reportQuery<Row>(
      this.db,
      ctx,
      `WITH t AS (
         SELECT tk.*, EXTRACT(EPOCH FROM (tk.first_reply_at - tk.created_at)) / 60 AS reply_minutes
           FROM tickets tk WHERE tk.created_at >= $1 AND tk.created_at < $2${filter}
       )
       SELECT t.campus_id, c.code, c.name, GROUPING(t.campus_id, c.code, c.name) <> 0 AS is_total,
              count(*)::int AS tickets,
              count(*) FILTER (WHERE t.kind = 'complaint')::int AS complaints,
              count(*) FILTER (WHERE t.kind = 'enquiry')::int AS enquiries,
              count(*) FILTER (WHERE t.kind = 'repair')::int AS repairs,
              count(*) FILTER (WHERE t.status = 'open')::int AS open,
              count(*) FILTER (WHERE t.status = 'open' AND t.first_reply_at IS NULL AND t.due_at <= $3)::int AS overdue,
              count(t.first_reply_at)::int AS replied,
              (percentile_cont(0.5) WITHIN GROUP (ORDER BY t.reply_minutes))::float8 AS median_minutes,
              count(*) FILTER (WHERE t.outcome = 'compensated')::int AS compensated,
              COALESCE(sum(t.compensation_cents), 0)::bigint AS compensation
         FROM t LEFT JOIN campuses c ON c.id = t.campus_id
        GROUP BY GROUPING SETS ((t.campus_id, c.code, c.name), ())
        ORDER BY is_total, count(*) DESC, c.code NULLS LAST`,
      params,
    );
    const figures = (r: Row): Omit<CampusTickets, 'campus'> => ({
      tickets: r.tickets,
      complaints: r.complaints,
      enquiries: r.enquiries,
      repairs: r.repairs,
      open: r.open,
      overdue: r.overdue,
      replied: r.replied,
      medianFirstReplyMinutes: r.median_minutes === null ? null : Math.round(r.median_minutes),
      compensated: r.compensated,
      compensationCents: Number(r.compensation),
    });
    const total = rows.find((r) => r.is_total);
    return {
      from: window.from,
      to: window.to,
      regionId: scope.regionId,
      campusId: scope.campusId,
      campuses: rows
        .filter((r) => !r.is_total)
        .map((r) => ({
          campus: r.campus_id ? { id: r.campus_id, code: r.code!, name: r.name! } : null,
          ...figures(r),
        })),
      total: total
        ? figures(total)
        : {
            tickets: 0,
            complaints: 0,
            enquiries: 0,
            repairs: 0,
            open: 0,
            overdue: 0,
            replied: 0,
            medianFirstReplyMinutes: null,
            compensated: 0,
            compensationCents: 0,
          },
    };
  }
}

export function ticketReportCsv(r: TicketReport): string {
  const line = (campus: CampusTickets['campus'], f: Omit<CampusTickets, 'campus'>): CsvCell[] => [
    campus?.code ?? '',
    campus?.name ?? '',
    f.tickets,
    f.complaints,
    f.enquiries,
    f.repairs,
    f.open,
    f.overdue,
    f.replied,
    f.medianFirstReplyMinutes,
    f.compensated,
    f.compensationCents,
  ];
  return toCsv(
    [
      'campus_code',
      'campus_name',
      'tickets',
      'complaints',
      'enquiries',
      'repairs',
      'open',
      'overdue',
      'replied',
      'median_first_reply_minutes',
      'compensated',
      'compensation_cents',
    ],
    [...r.campuses.map((c) => line(c.campus, c)), ['TOTAL', '', ...line(null, r.total).slice(2)]],
  );
}
