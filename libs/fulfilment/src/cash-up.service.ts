import { Injectable } from '@nestjs/common';
import { AuditService } from '@campus/audit';
import {
  Clock,
  decodeCursor,
  DEFAULT_PAGE_SIZE,
  NotFoundError,
  Page,
  RequestContext,
  toPage,
  ValidationError,
} from '@campus/core';
import { Db, SqlParams } from '@campus/database';
import { NetworkService } from '@campus/network';
import {
  CashUpFigures,
  cashUpFigures,
  isCalendarDay,
  shanghaiDay,
  shanghaiDayBounds,
} from './cash-up-policy';
import { CashUpClosedError } from './fulfilment.errors';

export type CashUpStatus = 'open' | 'closed';

/** Cash taken at the point: a COD parcel paid at hand-out, or a counter sale paid when keyed. */
export interface CashCollectionView {
  kind: 'cod' | 'counter_sale';
  orderId: string;
  orderNumber: string;
  amountCents: number;
  at: Date;
}

/** Cash paid back to customers at the point (the `refunds` ledger of orders, method cash). */
export interface CashRefundView {
  refundId: string;
  orderId: string;
  orderNumber: string;
  amountCents: number;
  at: Date;
}

export interface CashHandInView {
  id: string;
  amountCents: number;
  note: string;
  recordedBy: { id: string; role: string };
  at: Date;
}

/**
 * One pickup point's cash for one Shanghai day. While open the figures are live; closing freezes
 * them (`collectedCents` … `differenceCents` are then the closed ones) and `changedSinceClose`
 * says whether cash moved on that day after the close (the live entries are still listed).
 */
export interface CashUpView extends CashUpFigures {
  id: string | null;
  pickupPointId: string;
  pickupPointName: string;
  regionId: string;
  day: string;
  status: CashUpStatus;
  closedAt: Date | null;
  closedById: string | null;
  closeNote: string | null;
  changedSinceClose: boolean;
  collections: CashCollectionView[];
  refunds: CashRefundView[];
  handIns: CashHandInView[];
}

export interface CashUpSummaryView extends CashUpFigures {
  id: string;
  pickupPointId: string;
  pickupPointName: string;
  regionId: string;
  day: string;
  status: CashUpStatus;
  closedAt: Date | null;
}

interface CashUpRow {
  id: string;
  pickup_point_id: string;
  region_id: string;
  day: string;
  status: CashUpStatus;
  collected_cents: string | null;
  refunded_cents: string | null;
  handed_in_cents: string | null;
  difference_cents: string | null;
  close_note: string | null;
  closed_by_id: string | null;
  closed_at: Date | null;
}

const CASH_UP_COLUMNS = `cu.id, cu.pickup_point_id, cu.region_id, cu.day::text AS day, cu.status, cu.collected_cents,
  cu.refunded_cents, cu.handed_in_cents, cu.difference_cents, cu.close_note, cu.closed_by_id, cu.closed_at`;

/**
 * Cash collected at a point over [$start, $end): COD parcels paid to its staff (the COD ledger, held
 * by the point) and counter sales paid when keyed there. `point`, `start`, `end` are SQL expressions.
 */
function collectionsSql(point: string, start: string, end: string): string {
  return `SELECT 'cod' AS kind, c.order_id, o.number, c.amount_cents, c.created_at AS at
            FROM cod_ledger c JOIN orders o ON o.id = c.order_id
           WHERE c.pickup_point_id = ${point} AND c.created_at >= ${start} AND c.created_at < ${end}
          UNION ALL
          SELECT 'counter_sale', o.id, o.number, o.total_cents, o.paid_at
            FROM orders o
           WHERE o.pickup_point_id = ${point} AND o.payment_method = 'counter' AND o.channel = 'pickup_point'
             AND o.paid_at >= ${start} AND o.paid_at < ${end}`;
}

/**
 * The daily cash-up of a pickup point's counter: the cash collected there (COD parcels, counter
 * sales), the cash refunded there, what the staff handed in (each hand-in an append-only row with a
 * note), and the difference. One per point and Shanghai day (unique), closed once by the point's
 * staff — closing freezes the figures — and read by the region's manager.
 */
@Injectable()
export class CashUpService {
  constructor(
    private readonly db: Db,
    private readonly network: NetworkService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  /** The cash-up of a point's day (figures computed live while open; none written yet is `open`). */
  async get(ctx: RequestContext, pickupPointId: string, day: string): Promise<CashUpView> {
    this.checkDay(day);
    const point = await this.network.pickupPointInScope(ctx, pickupPointId);
    const [row] = await this.db.query<CashUpRow>(
      ctx,
      `SELECT ${CASH_UP_COLUMNS} FROM cash_ups cu WHERE cu.pickup_point_id = $1 AND cu.day = $2::date`,
      [pickupPointId, day],
    );
    return this.view(ctx, { id: point.id, name: point.name, regionId: point.regionId }, day, row ?? null);
  }

  /** The point's staff record cash handed in (to a manager, a bank bag) with a note. */
  async handIn(
    ctx: RequestContext,
    pickupPointId: string,
    day: string,
    input: { amountCents: number; note: string },
  ): Promise<CashUpView> {
    this.checkDay(day);
    return this.db.transaction(ctx, async (tx) => {
      const { point, row } = await this.lockOpen(tx, pickupPointId, day);
      const [handIn] = await this.db.query<{ id: string }>(
        tx,
        `INSERT INTO cash_hand_ins (cash_up_id, amount_cents, note, recorded_by_id, recorded_by_role)
         VALUES ($1, $2, $3, $4, $5) RETURNING id`,
        [row.id, input.amountCents, input.note, ctx.actorId, ctx.role],
      );
      await this.db.query(tx, `UPDATE cash_ups SET updated_at = now() WHERE id = $1`, [row.id]);
      await this.audit.record(tx, {
        action: 'cash_up.hand_in',
        entityType: 'cash_up',
        entityId: row.id,
        regionId: point.regionId,
        before: null,
        after: { day, handInId: String(handIn.id), amountCents: input.amountCents, note: input.note },
      });
      return this.view(tx, point, day, row);
    });
  }

  /** The point's staff close the day: the figures are frozen as they are now. Closing twice is 409. */
  async close(
    ctx: RequestContext,
    pickupPointId: string,
    day: string,
    input: { note?: string },
  ): Promise<CashUpView> {
    this.checkDay(day);
    return this.db.transaction(ctx, async (tx) => {
      const { point, row } = await this.lockOpen(tx, pickupPointId, day);
      const live = await this.view(tx, point, day, row);
      const [closed] = await this.db.query<CashUpRow>(
        tx,
        `UPDATE cash_ups cu SET status = 'closed', collected_cents = $2, refunded_cents = $3, handed_in_cents = $4,
                difference_cents = $5, close_note = $6, closed_by_id = $7, closed_at = now(), updated_at = now()
          WHERE cu.id = $1 AND cu.status = 'open' RETURNING ${CASH_UP_COLUMNS}`,
        [
          row.id,
          live.collectedCents,
          live.refundedCents,
          live.handedInCents,
          live.differenceCents,
          input.note ?? null,
          ctx.actorId,
        ],
      );
      await this.audit.record(tx, {
        action: 'cash_up.close',
        entityType: 'cash_up',
        entityId: row.id,
        regionId: point.regionId,
        before: { status: 'open' },
        after: {
          status: 'closed',
          day,
          collectedCents: live.collectedCents,
          refundedCents: live.refundedCents,
          handedInCents: live.handedInCents,
          differenceCents: live.differenceCents,
          note: input.note ?? null,
        },
      });
      return this.view(tx, point, day, closed);
    });
  }

  /**
   * Cash-ups in scope, newest day first: admins all, a manager their region's points, pickup staff
   * their own point. Open ones show live figures.
   */
  async list(
    ctx: RequestContext,
    q: {
      pickupPointId?: string;
      status?: CashUpStatus;
      from?: string;
      to?: string;
      limit?: number;
      cursor?: string;
    },
  ): Promise<Page<CashUpSummaryView>> {
    const params = new SqlParams();
    const where = [this.scope(ctx, params)];
    if (q.pickupPointId) where.push(`cu.pickup_point_id = ${params.add(q.pickupPointId)}`);
    if (q.status) where.push(`cu.status = ${params.add(q.status)}`);
    for (const [field, value] of [
      ['from', q.from],
      ['to', q.to],
    ] as const) {
      if (value !== undefined && !isCalendarDay(value))
        throw ValidationError.field(field, 'must be a day YYYY-MM-DD');
    }
    if (q.from) where.push(`cu.day >= ${params.add(q.from)}::date`);
    if (q.to) where.push(`cu.day <= ${params.add(q.to)}::date`);
    if (q.cursor) {
      const [day, id] = decodeCursor(q.cursor, ['string', 'string']);
      if (!isCalendarDay(String(day)))
        throw ValidationError.field('cursor', 'is not a cursor this API issued');
      where.push(`(cu.day, cu.id) < (${params.add(day)}::date, ${params.add(id)}::uuid)`);
    }
    const limit = q.limit ?? DEFAULT_PAGE_SIZE;
    const start = `(cu.day::timestamp AT TIME ZONE 'Asia/Shanghai')`;
    const end = `((cu.day + 1)::timestamp AT TIME ZONE 'Asia/Shanghai')`;
    const rows = await this.db.query<
      CashUpRow & {
        point_name: string;
        live_collected: string;
        live_refunded: string;
        live_handed_in: string;
      }
    >(
      ctx,
      `SELECT ${CASH_UP_COLUMNS}, pp.name AS point_name,
              (SELECT COALESCE(sum(x.amount_cents), 0) FROM (${collectionsSql('cu.pickup_point_id', start, end)})
                   AS x(kind, order_id, number, amount_cents, at))::bigint AS live_collected,
              ${this.refundedSumSql('cu.pickup_point_id', start, end)} AS live_refunded,
              (SELECT COALESCE(sum(h.amount_cents), 0) FROM cash_hand_ins h WHERE h.cash_up_id = cu.id)::bigint
                AS live_handed_in
         FROM cash_ups cu JOIN pickup_points pp ON pp.id = cu.pickup_point_id
        WHERE ${where.join(' AND ')}
        ORDER BY cu.day DESC, cu.id DESC LIMIT ${limit + 1}`,
      params,
    );
    const page = toPage(rows, limit, (r) => [r.day, r.id]);
    return {
      ...page,
      items: page.items.map((r) => ({
        id: r.id,
        pickupPointId: r.pickup_point_id,
        pickupPointName: r.point_name,
        regionId: r.region_id,
        day: r.day,
        status: r.status,
        closedAt: r.closed_at,
        ...(r.status === 'closed'
          ? closedFigures(r)
          : cashUpFigures({
              collectedCents: Number(r.live_collected),
              refundedCents: Number(r.live_refunded),
              handedInCents: Number(r.live_handed_in),
            })),
      })),
    };
  }

  /** Creates the day's row if needed and locks it; a closed day is 409. Only the point's own staff. */
  private async lockOpen(
    tx: RequestContext,
    pickupPointId: string,
    day: string,
  ): Promise<{ point: { id: string; name: string; regionId: string }; row: CashUpRow }> {
    if (!tx.is('pickup_staff') || tx.principal.pickupPointId !== pickupPointId) {
      throw new NotFoundError('pickup point', pickupPointId);
    }
    if (day > shanghaiDay(this.clock.now())) throw ValidationError.field('day', 'must not be in the future');
    const point = await this.network.pickupPointInScope(tx, pickupPointId);
    await this.db.query(
      tx,
      `INSERT INTO cash_ups (pickup_point_id, region_id, day) VALUES ($1, $2, $3::date)
       ON CONFLICT (pickup_point_id, day) DO NOTHING`,
      [pickupPointId, point.regionId, day],
    );
    const [row] = await this.db.query<CashUpRow>(
      tx,
      `SELECT ${CASH_UP_COLUMNS} FROM cash_ups cu WHERE cu.pickup_point_id = $1 AND cu.day = $2::date FOR UPDATE`,
      [pickupPointId, day],
    );
    if (row.status === 'closed') throw new CashUpClosedError(day, row.closed_at!);
    return { point: { id: point.id, name: point.name, regionId: point.regionId }, row };
  }

  private async view(
    ctx: RequestContext,
    point: { id: string; name: string; regionId: string },
    day: string,
    row: CashUpRow | null,
  ): Promise<CashUpView> {
    const { start, end } = shanghaiDayBounds(day);
    const collections = await this.db.query<{
      kind: 'cod' | 'counter_sale';
      order_id: string;
      number: string;
      amount_cents: string;
      at: Date;
    }>(
      ctx,
      `SELECT * FROM (${collectionsSql('$1', '$2', '$3')}) AS x(kind, order_id, number, amount_cents, at) ORDER BY at`,
      [point.id, start, end],
    );
    const refunds = await this.refundsAt(ctx, point.id, start, end);
    const handIns = row
      ? await this.db.query<{
          id: string;
          amount_cents: string;
          note: string;
          recorded_by_id: string;
          recorded_by_role: string;
          created_at: Date;
        }>(
          ctx,
          `SELECT id, amount_cents, note, recorded_by_id, recorded_by_role, created_at FROM cash_hand_ins
            WHERE cash_up_id = $1 ORDER BY id`,
          [row.id],
        )
      : [];
    const live = cashUpFigures({
      collectedCents: collections.reduce((n, c) => n + Number(c.amount_cents), 0),
      refundedCents: refunds.reduce((n, r) => n + r.amountCents, 0),
      handedInCents: handIns.reduce((n, h) => n + Number(h.amount_cents), 0),
    });
    const closed = row?.status === 'closed';
    const figures = closed ? closedFigures(row) : live;
    return {
      id: row?.id ?? null,
      pickupPointId: point.id,
      pickupPointName: point.name,
      regionId: point.regionId,
      day,
      status: row?.status ?? 'open',
      closedAt: row?.closed_at ?? null,
      closedById: row?.closed_by_id ?? null,
      closeNote: row?.close_note ?? null,
      ...figures,
      changedSinceClose:
        closed &&
        (live.collectedCents !== figures.collectedCents ||
          live.refundedCents !== figures.refundedCents ||
          live.handedInCents !== figures.handedInCents),
      collections: collections.map((c) => ({
        kind: c.kind,
        orderId: c.order_id,
        orderNumber: c.number,
        amountCents: Number(c.amount_cents),
        at: c.at,
      })),
      refunds,
      handIns: handIns.map((h) => ({
        id: String(h.id),
        amountCents: Number(h.amount_cents),
        note: h.note,
        recordedBy: { id: h.recorded_by_id, role: h.recorded_by_role },
        at: h.created_at,
      })),
    };
  }

  /**
   * Cash refunds paid out at the point over [start, end): rows of orders' `refunds` ledger in cash,
   * held by this point and marked `paid_out` in the window (the cash left the drawer then). Owed
   * refunds are not counted until they are handed back.
   */
  private async refundsAt(
    ctx: RequestContext,
    point: string,
    start: Date,
    end: Date,
  ): Promise<CashRefundView[]> {
    const rows = await this.db.query<{
      id: string;
      order_id: string;
      number: string;
      amount_cents: string;
      paid_out_at: Date;
    }>(
      ctx,
      `SELECT r.id, r.order_id, o.number, r.amount_cents, r.paid_out_at
         FROM refunds r JOIN orders o ON o.id = r.order_id
        WHERE ${PAID_OUT_AT_POINT('$1', '$2', '$3')}
        ORDER BY r.paid_out_at, r.id`,
      [point, start, end],
    );
    return rows.map((r) => ({
      refundId: r.id,
      orderId: r.order_id,
      orderNumber: r.number,
      amountCents: Number(r.amount_cents),
      at: r.paid_out_at,
    }));
  }

  private refundedSumSql(point: string, start: string, end: string): string {
    return `(SELECT COALESCE(sum(r.amount_cents), 0) FROM refunds r WHERE ${PAID_OUT_AT_POINT(point, start, end)})::bigint`;
  }

  private scope(ctx: RequestContext, params: SqlParams | unknown[]): string {
    const bound = SqlParams.of(params);
    const p = ctx.principal;
    switch (p.role) {
      case 'admin':
        return 'TRUE';
      case 'regional_manager':
        return `cu.region_id = ${bound.add(p.regionId)}`;
      case 'pickup_staff':
        return `cu.pickup_point_id = ${bound.add(p.pickupPointId)}`;
      default:
        return 'FALSE';
    }
  }

  private checkDay(day: string): void {
    if (!isCalendarDay(day)) throw ValidationError.field('day', 'must be a day YYYY-MM-DD (Asia/Shanghai)');
  }
}

/** Cash refunds (alias `r`) held by a point and paid out in [start, end); the arguments are SQL. */
const PAID_OUT_AT_POINT = (point: string, start: string, end: string) =>
  `r.holder_pickup_point_id = ${point} AND r.method = 'cash' AND r.status = 'paid_out'
   AND r.paid_out_at >= ${start} AND r.paid_out_at < ${end}`;

function closedFigures(r: CashUpRow): CashUpFigures {
  const figures = cashUpFigures({
    collectedCents: Number(r.collected_cents),
    refundedCents: Number(r.refunded_cents),
    handedInCents: Number(r.handed_in_cents),
  });
  return { ...figures, differenceCents: Number(r.difference_cents) };
}
