import { Injectable } from '@nestjs/common';
import { RequestContext } from '@campus/core';
import { Db } from '@campus/database';
import { CsvCell, toCsv } from './csv';
import { PromotionReportQueryDto } from './dto/report-query.dto';
import { reportQuery } from './report-query';
import { ReportScopeResolver, scopeSql } from './report-scope';
import { reportWindow } from './report-window';

/** One promotion's (or flash sale's) effect on the orders placed in the window. */
export interface PromotionEffect {
  kind: 'promotion' | 'flash_sale';
  id: string;
  /** The promotion's name, or the flash sale's SKU. */
  name: string;
  promotionKind: string | null;
  /** Orders placed in the window that used it and kept it (not cancelled or returned). */
  orders: number;
  /** What it gave on those orders (a flash sale: list price − sale price, per unit). */
  discountCents: number;
  /** Σ totals (paid amounts) of those orders. */
  gmvCents: number;
  /** Of those orders, how many were the customer's first order ever. */
  newCustomers: number;
  /** Σ (line total − unit cost × quantity) over every line of those orders; null when a cost is missing. */
  grossMarginCents: number | null;
  /** Gross margin per fen of discount, in basis points (10 000 = every fen given back one fen of margin). */
  roiBps: number | null;
}

export interface PromotionReport {
  from: Date;
  to: Date;
  regionId: string | null;
  campusId: string | null;
  items: PromotionEffect[];
}

interface Row {
  kind: 'promotion' | 'flash_sale';
  id: string;
  name: string;
  promotion_kind: string | null;
  orders: number;
  discount: string;
  gmv: string;
  new_customers: number;
  margin: string | null;
  costed: boolean | null;
}

/**
 * Per promotion and flash sale: orders, discount given, GMV, new customers and a simple ROI. The
 * orders counted are those placed in [from, to) within the caller's scope whose use of it was not
 * given back. ROI = gross margin of those orders ÷ the discount they got: the margin is taken on the
 * paid amounts (so it is already net of every discount) with each product's `costCents` (admin-only);
 * an order with a line of unknown cost makes the figure null rather than flattering.
 */
@Injectable()
export class PromotionReportService {
  constructor(
    private readonly db: Db,
    private readonly scopes: ReportScopeResolver,
  ) {}

  async report(ctx: RequestContext, q: PromotionReportQueryDto): Promise<PromotionReport> {
    const window = reportWindow(q.from, q.to);
    const scope = await this.scopes.resolve(ctx, q);
    const params: unknown[] = [window.from, window.to];
    const filter = scopeSql(scope, { regionCol: 'o.region_id', campusCol: 'o.campus_id' }, params);
    const rows = await reportQuery<Row>(
      this.db,
      ctx,
      `WITH red AS (
         SELECT r.order_id, CASE WHEN r.flash_sale_id IS NULL THEN 'promotion' ELSE 'flash_sale' END AS kind,
                COALESCE(r.promotion_id, r.flash_sale_id) AS ref, r.discount_cents
           FROM pricing_redemptions r JOIN orders o ON o.id = r.order_id
          WHERE r.released_at IS NULL AND r.released_quantity = 0
            AND o.created_at >= $1 AND o.created_at < $2${filter}
       ), used AS (
         SELECT kind, ref, order_id, sum(discount_cents) AS discount FROM red GROUP BY kind, ref, order_id
       ), per_order AS (
         SELECT o.id, o.total_cents,
                NOT EXISTS (SELECT 1 FROM orders e WHERE e.customer_id = o.customer_id
                             AND (e.created_at, e.id) < (o.created_at, o.id)) AS first_order,
                m.margin, m.costed
           FROM orders o
           CROSS JOIN LATERAL (
             SELECT sum(l.line_total_cents - p.cost_cents::bigint * l.quantity) AS margin,
                    bool_and(p.cost_cents IS NOT NULL) AS costed
               FROM order_lines l JOIN products p ON p.id = l.product_id WHERE l.order_id = o.id) m
          WHERE o.id IN (SELECT order_id FROM used)
       )
       SELECT u.kind, u.ref AS id,
              COALESCE(pr.name, f.sku) AS name, pr.kind AS promotion_kind,
              count(*)::int AS orders, sum(u.discount)::bigint AS discount, sum(po.total_cents)::bigint AS gmv,
              count(*) FILTER (WHERE po.first_order)::int AS new_customers,
              sum(po.margin)::bigint AS margin, bool_and(po.costed) AS costed
         FROM used u JOIN per_order po ON po.id = u.order_id
         LEFT JOIN promotions pr ON u.kind = 'promotion' AND pr.id = u.ref
         LEFT JOIN flash_sales f ON u.kind = 'flash_sale' AND f.id = u.ref
        GROUP BY u.kind, u.ref, pr.name, f.sku, pr.kind
        ORDER BY sum(u.discount) DESC, u.ref`,
      params,
    );
    return {
      from: window.from,
      to: window.to,
      regionId: scope.regionId,
      campusId: scope.campusId,
      items: rows.map((r) => {
        const discountCents = Number(r.discount);
        const grossMarginCents = r.costed && r.margin !== null ? Number(r.margin) : null;
        return {
          kind: r.kind,
          id: r.id,
          name: r.name,
          promotionKind: r.promotion_kind,
          orders: r.orders,
          discountCents,
          gmvCents: Number(r.gmv),
          newCustomers: r.new_customers,
          grossMarginCents,
          roiBps:
            grossMarginCents === null || discountCents === 0
              ? null
              : Math.round((grossMarginCents * 10_000) / discountCents),
        };
      }),
    };
  }
}

export function promotionReportCsv(r: PromotionReport): string {
  const rows: CsvCell[][] = r.items.map((i) => [
    i.kind,
    i.id,
    i.name,
    i.promotionKind,
    i.orders,
    i.discountCents,
    i.gmvCents,
    i.newCustomers,
    i.grossMarginCents,
    i.roiBps,
  ]);
  return toCsv(
    [
      'kind',
      'id',
      'name',
      'promotion_kind',
      'orders',
      'discount_cents',
      'gmv_cents',
      'new_customers',
      'gross_margin_cents',
      'roi_bps',
    ],
    rows,
  );
}
