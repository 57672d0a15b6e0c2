import { Injectable } from '@nestjs/common';
import type { RequestContext } from '@campus/core';
import { Db, pgConstraint, pgErrorCode, sql, Sql } from '@campus/database';
import type { CompartmentSize } from '@campus/network';

/** A held parcel with where it waits (the row pickup, reminders and expiry work on). */
export interface HeldParcelRow {
  id: string;
  order_id: string;
  pickup_point_id: string;
  locker_id: string | null;
  compartment_id: string | null;
  label: string | null;
  size: CompartmentSize | null;
  expires_at: Date;
  locker_code: string | null;
  point_name: string;
}

export interface ResendableParcelRow extends HeldParcelRow {
  code_resends: number;
  code_resend_day: string | null;
}

/** A parcel on a pickup point's shelf or in its lockers, with the order facts the desk shows. */
export interface WaitingParcelRow {
  id: string;
  order_id: string;
  number: string;
  customer_phone: string;
  payment_method: string;
  total_cents: string;
  paid_at: Date | null;
  pickup_point_id: string;
  locker_id: string | null;
  locker_code: string | null;
  compartment_id: string | null;
  label: string | null;
  size: CompartmentSize | null;
  deposited_at: Date;
  expires_at: Date;
  code_resends: number;
  code_resend_day: string | null;
}

export interface LockerParcelRow {
  id: string;
  order_id: string;
  number: string;
  pickup_point_id: string;
  locker_id: string | null;
  compartment_id: string | null;
  label: string | null;
  size: CompartmentSize | null;
  state: 'held' | 'collected' | 'expired';
  deposited_at: Date;
  expires_at: Date;
}

export interface NewParcel {
  orderId: string;
  pickupPointId: string;
  lockerId: string | null;
  compartmentId: string | null;
  size: CompartmentSize | null;
  codeHash: string;
  depositedAt: Date;
  expiresAt: Date;
}

const PARCEL_SELECT =
  sql.raw(`SELECT p.id, p.order_id, p.pickup_point_id, p.locker_id, p.compartment_id, c.label, p.size,
    p.expires_at, l.code AS locker_code, pp.name AS point_name
  FROM parcels p
  JOIN pickup_points pp ON pp.id = p.pickup_point_id
  LEFT JOIN lockers l ON l.id = p.locker_id
  LEFT JOIN compartments c ON c.id = p.compartment_id`);

const PARCEL_SELECT_RESEND =
  sql.raw(`SELECT p.id, p.order_id, p.pickup_point_id, p.locker_id, p.compartment_id, c.label, p.size,
    p.expires_at, l.code AS locker_code, pp.name AS point_name, p.code_resends, p.code_resend_day::text AS code_resend_day
  FROM parcels p
  JOIN pickup_points pp ON pp.id = p.pickup_point_id
  LEFT JOIN lockers l ON l.id = p.locker_id
  LEFT JOIN compartments c ON c.id = p.compartment_id`);

/**
 * The statements of the `parcels` table (fulfilment's). ParcelService decides (who may, which
 * code, which state); this holds the SQL, the row locks and the code-uniqueness mechanics.
 */
@Injectable()
export class ParcelRepository {
  constructor(private readonly db: Db) {}

  /** Inserts a held parcel; null when its code hash is already held at that place (draw again). */
  async insertHeld(tx: RequestContext, p: NewParcel): Promise<string | null> {
    const rows = await this.db.query<{ id: string }>(
      tx,
      sql`INSERT INTO parcels (order_id, pickup_point_id, locker_id, compartment_id, size, code_hash,
           deposited_by_id, deposited_by_role, deposited_at, expires_at)
         VALUES (${p.orderId}, ${p.pickupPointId}, ${p.lockerId}, ${p.compartmentId}, ${p.size}, ${p.codeHash},
                 ${tx.actorId}, ${tx.role}, ${p.depositedAt}, ${p.expiresAt})
         ON CONFLICT ((COALESCE(locker_id, pickup_point_id)), code_hash) WHERE state = 'held' DO NOTHING
         RETURNING id`,
    );
    return rows[0]?.id ?? null;
  }

  /**
   * Stores a new code hash and today's resend count on a held parcel; false when the hash is held at
   * the place already (or a concurrent deposit took it: the savepoint absorbs the unique violation).
   */
  async replaceCode(
    tx: RequestContext,
    p: { parcelId: string; placeId: string; codeHash: string; used: number; today: string },
  ): Promise<boolean> {
    await this.db.query(tx, `SAVEPOINT replace_code`);
    try {
      const rows = await this.db.query(
        tx,
        sql`UPDATE parcels SET code_hash = ${p.codeHash}, code_resends = ${p.used}, code_resend_day = ${p.today}::date
            WHERE id = ${p.parcelId} AND state = 'held'
              AND NOT EXISTS (SELECT 1 FROM parcels q WHERE COALESCE(q.locker_id, q.pickup_point_id) = ${p.placeId}
                                 AND q.code_hash = ${p.codeHash} AND q.state = 'held')
            RETURNING id`,
      );
      await this.db.query(tx, `RELEASE SAVEPOINT replace_code`);
      return rows.length > 0;
    } catch (err) {
      await this.db.query(tx, `ROLLBACK TO SAVEPOINT replace_code`);
      if (pgErrorCode(err) !== '23505' || pgConstraint(err) !== 'parcels_code_per_place') throw err;
      return false;
    }
  }

  /** Marks a held parcel collected or expired by the caller. */
  async close(tx: RequestContext, parcelId: string, state: 'collected' | 'expired'): Promise<void> {
    await this.db.query(
      tx,
      sql`UPDATE parcels SET state = ${state}, closed_at = now(), closed_by_id = ${tx.actorId}
           WHERE id = ${parcelId} AND state = 'held'`,
    );
  }

  /** The held parcel, locked; null when it is not held (collected or expired meanwhile). */
  async lockHeld(tx: RequestContext, parcelId: string): Promise<HeldParcelRow | null> {
    const rows = await this.db.query<HeldParcelRow>(
      tx,
      sql`${PARCEL_SELECT} WHERE p.id = ${parcelId} AND p.state = 'held' FOR UPDATE OF p`,
    );
    return rows[0] ?? null;
  }

  /** The order's held parcel with its resend count, locked. */
  async lockHeldOfOrder(tx: RequestContext, orderId: string): Promise<ResendableParcelRow | null> {
    const [parcel] = await this.db.query<ResendableParcelRow>(
      tx,
      sql`${PARCEL_SELECT_RESEND} WHERE p.order_id = ${orderId} AND p.state = 'held' FOR UPDATE OF p`,
    );
    return parcel ?? null;
  }

  /**
   * The held parcel a code hash opens at a locker (or a counter: no locker), locked; limited to the
   * orders of `customerPhone` and of `customerId` when given.
   */
  async lockHeldByCode(
    tx: RequestContext,
    q: { atLocker: boolean; placeId: string; codeHash: string; customerPhone?: string; customerId?: string },
  ): Promise<HeldParcelRow | null> {
    const where: Sql[] = [
      q.atLocker
        ? sql`p.locker_id = ${q.placeId}`
        : sql`p.pickup_point_id = ${q.placeId} AND p.locker_id IS NULL`,
      sql`p.code_hash = ${q.codeHash}`,
      sql`p.state = 'held'`,
    ];
    if (q.customerPhone) where.push(sql`o.customer_phone = ${q.customerPhone}`);
    if (q.customerId) where.push(sql`o.customer_id = ${q.customerId}`);
    const rows = await this.db.query<HeldParcelRow>(
      tx,
      sql`${PARCEL_SELECT} JOIN orders o ON o.id = p.order_id WHERE ${sql.and(where)} FOR UPDATE OF p`,
    );
    return rows[0] ?? null;
  }

  /** Every parcel waiting at a pickup point (lockers and counter), oldest first. */
  async waitingAt(ctx: RequestContext, pickupPointId: string): Promise<WaitingParcelRow[]> {
    return this.db.query<WaitingParcelRow>(
      ctx,
      sql`SELECT p.id, p.order_id, o.number, o.customer_phone, o.payment_method, o.total_cents, o.paid_at,
              p.pickup_point_id, p.locker_id, l.code AS locker_code, p.compartment_id, c.label, p.size,
              p.deposited_at, p.expires_at, p.code_resends, p.code_resend_day::text AS code_resend_day
         FROM parcels p JOIN orders o ON o.id = p.order_id
         LEFT JOIN lockers l ON l.id = p.locker_id LEFT JOIN compartments c ON c.id = p.compartment_id
        WHERE p.pickup_point_id = ${pickupPointId} AND p.state = 'held'
        ORDER BY p.deposited_at, p.id LIMIT 500`,
    );
  }

  /** Held parcels in a locker, soonest expiry first. */
  async heldInLocker(ctx: RequestContext, lockerId: string): Promise<LockerParcelRow[]> {
    return this.db.query<LockerParcelRow>(
      ctx,
      sql`SELECT p.id, p.order_id, o.number, p.pickup_point_id, p.locker_id, p.compartment_id, c.label, p.size, p.state,
              p.deposited_at, p.expires_at
         FROM parcels p JOIN orders o ON o.id = p.order_id LEFT JOIN compartments c ON c.id = p.compartment_id
        WHERE p.locker_id = ${lockerId} AND p.state = 'held' ORDER BY p.expires_at, p.id LIMIT 500`,
    );
  }

  /** The name of a pickup point (for the texts). */
  async pointName(tx: RequestContext, pickupPointId: string): Promise<string> {
    const [point] = await this.db.query<{ name: string }>(
      tx,
      sql`SELECT name FROM pickup_points WHERE id = ${pickupPointId}`,
    );
    return point.name;
  }

  /** The pickup point of a locker; null for an unknown locker. */
  async pointOfLocker(ctx: RequestContext, lockerId: string): Promise<string | null> {
    const [locker] = await this.db.query<{ pickup_point_id: string }>(
      ctx,
      sql`SELECT pickup_point_id FROM lockers WHERE id = ${lockerId}`,
    );
    return locker?.pickup_point_id ?? null;
  }

  /** The phone of an agent (to text them), null when unknown. */
  async agentPhone(tx: RequestContext, agentId: string): Promise<string | null> {
    const [agent] = await this.db.query<{ phone: string }>(
      tx,
      sql`SELECT phone FROM agents WHERE id = ${agentId}`,
    );
    return agent?.phone ?? null;
  }
}
