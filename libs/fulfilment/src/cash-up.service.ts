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
import { Db } from '@campus/database';
import { NetworkService } from '@campus/network';
import {
  CashUpFigures,
  cashUpFigures,
  isCalendarDay,
  shanghaiDay,
  shanghaiDayBounds,
} from './cash-up-policy';
import { CashUpRepository, CashUpRow, CashUpStatus } from './cash-up.repository';
import { CashUpClosedError } from './fulfilment.errors';

export type { CashUpStatus } from './cash-up.repository';

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

type Point = { id: string; name: string; regionId: string };

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
    private readonly cashUps: CashUpRepository,
    private readonly network: NetworkService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  /** The cash-up of a point's day (figures computed live while open; none written yet is `open`). */
  async get(ctx: RequestContext, pickupPointId: string, day: string): Promise<CashUpView> {
    this.checkDay(day);
    const point = await this.network.pickupPointInScope(ctx, pickupPointId);
    const row = await this.cashUps.find(ctx, pickupPointId, day);
    return this.view(ctx, { id: point.id, name: point.name, regionId: point.regionId }, day, row);
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
      const handInId = await this.cashUps.addHandIn(tx, row.id, input);
      await this.audit.record(tx, {
        action: 'cash_up.hand_in',
        entityType: 'cash_up',
        entityId: row.id,
        regionId: point.regionId,
        before: null,
        after: { day, handInId, amountCents: input.amountCents, note: input.note },
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
      const closed = await this.cashUps.close(tx, row.id, live, input.note ?? null);
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
    for (const [field, value] of [
      ['from', q.from],
      ['to', q.to],
    ] as const) {
      if (value !== undefined && !isCalendarDay(value))
        throw ValidationError.field(field, 'must be a day YYYY-MM-DD');
    }
    let before: [string, string] | undefined;
    if (q.cursor) {
      const [day, id] = decodeCursor(q.cursor, ['string', 'string']);
      if (!isCalendarDay(String(day)))
        throw ValidationError.field('cursor', 'is not a cursor this API issued');
      before = [String(day), String(id)];
    }
    const limit = q.limit ?? DEFAULT_PAGE_SIZE;
    const rows = await this.cashUps.list(
      ctx,
      { pickupPointId: q.pickupPointId, status: q.status, from: q.from, to: q.to, before },
      limit,
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
  ): Promise<{ point: Point; row: CashUpRow }> {
    if (!tx.is('pickup_staff') || tx.principal.pickupPointId !== pickupPointId) {
      throw new NotFoundError('pickup point', pickupPointId);
    }
    if (day > shanghaiDay(this.clock.now())) throw ValidationError.field('day', 'must not be in the future');
    const point = await this.network.pickupPointInScope(tx, pickupPointId);
    const row = await this.cashUps.lockDay(tx, pickupPointId, point.regionId, day);
    if (row.status === 'closed') throw new CashUpClosedError(day, row.closed_at!);
    return { point: { id: point.id, name: point.name, regionId: point.regionId }, row };
  }

  /**
   * The day's cash as it stands: the collections, the cash refunds paid out at the point (owed
   * refunds count only once handed back) and the hand-ins; a closed day shows its frozen figures.
   */
  private async view(
    ctx: RequestContext,
    point: Point,
    day: string,
    row: CashUpRow | null,
  ): Promise<CashUpView> {
    const { start, end } = shanghaiDayBounds(day);
    const collections = await this.cashUps.collections(ctx, point.id, start, end);
    const refunds = (await this.cashUps.cashRefunds(ctx, point.id, start, end)).map((r) => ({
      refundId: r.id,
      orderId: r.order_id,
      orderNumber: r.number,
      amountCents: Number(r.amount_cents),
      at: r.paid_out_at,
    }));
    const handIns = row ? await this.cashUps.handIns(ctx, row.id) : [];
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

  private checkDay(day: string): void {
    if (!isCalendarDay(day)) throw ValidationError.field('day', 'must be a day YYYY-MM-DD (Asia/Shanghai)');
  }
}

function closedFigures(r: CashUpRow): CashUpFigures {
  const figures = cashUpFigures({
    collectedCents: Number(r.collected_cents),
    refundedCents: Number(r.refunded_cents),
    handedInCents: Number(r.handed_in_cents),
  });
  return { ...figures, differenceCents: Number(r.difference_cents) };
}
