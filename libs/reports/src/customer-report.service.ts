import { Injectable } from '@nestjs/common';
import { RequestContext } from '@campus/core';
import { Db } from '@campus/database';
import { CustomerReportQueryDto } from './dto/report-query.dto';
import { CsvCell, toCsv } from './csv';
import { rateBps } from './rates';
import { reportQuery } from './report-query';
import { ReportScopeResolver, scopeSql } from './report-scope';
import { reportWindow } from './report-window';

export interface CustomerFigures {
  /** Customers who placed at least one order in the window (here). */
  customers: number;
  /** Of those, whose first order ever (anywhere, any status) was placed in the window. */
  newCustomers: number;
  /** Of those, who had ordered before the window. */
  returningCustomers: number;
  /** Customers with 1+ of their window's orders (here) completed. */
  buyers: number;
  /** Customers with 2+ of their window's orders (here) completed. */
  repeatBuyers: number;
  /** repeatBuyers / buyers (bps; null without buyers). */
  repeatPurchaseRate: number | null;
}

export interface CampusCustomers extends CustomerFigures {
  campus: { id: string; code: string; name: string };
}

export interface CustomerReport {
  from: Date;
  to: Date;
  regionId: string | null;
  campusId: string | null;
  campuses: CampusCustomers[];
  /** Over all campuses in scope: a customer buying once at two campuses is a repeat buyer here only. */
  total: CustomerFigures;
}

interface Row {
  campus_id: string | null;
  code: string | null;
  name: string | null;
  customers: number;
  new_customers: number;
  buyers: number;
  repeat_buyers: number;
}

/**
 * New vs returning customers and the repeat-purchase rate of the orders placed in a window, per
 * campus (of the order) and in total. Every campus in scope has a row, with zeros if quiet.
 */
@Injectable()
export class CustomerReportService {
  constructor(
    private readonly db: Db,
    private readonly scopes: ReportScopeResolver,
  ) {}

  async report(ctx: RequestContext, q: CustomerReportQueryDto): Promise<CustomerReport> {
    const window = reportWindow(q.from, q.to);
    const scope = await this.scopes.resolve(ctx, q);
    const params: unknown[] = [window.from, window.to];
    const orderFilter = scopeSql(scope, { regionCol: 'o.region_id', campusCol: 'o.campus_id' }, params);
    const campusFilter = scopeSql(scope, { regionCol: 'k.region_id', campusCol: 'k.id' }, params);
    const rows = await reportQuery<Row>(
      this.db,
      ctx,
      `WITH win AS (
         SELECT o.customer_id, o.campus_id, count(*) FILTER (WHERE o.completed_at IS NOT NULL) AS completed
           FROM orders o
          WHERE o.created_at >= $1 AND o.created_at < $2${orderFilter}
          GROUP BY o.customer_id, o.campus_id
       ), per_customer AS (
         SELECT w.customer_id, sum(w.completed) AS completed,
                (SELECT min(f.created_at) FROM orders f WHERE f.customer_id = w.customer_id) >= $1 AS is_new
           FROM win w GROUP BY w.customer_id
       ), per_campus AS (
         SELECT w.campus_id, count(*)::int AS customers, count(*) FILTER (WHERE pc.is_new)::int AS new_customers,
                count(*) FILTER (WHERE w.completed >= 1)::int AS buyers,
                count(*) FILTER (WHERE w.completed >= 2)::int AS repeat_buyers
           FROM win w JOIN per_customer pc ON pc.customer_id = w.customer_id
          GROUP BY w.campus_id
       )
       SELECT k.id AS campus_id, k.code, k.name, COALESCE(p.customers, 0) AS customers,
              COALESCE(p.new_customers, 0) AS new_customers, COALESCE(p.buyers, 0) AS buyers,
              COALESCE(p.repeat_buyers, 0) AS repeat_buyers
         FROM campuses k LEFT JOIN per_campus p ON p.campus_id = k.id
        WHERE TRUE${campusFilter}
       UNION ALL
       SELECT NULL, NULL, NULL, count(*)::int, count(*) FILTER (WHERE is_new)::int,
              count(*) FILTER (WHERE completed >= 1)::int, count(*) FILTER (WHERE completed >= 2)::int
         FROM per_customer
        ORDER BY 2 NULLS LAST`,
      params,
    );
    const total = rows.find((r) => r.campus_id === null)!;
    return {
      from: window.from,
      to: window.to,
      regionId: scope.regionId,
      campusId: scope.campusId,
      campuses: rows
        .filter((r) => r.campus_id !== null)
        .map((r) => ({ campus: { id: r.campus_id!, code: r.code!, name: r.name! }, ...figures(r) })),
      total: figures(total),
    };
  }
}

function figures(r: Row): CustomerFigures {
  return {
    customers: r.customers,
    newCustomers: r.new_customers,
    returningCustomers: r.customers - r.new_customers,
    buyers: r.buyers,
    repeatBuyers: r.repeat_buyers,
    repeatPurchaseRate: rateBps(r.repeat_buyers, r.buyers),
  };
}

/** The customer report as CSV: one row per campus, then the total row (campus "total"). */
export function customerReportCsv(report: CustomerReport): string {
  const header = [
    'campus_id',
    'campus_code',
    'campus',
    'customers',
    'new_customers',
    'returning_customers',
    'buyers',
    'repeat_buyers',
    'repeat_purchase_rate_bps',
  ];
  const row = (id: string | null, code: string, name: string, f: CustomerFigures): CsvCell[] => [
    id,
    code,
    name,
    f.customers,
    f.newCustomers,
    f.returningCustomers,
    f.buyers,
    f.repeatBuyers,
    f.repeatPurchaseRate,
  ];
  return toCsv(header, [
    ...report.campuses.map((c) => row(c.campus.id, c.campus.code, c.campus.name, c)),
    row(null, 'total', '', report.total),
  ]);
}
