import { Injectable } from '@nestjs/common';
import { RequestContext } from '@campus/core';
import { Db } from '@campus/database';
import { CsvCell, toCsv } from './csv';
import { RefundReportQueryDto } from './dto/report-query.dto';
import { reportQuery } from './report-query';
import { ReportScopeResolver, scopeSql } from './report-scope';
import { reportWindow } from './report-window';

/** Refunds written on one Asia/Shanghai day in one method, by where they stand now. */
export interface RefundDayRow {
  /** YYYY-MM-DD in Asia/Shanghai. */
  day: string;
  method: 'alipay' | 'cash' | 'manual';
  refunds: number;
  amountCents: number;
  /** Paid back: Alipay `succeeded`, cash or manual `paid_out`. */
  paidCents: number;
  /** Still to pay: Alipay `pending`, cash or manual `owed`. */
  outstandingCents: number;
  /** Alipay refused it (to retry): not money that moved. */
  failedCents: number;
  /** Of `refunds`: those of a return (whole or partial), the rest cancels, parcels sent back, late or double payments. */
  returnRefunds: number;
}

export interface RefundReport {
  from: Date;
  to: Date;
  regionId: string | null;
  campusId: string | null;
  days: RefundDayRow[];
  /** One row per method over the whole window (`day` is "total"). */
  totals: RefundDayRow[];
}

interface Row {
  day: string;
  method: RefundDayRow['method'];
  refunds: number;
  amount: string;
  paid: string;
  outstanding: string;
  failed: string;
  returns: number;
}

/**
 * Finance's reconciliation of refunds: every refund row written in [from, to) (orders' money ledger,
 * `refunds`), per Asia/Shanghai day and method, with what was paid back, what is still owed and what
 * failed. The figures add up to the refund ledger (GET /api/refunds) over the same window and scope.
 */
@Injectable()
export class RefundReportService {
  constructor(
    private readonly db: Db,
    private readonly scopes: ReportScopeResolver,
  ) {}

  async report(ctx: RequestContext, q: RefundReportQueryDto): Promise<RefundReport> {
    const window = reportWindow(q.from, q.to);
    const scope = await this.scopes.resolve(ctx, q);
    const params: unknown[] = [window.from, window.to];
    const filter = scopeSql(scope, { regionCol: 'r.region_id', campusCol: 'o.campus_id' }, params);
    const rows = await reportQuery<Row>(
      this.db,
      ctx,
      `SELECT COALESCE(to_char(r.created_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD'), 'total') AS day, r.method,
              count(*)::int AS refunds,
              sum(r.amount_cents)::bigint AS amount,
              COALESCE(sum(r.amount_cents) FILTER (WHERE r.status IN ('succeeded', 'paid_out')), 0)::bigint AS paid,
              COALESCE(sum(r.amount_cents) FILTER (WHERE r.status IN ('pending', 'owed')), 0)::bigint AS outstanding,
              COALESCE(sum(r.amount_cents) FILTER (WHERE r.status = 'failed'), 0)::bigint AS failed,
              count(*) FILTER (WHERE r.cause = 'return')::int AS returns
         FROM refunds r JOIN orders o ON o.id = r.order_id
        WHERE r.created_at >= $1 AND r.created_at < $2${filter}
        GROUP BY GROUPING SETS ((to_char(r.created_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD'), r.method), (r.method))
        ORDER BY 1, 2`,
      params,
    );
    const view = (r: Row): RefundDayRow => ({
      day: r.day,
      method: r.method,
      refunds: r.refunds,
      amountCents: Number(r.amount),
      paidCents: Number(r.paid),
      outstandingCents: Number(r.outstanding),
      failedCents: Number(r.failed),
      returnRefunds: r.returns,
    });
    return {
      from: window.from,
      to: window.to,
      regionId: scope.regionId,
      campusId: scope.campusId,
      days: rows.filter((r) => r.day !== 'total').map(view),
      totals: rows.filter((r) => r.day === 'total').map(view),
    };
  }
}

const HEADER = [
  'day',
  'method',
  'refunds',
  'amount_cents',
  'paid_cents',
  'outstanding_cents',
  'failed_cents',
  'return_refunds',
];

/** The refund report as CSV: one row per day and method, then one total row per method. */
export function refundReportCsv(report: RefundReport): string {
  const row = (r: RefundDayRow): CsvCell[] => [
    r.day,
    r.method,
    r.refunds,
    r.amountCents,
    r.paidCents,
    r.outstandingCents,
    r.failedCents,
    r.returnRefunds,
  ];
  return toCsv(HEADER, [...report.days.map(row), ...report.totals.map(row)]);
}
