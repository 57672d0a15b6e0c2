import { Injectable } from '@nestjs/common';
import { AuditService, changedFields } from '@campus/audit';
import { ForbiddenError, NotFoundError, RequestContext, ValidationError } from '@campus/core';
import { Db, pgConstraint, pgErrorCode, SqlParams } from '@campus/database';
import {
  CreateCampusDto,
  CreateLockerDto,
  CreatePickupPointDto,
  CreateRegionDto,
  UpdateCampusDto,
  UpdatePickupPointDto,
  UpdateRegionDto,
} from './dto/network.dto';
import { CodeTakenError } from './network.errors';
import { networkScopeSql } from './network-scope';
import { Campus, Compartment, COMPARTMENT_SIZES, Locker, PickupPoint, Region } from './network.entities';

/** Where a pickup point or campus sits; never changes once created, so it is cached per process. */
export interface Placement {
  regionId: string;
  campusId: string;
  pickupPointId: string | null;
}

export interface LockerView {
  id: string;
  code: string;
  pickupPointId: string;
  campusId: string;
  compartments: { id: string; label: string; size: string; state: string; orderId: string | null }[];
}

/** A campus as the public shop lists it. */
export interface ShopCampusView {
  id: string;
  code: string;
  name: string;
  regionName: string;
}

/** A pickup point as the public shop lists it: where a parcel can wait, and whether a locker stands there. */
export interface ShopPickupPointView {
  id: string;
  code: string;
  name: string;
  address: string | null;
  campusId: string;
  hasLocker: boolean;
}

@Injectable()
export class NetworkService {
  private readonly pointPlacements = new Map<string, Placement>();
  private readonly campusRegions = new Map<string, string>();

  constructor(
    private readonly db: Db,
    private readonly audit: AuditService,
  ) {}

  async createRegion(ctx: RequestContext, dto: CreateRegionDto): Promise<Region> {
    return this.db.transaction(ctx, async (tx) => {
      const region = await this.insertUnique('region', dto.code, () =>
        this.db.repo(tx, Region).save(this.db.repo(tx, Region).create(dto)),
      );
      await this.audit.record(tx, {
        action: 'region.create',
        entityType: 'region',
        entityId: region.id,
        regionId: region.id,
        after: { code: region.code, name: region.name },
      });
      return region;
    });
  }

  /** Renames a region (admin). Codes never change. */
  async updateRegion(ctx: RequestContext, id: string, dto: UpdateRegionDto): Promise<Region> {
    if (!ctx.is('admin', 'system')) throw new ForbiddenError();
    return this.db.transaction(ctx, async (tx) => {
      const [before] = await this.db.query<Region>(
        tx,
        `SELECT id, code, name, created_at AS "createdAt" FROM regions WHERE id = $1 FOR UPDATE`,
        [id],
      );
      if (!before) throw new NotFoundError('region', id);
      const [after] = await this.db.query<Region>(
        tx,
        `UPDATE regions SET name = $2 WHERE id = $1 RETURNING id, code, name, created_at AS "createdAt"`,
        [id, dto.name],
      );
      await this.recordChange(tx, 'region', id, id, { name: before.name }, { name: after.name });
      return after;
    });
  }

  /** Renames a campus (admin; a regional manager within their region, else 404). */
  async updateCampus(ctx: RequestContext, id: string, dto: UpdateCampusDto): Promise<Campus> {
    return this.db.transaction(ctx, async (tx) => {
      const before = await this.campusInScope(tx, id);
      await this.db.query(tx, `SELECT 1 FROM campuses WHERE id = $1 FOR UPDATE`, [id]);
      const [after] = await this.db.query<Campus>(
        tx,
        `UPDATE campuses SET name = $2 WHERE id = $1
         RETURNING id, code, name, region_id AS "regionId", created_at AS "createdAt"`,
        [id, dto.name],
      );
      await this.recordChange(tx, 'campus', id, before.regionId, { name: before.name }, { name: after.name });
      return after;
    });
  }

  /** Renames a pickup point or changes its address (admin; a manager within their region). */
  async updatePickupPoint(ctx: RequestContext, id: string, dto: UpdatePickupPointDto): Promise<PickupPoint> {
    return this.db.transaction(ctx, async (tx) => {
      const before = await this.pickupPointInScope(tx, id);
      await this.db.query(tx, `SELECT 1 FROM pickup_points WHERE id = $1 FOR UPDATE`, [id]);
      const address = dto.address === undefined ? before.address : dto.address || null;
      const [after] = await this.db.query<PickupPoint>(
        tx,
        `UPDATE pickup_points SET name = $2, address = $3 WHERE id = $1
         RETURNING id, code, name, campus_id AS "campusId", address, created_at AS "createdAt"`,
        [id, dto.name ?? before.name, address],
      );
      await this.recordChange(
        tx,
        'pickup_point',
        id,
        before.regionId,
        { name: before.name, address: before.address },
        { name: after.name, address: after.address },
      );
      return after;
    });
  }

  private async recordChange(
    tx: RequestContext,
    entityType: string,
    entityId: string,
    regionId: string,
    before: Record<string, unknown>,
    after: Record<string, unknown>,
  ): Promise<void> {
    const diff = changedFields(before, after);
    if (Object.keys(diff.after).length === 0) return;
    await this.audit.record(tx, { action: `${entityType}.update`, entityType, entityId, regionId, ...diff });
  }

  async listRegions(ctx: RequestContext): Promise<Region[]> {
    const params: unknown[] = [];
    const scope = networkScopeSql(ctx, { regionCol: 'r.id' }, params);
    return this.db.query<Region>(
      ctx,
      `SELECT id, code, name, created_at AS "createdAt" FROM regions r WHERE ${scope} ORDER BY code`,
      params,
    );
  }

  async createCampus(ctx: RequestContext, dto: CreateCampusDto): Promise<Campus> {
    await this.regionInScope(ctx, dto.regionId);
    return this.db.transaction(ctx, async (tx) => {
      const campus = await this.insertUnique('campus', dto.code, () =>
        this.db.repo(tx, Campus).save(this.db.repo(tx, Campus).create(dto)),
      );
      await this.audit.record(tx, {
        action: 'campus.create',
        entityType: 'campus',
        entityId: campus.id,
        regionId: campus.regionId,
        after: { code: campus.code, name: campus.name, regionId: campus.regionId },
      });
      return campus;
    });
  }

  async listCampuses(ctx: RequestContext, regionId?: string): Promise<Campus[]> {
    const params = new SqlParams();
    const scope = networkScopeSql(ctx, { regionCol: 'c.region_id', campusCol: 'c.id' }, params);
    let sql = `SELECT id, code, name, region_id AS "regionId", created_at AS "createdAt" FROM campuses c WHERE ${scope}`;
    if (regionId) sql += ` AND c.region_id = ${params.add(regionId)}`;
    return this.db.query<Campus>(ctx, `${sql} ORDER BY code`, params.values);
  }

  /** The campus if the caller may see it, else 404. */
  async campusInScope(ctx: RequestContext, campusId: string): Promise<Campus> {
    const params: unknown[] = [campusId];
    const scope = networkScopeSql(ctx, { regionCol: 'c.region_id', campusCol: 'c.id' }, params);
    const rows = await this.db.query<Campus>(
      ctx,
      `SELECT id, code, name, region_id AS "regionId", created_at AS "createdAt" FROM campuses c WHERE c.id = $1 AND ${scope}`,
      params,
    );
    if (!rows[0]) throw new NotFoundError('campus', campusId);
    return rows[0];
  }

  async regionInScope(ctx: RequestContext, regionId: string): Promise<Region> {
    const params: unknown[] = [regionId];
    const scope = networkScopeSql(ctx, { regionCol: 'r.id' }, params);
    const rows = await this.db.query<Region>(
      ctx,
      `SELECT id, code, name FROM regions r WHERE r.id = $1 AND ${scope}`,
      params,
    );
    if (!rows[0]) throw new NotFoundError('region', regionId);
    return rows[0];
  }

  async createPickupPoint(ctx: RequestContext, dto: CreatePickupPointDto): Promise<PickupPoint> {
    const campus = await this.campusInScope(ctx, dto.campusId);
    return this.db.transaction(ctx, async (tx) => {
      const point = await this.insertUnique('pickup point', dto.code, () =>
        this.db
          .repo(tx, PickupPoint)
          .save(this.db.repo(tx, PickupPoint).create({ ...dto, address: dto.address ?? null })),
      );
      await this.audit.record(tx, {
        action: 'pickup_point.create',
        entityType: 'pickup_point',
        entityId: point.id,
        regionId: campus.regionId,
        after: { code: point.code, name: point.name, campusId: point.campusId, address: point.address },
      });
      return point;
    });
  }

  /** Pickup points are public knowledge (customers choose one); filter by campus. */
  async listPickupPoints(ctx: RequestContext, campusId?: string): Promise<PickupPoint[]> {
    const repo = this.db.repo(ctx, PickupPoint);
    return campusId
      ? repo.find({ where: { campusId }, order: { code: 'ASC' } })
      : repo.find({ order: { code: 'ASC' } });
  }

  /** Every campus with its region's name (public: students choose theirs in the shop). */
  async campusesForShop(ctx: RequestContext): Promise<ShopCampusView[]> {
    return this.db.query<ShopCampusView>(
      ctx,
      `SELECT c.id, c.code, c.name, r.name AS "regionName" FROM campuses c JOIN regions r ON r.id = c.region_id
        ORDER BY r.name, c.name, c.code`,
    );
  }

  /**
   * The pickup points of a campus (404 when the campus is unknown), each saying whether a locker with
   * compartments in service stands there.
   */
  async pickupPointsForShop(ctx: RequestContext, campusId: string): Promise<ShopPickupPointView[]> {
    await this.placementOfCampus(ctx, campusId);
    return this.db.query<ShopPickupPointView>(
      ctx,
      `SELECT p.id, p.code, p.name, p.address, p.campus_id AS "campusId",
              EXISTS (SELECT 1 FROM lockers l JOIN compartments k ON k.locker_id = l.id
                       WHERE l.pickup_point_id = p.id AND k.state <> 'out_of_service') AS "hasLocker"
         FROM pickup_points p WHERE p.campus_id = $1 ORDER BY p.name, p.code`,
      [campusId],
    );
  }

  async pickupPointInScope(ctx: RequestContext, id: string): Promise<PickupPoint & { regionId: string }> {
    const params: unknown[] = [id];
    const scope = networkScopeSql(
      ctx,
      { regionCol: 'c.region_id', campusCol: 'p.campus_id', pointCol: 'p.id' },
      params,
    );
    const rows = await this.db.query<PickupPoint & { regionId: string }>(
      ctx,
      `SELECT p.id, p.code, p.name, p.campus_id AS "campusId", p.address, c.region_id AS "regionId"
         FROM pickup_points p JOIN campuses c ON c.id = p.campus_id WHERE p.id = $1 AND ${scope}`,
      params,
    );
    if (!rows[0]) throw new NotFoundError('pickup point', id);
    return rows[0];
  }

  async findPickupPointByCode(ctx: RequestContext, code: string): Promise<PickupPoint | null> {
    return this.db.repo(ctx, PickupPoint).findOne({ where: { code: code.toUpperCase() } });
  }

  /** Region and campus of a pickup point (cached: a point never moves). 404 when unknown. */
  async placementOfPickupPoint(ctx: RequestContext, pickupPointId: string): Promise<Placement> {
    const hit = this.pointPlacements.get(pickupPointId);
    if (hit) return hit;
    const rows = await this.db.query<{ campus_id: string; region_id: string }>(
      ctx,
      `SELECT p.campus_id, c.region_id FROM pickup_points p JOIN campuses c ON c.id = p.campus_id WHERE p.id = $1`,
      [pickupPointId],
    );
    if (!rows[0]) throw new NotFoundError('pickup point', pickupPointId);
    const placement = { regionId: rows[0].region_id, campusId: rows[0].campus_id, pickupPointId };
    this.pointPlacements.set(pickupPointId, placement);
    return placement;
  }

  /** Region of a campus (cached: a campus never changes region). 404 when unknown. */
  async placementOfCampus(ctx: RequestContext, campusId: string): Promise<Placement> {
    let regionId = this.campusRegions.get(campusId);
    if (!regionId) {
      const rows = await this.db.query<{ region_id: string }>(
        ctx,
        `SELECT region_id FROM campuses WHERE id = $1`,
        [campusId],
      );
      if (!rows[0]) throw new NotFoundError('campus', campusId);
      regionId = rows[0].region_id;
      this.campusRegions.set(campusId, regionId);
    }
    return { regionId, campusId, pickupPointId: null };
  }

  async createLocker(ctx: RequestContext, dto: CreateLockerDto): Promise<LockerView> {
    const point = await this.pickupPointInScope(ctx, dto.pickupPointId);
    const counts = dto.compartments ?? {};
    const total = COMPARTMENT_SIZES.reduce((n, s) => n + (counts[s] ?? 0), 0);
    if (total === 0) throw ValidationError.field('compartments', 'a locker needs at least one compartment');
    return this.db.transaction(ctx, async (tx) => {
      const locker = await this.insertUnique('locker', dto.code, () =>
        this.db
          .repo(tx, Locker)
          .save(this.db.repo(tx, Locker).create({ code: dto.code, pickupPointId: dto.pickupPointId })),
      );
      const labels: string[] = [];
      const sizes: string[] = [];
      for (const size of COMPARTMENT_SIZES) {
        for (let i = 1; i <= (counts[size] ?? 0); i++) {
          labels.push(`${size}${String(i).padStart(2, '0')}`);
          sizes.push(size);
        }
      }
      await this.db.query(
        tx,
        `INSERT INTO compartments (locker_id, label, size) SELECT $1, l, s FROM unnest($2::text[], $3::text[]) AS x(l, s)`,
        [locker.id, labels, sizes],
      );
      await this.audit.record(tx, {
        action: 'locker.create',
        entityType: 'locker',
        entityId: locker.id,
        regionId: point.regionId,
        after: { code: locker.code, pickupPointId: point.id, compartments: { ...counts } },
      });
      return this.getLocker(tx, locker.id);
    });
  }

  async getLocker(ctx: RequestContext, id: string): Promise<LockerView> {
    const params: unknown[] = [id];
    const scope = networkScopeSql(
      ctx,
      { regionCol: 'c.region_id', campusCol: 'p.campus_id', pointCol: 'p.id' },
      params,
    );
    const rows = await this.db.query<{
      id: string;
      code: string;
      pickup_point_id: string;
      campus_id: string;
    }>(
      ctx,
      `SELECT l.id, l.code, l.pickup_point_id, p.campus_id FROM lockers l
         JOIN pickup_points p ON p.id = l.pickup_point_id JOIN campuses c ON c.id = p.campus_id
        WHERE l.id = $1 AND ${scope}`,
      params,
    );
    if (!rows[0]) throw new NotFoundError('locker', id);
    const compartments = await this.db.repo(ctx, Compartment).find({
      where: { lockerId: id },
      order: { size: 'DESC', label: 'ASC' },
    });
    return {
      id: rows[0].id,
      code: rows[0].code,
      pickupPointId: rows[0].pickup_point_id,
      campusId: rows[0].campus_id,
      compartments: compartments
        .sort((a, b) => a.label.localeCompare(b.label))
        .map((c) => ({ id: c.id, label: c.label, size: c.size, state: c.state, orderId: c.orderId })),
    };
  }

  async listLockers(ctx: RequestContext, pickupPointId?: string): Promise<Locker[]> {
    const params = new SqlParams();
    const scope = networkScopeSql(
      ctx,
      { regionCol: 'c.region_id', campusCol: 'p.campus_id', pointCol: 'p.id' },
      params,
    );
    let sql = `SELECT l.id, l.code, l.pickup_point_id AS "pickupPointId", l.created_at AS "createdAt" FROM lockers l
      JOIN pickup_points p ON p.id = l.pickup_point_id JOIN campuses c ON c.id = p.campus_id WHERE ${scope}`;
    if (pickupPointId) sql += ` AND l.pickup_point_id = ${params.add(pickupPointId)}`;
    return this.db.query<Locker>(ctx, `${sql} ORDER BY l.code`, params.values);
  }

  private async insertUnique<T>(what: string, code: string, insert: () => Promise<T>): Promise<T> {
    try {
      return await insert();
    } catch (err) {
      if (pgErrorCode(err) === '23505' && pgConstraint(err)?.endsWith('code_key'))
        throw new CodeTakenError(what, code);
      throw err;
    }
  }
}
