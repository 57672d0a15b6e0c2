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
  /** Σ total of the orders that reached `completed` and were not returned afterwards. */
  netGmvCents: number;
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

export interface ChannelReport {
  from: Date;
  to: Date;
  regionId: string | null;
  campusId: string | null;
  /** How orders are counted: placed in the window, by every state they ever reached (until now). */
  basis: 'placed_cohort';
  channels: ChannelFunnel[];
  total: ChannelFunnel;
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
    };
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
              COALESCE(sum(c.total_cents) FILTER (WHERE c.completed_at IS NOT NULL AND c.returned_at IS NULL), 0)::bigint
                AS net_gmv,
              count(*) FILTER (WHERE c.payment_method = 'online')::int AS online,
              count(*) FILTER (WHERE c.payment_method = 'online' AND c.paid_at IS NOT NULL)::int AS paid,
              round((percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM c.paid_at - c.created_at))
                FILTER (WHERE c.payment_method = 'online' AND c.paid_at IS NOT NULL) / 60)::numeric, 1)
                AS median_minutes
         FROM (
           SELECT o.channel, o.payment_method, o.total_cents, o.created_at, o.paid_at, o.delivered_at, o.completed_at,
                  o.cancelled_at, o.returned_at,
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
  ];
  return toCsv(CHANNEL_CSV_HEADER, [...report.channels.map(row), row(report.total)]);
}
