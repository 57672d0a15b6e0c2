import { Injectable } from '@nestjs/common';
import { CHANNELS, Channel, RequestContext } from '@campus/core';
import { Db } from '@campus/database';
import { ChannelReportQueryDto } from './dto/report-query.dto';
import { CsvCell, toCsv } from './csv';
import { rateBps } from './rates';
import { reportQuery } from './report-query';
import { ReportScope, ReportScopeResolver, scopeSql } from './report-scope';
import { reportWindow } from './report-window';

/** One channel's funnel (or the total over all channels). Rates are basis points, null when nothing was placed. */
export interface ChannelFunnel {
  channel: Channel | 'total';
  /** Orders placed in the window (the cohort). */
  orders: number;
  /** Of those, confirmed: COD and counter orders at placement, online orders once paid. */
  confirmed: number;
  cancelled: number;
  cancelledByCustomer: number;
  cancelledUnpaidTimeout: number;
  cancelledOther: number;
  delivered: number;
  completed: number;
  returned: number;
  /** Σ total of the orders that reached `completed` (gross: a later return is not deducted). */
  gmvCents: number;
  /**
   * Σ total of the orders that reached `completed` and were not returned as a whole afterwards, minus
   * what their partial returns refunded (refunds of cause `return`, failed ones aside).
   */
  netGmvCents: number;
  /**
   * After-sales: orders with at least one unit returned (whole or partial returns), the units and what
   * the returns refunded (every refund of cause `return` of the cohort's orders, failed ones aside);
   * `rate` = orders with returns / delivered (bps).
   */
  returns: { orders: number; units: number; refundCents: number; rate: number | null };
  /** completed / orders (bps). */
  conversionRate: number | null;
  /** confirmed / orders (bps). */
  confirmedRate: number | null;
  /** The online-payment funnel: online orders placed → paid, and the median time to pay. */
  payment: {
    onlineOrders: number;
    paid: number;
    paidRate: number | null;
    medianMinutesToPay: number | null;
  };
}

/** One product's returns among the cohort's delivered lines; `rate` = returned units / delivered units (bps). */
export interface ProductReturns {
  sku: string;
  name: string;
  deliveredUnits: number;
  returnedUnits: number;
  /** The returned units' share of their lines' totals (what they refunded), exact to the fen. */
  refundCents: number;
  rate: number | null;
}

export interface ChannelReport {
  from: Date;
  to: Date;
  regionId: string | null;
  campusId: string | null;
  /** How orders are counted: placed in the window, by every state they ever reached (until now). */
  basis: 'placed_cohort';
  channels: ChannelFunnel[];
  total: ChannelFunnel;
  /** Returns per product (products with at least one delivered unit), most returned units first. */
  products: ProductReturns[];
}

interface Row {
  channel: Channel | null;
  placed: number;
  confirmed: number;
  cancelled: number;
  by_customer: number;
  unpaid_timeout: number;
  delivered: number;
  completed: number;
  returned: number;
  gmv: string;
  net_gmv: string;
  with_returns: number;
  returned_units: number;
  return_refunds: string;
  online: number;
  paid: number;
  median_minutes: string | null;
}

/**
 * The per-channel funnel of the orders placed in a window (a cohort by placement time). Each order
 * counts in every state it ever reached: the lifecycle stamps `delivered_at`, `completed_at`,
 * `cancelled_at` and `returned_at` in the same transaction as the event that enters the state, and
 * each is entered at most once, so a delivered-then-returned order counts as delivered, completed
 * (if it was) and returned. The cancel split reads the `cancel` event: by the customer (actor role),
 * the unpaid-timeout timer (`data.cause`), or anyone else.
 */
@Injectable()
export class ChannelReportService {
  constructor(
    private readonly db: Db,
    private readonly scopes: ReportScopeResolver,
  ) {}

  async report(ctx: RequestContext, q: ChannelReportQueryDto): Promise<ChannelReport> {
    const window = reportWindow(q.from, q.to);
    const scope = await this.scopes.resolve(ctx, q);
    const rows = await this.query(ctx, window, scope);
    const products = await this.products(ctx, window, scope);
    const byChannel = new Map(rows.filter((r) => r.channel).map((r) => [r.channel, r]));
    const total = rows.find((r) => r.channel === null);
    return {
      from: window.from,
      to: window.to,
      regionId: scope.regionId,
      campusId: scope.campusId,
      basis: 'placed_cohort',
      channels: CHANNELS.map((c) => funnel(c, byChannel.get(c))),
      total: funnel('total', total),
      products,
    };
  }

  private async products(
    ctx: RequestContext,
    w: { from: Date; to: Date },
    scope: ReportScope,
  ): Promise<ProductReturns[]> {
    const params: unknown[] = [w.from, w.to];
    const filter = scopeSql(scope, { regionCol: 'o.region_id', campusCol: 'o.campus_id' }, params);
    // The refund share of returned units, half-up as the order booked it: round(total × returned / quantity).
    const rows = await reportQuery<{
      sku: string;
      name: string;
      delivered: number;
      returned: number;
      refund: string;
    }>(
      this.db,
      ctx,
      `SELECT l.sku, min(l.name) AS name, sum(l.quantity)::int AS delivered, sum(l.returned_quantity)::int AS returned,
              COALESCE(sum(floor((l.line_total_cents * l.returned_quantity * 2 + l.quantity) / (2 * l.quantity))), 0)::bigint
                AS refund
         FROM orders o JOIN order_lines l ON l.order_id = o.id
        WHERE o.created_at >= $1 AND o.created_at < $2 AND o.delivered_at IS NOT NULL${filter}
        GROUP BY l.sku
        ORDER BY sum(l.returned_quantity) DESC, l.sku
        LIMIT 200`,
      params,
    );
    return rows.map((r) => ({
      sku: r.sku,
      name: r.name,
      deliveredUnits: r.delivered,
      returnedUnits: r.returned,
      refundCents: Number(r.refund),
      rate: rateBps(r.returned, r.delivered),
    }));
  }

  private query(ctx: RequestContext, w: { from: Date; to: Date }, scope: ReportScope): Promise<Row[]> {
    const params: unknown[] = [w.from, w.to];
    const filter = scopeSql(scope, { regionCol: 'o.region_id', campusCol: 'o.campus_id' }, params);
    return reportQuery<Row>(
      this.db,
      ctx,
      `SELECT c.channel,
              count(*)::int AS placed,
              count(*) FILTER (WHERE c.payment_method <> 'online' OR c.paid_at IS NOT NULL)::int AS confirmed,
              count(*) FILTER (WHERE c.cancelled_at IS NOT NULL)::int AS cancelled,
              count(*) FILTER (WHERE c.cause = 'customer')::int AS by_customer,
              count(*) FILTER (WHERE c.cause = 'unpaid_timeout')::int AS unpaid_timeout,
              count(*) FILTER (WHERE c.delivered_at IS NOT NULL)::int AS delivered,
              count(*) FILTER (WHERE c.completed_at IS NOT NULL)::int AS completed,
              count(*) FILTER (WHERE c.returned_at IS NOT NULL)::int AS returned,
              COALESCE(sum(c.total_cents) FILTER (WHERE c.completed_at IS NOT NULL), 0)::bigint AS gmv,
              COALESCE(sum(c.total_cents - c.return_refunds) FILTER (WHERE c.completed_at IS NOT NULL AND c.returned_at IS NULL), 0)::bigint
                AS net_gmv,
              count(*) FILTER (WHERE c.returned_units > 0)::int AS with_returns,
              COALESCE(sum(c.returned_units), 0)::int AS returned_units,
              COALESCE(sum(c.return_refunds), 0)::bigint AS return_refunds,
              count(*) FILTER (WHERE c.payment_method = 'online')::int AS online,
              count(*) FILTER (WHERE c.payment_method = 'online' AND c.paid_at IS NOT NULL)::int AS paid,
              round((percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM c.paid_at - c.created_at))
                FILTER (WHERE c.payment_method = 'online' AND c.paid_at IS NOT NULL) / 60)::numeric, 1)
                AS median_minutes
         FROM (
           SELECT o.channel, o.payment_method, o.total_cents, o.created_at, o.paid_at, o.delivered_at, o.completed_at,
                  o.cancelled_at, o.returned_at,
                  CASE WHEN o.delivered_at IS NULL THEN 0 ELSE
                    (SELECT COALESCE(sum(l.returned_quantity), 0) FROM order_lines l WHERE l.order_id = o.id) END
                    AS returned_units,
                  (SELECT COALESCE(sum(r.amount_cents), 0) FROM refunds r
                    WHERE r.order_id = o.id AND r.cause = 'return' AND r.status <> 'failed') AS return_refunds,
                  CASE WHEN o.cancelled_at IS NOT NULL THEN (
                    SELECT CASE WHEN ev.actor_role = 'customer' THEN 'customer'
                                WHEN ev.data->>'cause' = 'unpaid_timeout' THEN 'unpaid_timeout'
                                ELSE 'other' END
                      FROM order_events ev
                     WHERE ev.order_id = o.id AND ev.type = 'cancel' ORDER BY ev.id DESC LIMIT 1)
                  END AS cause
             FROM orders o
            WHERE o.created_at >= $1 AND o.created_at < $2${filter}
         ) c
        GROUP BY GROUPING SETS ((c.channel), ())`,
      params,
    );
  }
}

function funnel(channel: Channel | 'total', r: Row | undefined): ChannelFunnel {
  const n = (v: number | undefined) => v ?? 0;
  const placed = n(r?.placed);
  const confirmed = n(r?.confirmed);
  const cancelled = n(r?.cancelled);
  const byCustomer = n(r?.by_customer);
  const unpaid = n(r?.unpaid_timeout);
  const completed = n(r?.completed);
  const online = n(r?.online);
  const paid = n(r?.paid);
  return {
    channel,
    orders: placed,
    confirmed,
    cancelled,
    cancelledByCustomer: byCustomer,
    cancelledUnpaidTimeout: unpaid,
    cancelledOther: cancelled - byCustomer - unpaid,
    delivered: n(r?.delivered),
    completed,
    returned: n(r?.returned),
    gmvCents: Number(r?.gmv ?? 0),
    netGmvCents: Number(r?.net_gmv ?? 0),
    returns: {
      orders: n(r?.with_returns),
      units: n(r?.returned_units),
      refundCents: Number(r?.return_refunds ?? 0),
      rate: rateBps(n(r?.with_returns), n(r?.delivered)),
    },
    conversionRate: rateBps(completed, placed),
    confirmedRate: rateBps(confirmed, placed),
    payment: {
      onlineOrders: online,
      paid,
      paidRate: rateBps(paid, online),
      medianMinutesToPay: r?.median_minutes == null ? null : Number(r.median_minutes),
    },
  };
}

const CHANNEL_CSV_HEADER = [
  'channel',
  'orders',
  'confirmed',
  'cancelled',
  'cancelled_by_customer',
  'cancelled_unpaid_timeout',
  'cancelled_other',
  'delivered',
  'completed',
  'returned',
  'gmv_cents',
  'net_gmv_cents',
  'conversion_rate_bps',
  'confirmed_rate_bps',
  'online_orders',
  'online_paid',
  'paid_rate_bps',
  'median_minutes_to_pay',
  'orders_with_returns',
  'returned_units',
  'return_refunds_cents',
  'return_rate_bps',
];

/** The channel report as CSV: one row per channel, then the total row. */
export function channelReportCsv(report: ChannelReport): string {
  const row = (f: ChannelFunnel): CsvCell[] => [
    f.channel,
    f.orders,
    f.confirmed,
    f.cancelled,
    f.cancelledByCustomer,
    f.cancelledUnpaidTimeout,
    f.cancelledOther,
    f.delivered,
    f.completed,
    f.returned,
    f.gmvCents,
    f.netGmvCents,
    f.conversionRate,
    f.confirmedRate,
    f.payment.onlineOrders,
    f.payment.paid,
    f.payment.paidRate,
    f.payment.medianMinutesToPay,
    f.returns.orders,
    f.returns.units,
    f.returns.refundCents,
    f.returns.rate,
  ];
  return toCsv(CHANNEL_CSV_HEADER, [...report.channels.map(row), row(report.total)]);
}
