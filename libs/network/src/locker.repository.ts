import { Injectable } from '@nestjs/common';
import type { RequestContext } from '@campus/core';
import { Db, sql, SqlParams } from '@campus/database';
import { networkScopeSql } from './network-scope';
import { Compartment, Locker } from './network.entities';

/** Scope of a locker through its pickup point `p` and campus `c`. */
const LOCKER_SCOPE = { regionCol: 'c.region_id', campusCol: 'p.campus_id', pointCol: 'p.id' };

/**
 * The statements that make and read lockers with their compartments (network's tables); the
 * compartment holds of parcels are CompartmentRepository's.
 */
@Injectable()
export class LockerRepository {
  constructor(private readonly db: Db) {}

  async insert(tx: RequestContext, l: { code: string; pickupPointId: string }): Promise<Locker> {
    const repo = this.db.repo(tx, Locker);
    return repo.save(repo.create({ code: l.code, pickupPointId: l.pickupPointId }));
  }

  /** One compartment per label, of the size at the same index. */
  async insertCompartments(
    tx: RequestContext,
    lockerId: string,
    labels: string[],
    sizes: string[],
  ): Promise<void> {
    await this.db.query(
      tx,
      sql`INSERT INTO compartments (locker_id, label, size)
          SELECT ${lockerId}, l, s FROM unnest(${labels}::text[], ${sizes}::text[]) AS x(l, s)`,
    );
  }

  /** A locker the caller may see, with its point's campus; null otherwise. */
  async inScope(
    ctx: RequestContext,
    id: string,
  ): Promise<{ id: string; code: string; pickup_point_id: string; campus_id: string } | null> {
    const params = new SqlParams();
    const rows = await this.db.query<{
      id: string;
      code: string;
      pickup_point_id: string;
      campus_id: string;
    }>(
      ctx,
      `SELECT l.id, l.code, l.pickup_point_id, p.campus_id FROM lockers l
         JOIN pickup_points p ON p.id = l.pickup_point_id JOIN campuses c ON c.id = p.campus_id
        WHERE l.id = ${params.add(id)} AND ${networkScopeSql(ctx, LOCKER_SCOPE, params)}`,
      params,
    );
    return rows[0] ?? null;
  }

  async compartmentsOf(ctx: RequestContext, lockerId: string): Promise<Compartment[]> {
    return this.db.repo(ctx, Compartment).find({
      where: { lockerId },
      order: { size: 'DESC', label: 'ASC' },
    });
  }

  /** Lockers the caller may see (optionally at one pickup point), by code. */
  async list(ctx: RequestContext, pickupPointId?: string): Promise<Locker[]> {
    const params = new SqlParams();
    const scope = networkScopeSql(ctx, LOCKER_SCOPE, params);
    let text = `SELECT l.id, l.code, l.pickup_point_id AS "pickupPointId", l.created_at AS "createdAt" FROM lockers l
      JOIN pickup_points p ON p.id = l.pickup_point_id JOIN campuses c ON c.id = p.campus_id WHERE ${scope}`;
    if (pickupPointId) text += ` AND l.pickup_point_id = ${params.add(pickupPointId)}`;
    return this.db.query<Locker>(ctx, `${text} ORDER BY l.code`, params);
  }
}
