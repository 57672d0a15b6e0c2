import { Injectable } from '@nestjs/common';
import type { RequestContext } from '@campus/core';
import { Db, roleScopeSql, RoleScopeRules, sql, Sql, SqlParams } from '@campus/database';
import type { CashUpFigures } from './cash-up-policy';

export type CashUpStatus = 'open' | 'closed';

export interface CashUpRow {
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

/** A cash-up as listed: its point's name and the live sums of its day (used while it is open). */
export interface CashUpListRow extends CashUpRow {
  point_name: string;
  live_collected: string;
  live_refunded: string;
  live_handed_in: string;
}

export interface CollectionRow {
  kind: 'cod' | 'counter_sale';
  order_id: string;
  number: string;
  amount_cents: string;
  at: Date;
}

export interface CashRefundRow {
  id: string;
  order_id: string;
  number: string;
  amount_cents: string;
  paid_out_at: Date;
}

export interface HandInRow {
  id: string;
  amount_cents: string;
  note: string;
  recorded_by_id: string;
  recorded_by_role: string;
  created_at: Date;
}

export interface CashUpFilters {
  pickupPointId?: string;
  status?: CashUpStatus;
  /** Days YYYY-MM-DD, inclusive. */
  from?: string;
  to?: string;
  /** Keyset: older than this (day, id). */
  before?: [string, string];
}

const CASH_UP_COLUMNS = sql.raw(`cu.id, cu.pickup_point_id, cu.region_id, cu.day::text AS day, cu.status,
  cu.collected_cents, cu.refunded_cents, cu.handed_in_cents, cu.difference_cents, cu.close_note, cu.closed_by_id,
  cu.closed_at`);

/** Admins see every cash-up, a manager their region's, pickup staff their own point's. */
const CASH_UP_SCOPE: RoleScopeRules = {
  admin: 'all',
  regional_manager: 'cu.region_id',
  pickup_staff: 'cu.pickup_point_id',
};

/**
 * Cash collected at a point over [start, end): COD parcels paid to its staff (the COD ledger, held
 * by the point) and counter sales paid when keyed there.
 */
function collectionsSql(point: Sql, start: Sql, end: Sql): Sql {
  return sql`SELECT 'cod' AS kind, c.order_id, o.number, c.amount_cents, c.created_at AS at
            FROM cod_ledger c JOIN orders o ON o.id = c.order_id
           WHERE c.pickup_point_id = ${point} AND c.created_at >= ${start} AND c.created_at < ${end}
          UNION ALL
          SELECT 'counter_sale', o.id, o.number, o.total_cents, o.paid_at
            FROM orders o
           WHERE o.pickup_point_id = ${point} AND o.payment_method = 'counter' AND o.channel = 'pickup_point'
             AND o.paid_at >= ${start} AND o.paid_at < ${end}`;
}

/** Cash refunds (alias `r`) held by a point and paid out in [start, end). */
function paidOutAtPoint(point: Sql, start: Sql, end: Sql): Sql {
  return sql`r.holder_pickup_point_id = ${point} AND r.method = 'cash' AND r.status = 'paid_out'
   AND r.paid_out_at >= ${start} AND r.paid_out_at < ${end}`;
}

/** A value as a fragment (bound as a parameter). */
const value = (v: unknown): Sql => sql`${v}`;

/**
 * The statements of the cash-up tables (`cash_ups`, `cash_hand_ins`: fulfilment's) and the reads of
 * the cash that moved at a point (COD ledger, counter sales, cash refunds). CashUpService decides.
 */
@Injectable()
export class CashUpRepository {
  constructor(private readonly db: Db) {}

  /** The point's cash-up of a day; null while none was written. */
  async find(ctx: RequestContext, pickupPointId: string, day: string): Promise<CashUpRow | null> {
    const [row] = await this.db.query<CashUpRow>(
      ctx,
      sql`SELECT ${CASH_UP_COLUMNS} FROM cash_ups cu
           WHERE cu.pickup_point_id = ${pickupPointId} AND cu.day = ${day}::date`,
    );
    return row ?? null;
  }

  /** The point's cash-up of a day, created (open) if needed, locked for the transaction. */
  async lockDay(
    tx: RequestContext,
    pickupPointId: string,
    regionId: string,
    day: string,
  ): Promise<CashUpRow> {
    await this.db.query(
      tx,
      sql`INSERT INTO cash_ups (pickup_point_id, region_id, day) VALUES (${pickupPointId}, ${regionId}, ${day}::date)
          ON CONFLICT (pickup_point_id, day) DO NOTHING`,
    );
    const [row] = await this.db.query<CashUpRow>(
      tx,
      sql`SELECT ${CASH_UP_COLUMNS} FROM cash_ups cu
           WHERE cu.pickup_point_id = ${pickupPointId} AND cu.day = ${day}::date FOR UPDATE`,
    );
    return row;
  }

  /** Appends a hand-in by the caller and touches its cash-up; the hand-in's id. */
  async addHandIn(
    tx: RequestContext,
    cashUpId: string,
    input: { amountCents: number; note: string },
  ): Promise<string> {
    const [handIn] = await this.db.query<{ id: string }>(
      tx,
      sql`INSERT INTO cash_hand_ins (cash_up_id, amount_cents, note, recorded_by_id, recorded_by_role)
          VALUES (${cashUpId}, ${input.amountCents}, ${input.note}, ${tx.actorId}, ${tx.role}) RETURNING id`,
    );
    await this.db.query(tx, sql`UPDATE cash_ups SET updated_at = now() WHERE id = ${cashUpId}`);
    return String(handIn.id);
  }

  /** Closes an open cash-up by the caller with its frozen figures. */
  async close(
    tx: RequestContext,
    cashUpId: string,
    figures: CashUpFigures,
    note: string | null,
  ): Promise<CashUpRow> {
    const [closed] = await this.db.query<CashUpRow>(
      tx,
      sql`UPDATE cash_ups cu SET status = 'closed', collected_cents = ${figures.collectedCents},
                refunded_cents = ${figures.refundedCents}, handed_in_cents = ${figures.handedInCents},
                difference_cents = ${figures.differenceCents}, close_note = ${note}, closed_by_id = ${tx.actorId},
                closed_at = now(), updated_at = now()
          WHERE cu.id = ${cashUpId} AND cu.status = 'open' RETURNING ${CASH_UP_COLUMNS}`,
    );
    return closed;
  }

  /** Cash-ups in the caller's scope, newest day first, `limit` of them (ask one more to page). */
  async list(ctx: RequestContext, f: CashUpFilters, limit: number): Promise<CashUpListRow[]> {
    const params = new SqlParams();
    const where = [roleScopeSql(ctx, CASH_UP_SCOPE, params)];
    if (f.pickupPointId) where.push(`cu.pickup_point_id = ${params.add(f.pickupPointId)}`);
    if (f.status) where.push(`cu.status = ${params.add(f.status)}`);
    if (f.from) where.push(`cu.day >= ${params.add(f.from)}::date`);
    if (f.to) where.push(`cu.day <= ${params.add(f.to)}::date`);
    if (f.before) {
      const [day, id] = f.before;
      where.push(`(cu.day, cu.id) < (${params.add(day)}::date, ${params.add(id)}::uuid)`);
    }
    const point = sql.raw('cu.pickup_point_id');
    const start = sql.raw(`(cu.day::timestamp AT TIME ZONE 'Asia/Shanghai')`);
    const end = sql.raw(`((cu.day + 1)::timestamp AT TIME ZONE 'Asia/Shanghai')`);
    return this.db.query<CashUpListRow>(
      ctx,
      `SELECT ${params.sql(CASH_UP_COLUMNS)}, pp.name AS point_name,
              (SELECT COALESCE(sum(x.amount_cents), 0) FROM (${params.sql(collectionsSql(point, start, end))})
                   AS x(kind, order_id, number, amount_cents, at))::bigint AS live_collected,
              (SELECT COALESCE(sum(r.amount_cents), 0) FROM refunds r
                WHERE ${params.sql(paidOutAtPoint(point, start, end))})::bigint AS live_refunded,
              (SELECT COALESCE(sum(h.amount_cents), 0) FROM cash_hand_ins h WHERE h.cash_up_id = cu.id)::bigint
                AS live_handed_in
         FROM cash_ups cu JOIN pickup_points pp ON pp.id = cu.pickup_point_id
        WHERE ${where.join(' AND ')}
        ORDER BY cu.day DESC, cu.id DESC LIMIT ${limit + 1}`,
      params,
    );
  }

  /** Cash collected at a point over [start, end), in time order. */
  async collections(
    ctx: RequestContext,
    pickupPointId: string,
    start: Date,
    end: Date,
  ): Promise<CollectionRow[]> {
    return this.db.query<CollectionRow>(
      ctx,
      sql`SELECT * FROM (${collectionsSql(value(pickupPointId), value(start), value(end))})
            AS x(kind, order_id, number, amount_cents, at) ORDER BY at`,
    );
  }

  /**
   * Cash refunds paid out at a point over [start, end): rows of orders' `refunds` ledger in cash,
   * held by the point and marked `paid_out` in the window (the cash left the drawer then).
   */
  async cashRefunds(
    ctx: RequestContext,
    pickupPointId: string,
    start: Date,
    end: Date,
  ): Promise<CashRefundRow[]> {
    return this.db.query<CashRefundRow>(
      ctx,
      sql`SELECT r.id, r.order_id, o.number, r.amount_cents, r.paid_out_at
            FROM refunds r JOIN orders o ON o.id = r.order_id
           WHERE ${paidOutAtPoint(value(pickupPointId), value(start), value(end))}
           ORDER BY r.paid_out_at, r.id`,
    );
  }

  /** The hand-ins of a cash-up, in the order they were recorded. */
  async handIns(ctx: RequestContext, cashUpId: string): Promise<HandInRow[]> {
    return this.db.query<HandInRow>(
      ctx,
      sql`SELECT id, amount_cents, note, recorded_by_id, recorded_by_role, created_at FROM cash_hand_ins
           WHERE cash_up_id = ${cashUpId} ORDER BY id`,
    );
  }
}
