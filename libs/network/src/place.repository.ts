import { Injectable } from '@nestjs/common';
import type { RequestContext } from '@campus/core';
import { Db, sql, SqlParams } from '@campus/database';
import { CreateCampusDto, CreatePickupPointDto, CreateRegionDto } from './dto/network.dto';
import { networkScopeSql } from './network-scope';
import { Campus, PickupPoint, Region } from './network.entities';

/** A pickup point with its campus's region. */
export type ScopedPickupPoint = PickupPoint & { regionId: string };

/** Scope of a row joined as pickup point `p` and campus `c`. */
const POINT_SCOPE = { regionCol: 'c.region_id', campusCol: 'p.campus_id', pointCol: 'p.id' };
const CAMPUS_SCOPE = { regionCol: 'c.region_id', campusCol: 'c.id' };

const REGION_COLUMNS = `id, code, name, created_at AS "createdAt"`;
const CAMPUS_COLUMNS = `id, code, name, region_id AS "regionId", created_at AS "createdAt"`;

/**
 * The statements of the network's places: regions, campuses and pickup points (network's tables).
 * NetworkService decides who may and audits; this holds the SQL (and the entity writes).
 */
@Injectable()
export class PlaceRepository {
  constructor(private readonly db: Db) {}

  // ── regions ──

  async insertRegion(tx: RequestContext, dto: CreateRegionDto): Promise<Region> {
    const repo = this.db.repo(tx, Region);
    return repo.save(repo.create(dto));
  }

  async lockRegion(tx: RequestContext, id: string): Promise<Region | null> {
    const [region] = await this.db.query<Region>(
      tx,
      sql`SELECT ${sql.raw(REGION_COLUMNS)} FROM regions WHERE id = ${id} FOR UPDATE`,
    );
    return region ?? null;
  }

  async renameRegion(tx: RequestContext, id: string, name: string): Promise<Region> {
    const [region] = await this.db.query<Region>(
      tx,
      sql`UPDATE regions SET name = ${name} WHERE id = ${id} RETURNING ${sql.raw(REGION_COLUMNS)}`,
    );
    return region;
  }

  async listRegions(ctx: RequestContext): Promise<Region[]> {
    const params = new SqlParams();
    const scope = networkScopeSql(ctx, { regionCol: 'r.id' }, params);
    return this.db.query<Region>(
      ctx,
      `SELECT ${REGION_COLUMNS} FROM regions r WHERE ${scope} ORDER BY code`,
      params,
    );
  }

  async regionInScope(ctx: RequestContext, regionId: string): Promise<Region | null> {
    const params = new SqlParams();
    const rows = await this.db.query<Region>(
      ctx,
      `SELECT id, code, name FROM regions r
        WHERE r.id = ${params.add(regionId)} AND ${networkScopeSql(ctx, { regionCol: 'r.id' }, params)}`,
      params,
    );
    return rows[0] ?? null;
  }

  // ── campuses ──

  async insertCampus(tx: RequestContext, dto: CreateCampusDto): Promise<Campus> {
    const repo = this.db.repo(tx, Campus);
    return repo.save(repo.create(dto));
  }

  async renameCampus(tx: RequestContext, id: string, name: string): Promise<Campus> {
    await this.db.query(tx, sql`SELECT 1 FROM campuses WHERE id = ${id} FOR UPDATE`);
    const [campus] = await this.db.query<Campus>(
      tx,
      sql`UPDATE campuses SET name = ${name} WHERE id = ${id} RETURNING ${sql.raw(CAMPUS_COLUMNS)}`,
    );
    return campus;
  }

  async listCampuses(ctx: RequestContext, regionId?: string): Promise<Campus[]> {
    const params = new SqlParams();
    const scope = networkScopeSql(ctx, CAMPUS_SCOPE, params);
    let text = `SELECT ${CAMPUS_COLUMNS} FROM campuses c WHERE ${scope}`;
    if (regionId) text += ` AND c.region_id = ${params.add(regionId)}`;
    return this.db.query<Campus>(ctx, `${text} ORDER BY code`, params);
  }

  async campusInScope(ctx: RequestContext, campusId: string): Promise<Campus | null> {
    const params = new SqlParams();
    const rows = await this.db.query<Campus>(
      ctx,
      `SELECT ${CAMPUS_COLUMNS} FROM campuses c
        WHERE c.id = ${params.add(campusId)} AND ${networkScopeSql(ctx, CAMPUS_SCOPE, params)}`,
      params,
    );
    return rows[0] ?? null;
  }

  /** Every campus with its region's name. */
  async campusesWithRegion(
    ctx: RequestContext,
  ): Promise<{ id: string; code: string; name: string; regionName: string }[]> {
    return this.db.query(
      ctx,
      sql`SELECT c.id, c.code, c.name, r.name AS "regionName" FROM campuses c JOIN regions r ON r.id = c.region_id
           ORDER BY r.name, c.name, c.code`,
    );
  }

  async regionOfCampus(ctx: RequestContext, campusId: string): Promise<string | null> {
    const [row] = await this.db.query<{ region_id: string }>(
      ctx,
      sql`SELECT region_id FROM campuses WHERE id = ${campusId}`,
    );
    return row?.region_id ?? null;
  }

  // ── pickup points ──

  async insertPickupPoint(tx: RequestContext, dto: CreatePickupPointDto): Promise<PickupPoint> {
    const repo = this.db.repo(tx, PickupPoint);
    return repo.save(repo.create({ ...dto, address: dto.address ?? null }));
  }

  async updatePickupPoint(
    tx: RequestContext,
    id: string,
    change: { name: string; address: string | null },
  ): Promise<PickupPoint> {
    await this.db.query(tx, sql`SELECT 1 FROM pickup_points WHERE id = ${id} FOR UPDATE`);
    const [point] = await this.db.query<PickupPoint>(
      tx,
      sql`UPDATE pickup_points SET name = ${change.name}, address = ${change.address} WHERE id = ${id}
          RETURNING id, code, name, campus_id AS "campusId", address, created_at AS "createdAt"`,
    );
    return point;
  }

  async listPickupPoints(ctx: RequestContext, campusId?: string): Promise<PickupPoint[]> {
    const repo = this.db.repo(ctx, PickupPoint);
    return campusId
      ? repo.find({ where: { campusId }, order: { code: 'ASC' } })
      : repo.find({ order: { code: 'ASC' } });
  }

  async pickupPointByCode(ctx: RequestContext, code: string): Promise<PickupPoint | null> {
    return this.db.repo(ctx, PickupPoint).findOne({ where: { code } });
  }

  async pickupPointInScope(ctx: RequestContext, id: string): Promise<ScopedPickupPoint | null> {
    const params = new SqlParams();
    const rows = await this.db.query<ScopedPickupPoint>(
      ctx,
      `SELECT p.id, p.code, p.name, p.campus_id AS "campusId", p.address, c.region_id AS "regionId"
         FROM pickup_points p JOIN campuses c ON c.id = p.campus_id
        WHERE p.id = ${params.add(id)} AND ${networkScopeSql(ctx, POINT_SCOPE, params)}`,
      params,
    );
    return rows[0] ?? null;
  }

  /** A campus's pickup points, each saying whether a locker with compartments in service stands there. */
  async pickupPointsWithLockers(
    ctx: RequestContext,
    campusId: string,
  ): Promise<
    { id: string; code: string; name: string; address: string | null; campusId: string; hasLocker: boolean }[]
  > {
    return this.db.query(
      ctx,
      sql`SELECT p.id, p.code, p.name, p.address, p.campus_id AS "campusId",
                 EXISTS (SELECT 1 FROM lockers l JOIN compartments k ON k.locker_id = l.id
                          WHERE l.pickup_point_id = p.id AND k.state <> 'out_of_service') AS "hasLocker"
            FROM pickup_points p WHERE p.campus_id = ${campusId} ORDER BY p.name, p.code`,
    );
  }

  /** Campus and region of a pickup point; null when unknown. */
  async placementOfPickupPoint(
    ctx: RequestContext,
    pickupPointId: string,
  ): Promise<{ campus_id: string; region_id: string } | null> {
    const [row] = await this.db.query<{ campus_id: string; region_id: string }>(
      ctx,
      sql`SELECT p.campus_id, c.region_id FROM pickup_points p JOIN campuses c ON c.id = p.campus_id
           WHERE p.id = ${pickupPointId}`,
    );
    return row ?? null;
  }
}
