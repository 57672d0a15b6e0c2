import { Injectable } from '@nestjs/common';
import { AuditService, changedFields } from '@campus/audit';
import { ForbiddenError, NotFoundError, RequestContext, ValidationError } from '@campus/core';
import { Db, pgConstraint, pgErrorCode } from '@campus/database';
import {
  CreateCampusDto,
  CreateLockerDto,
  CreatePickupPointDto,
  CreateRegionDto,
  UpdateCampusDto,
  UpdatePickupPointDto,
  UpdateRegionDto,
} from './dto/network.dto';
import { LockerRepository } from './locker.repository';
import { CodeTakenError } from './network.errors';
import { Campus, COMPARTMENT_SIZES, Locker, PickupPoint, Region } from './network.entities';
import { PlaceRepository } from './place.repository';

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
    private readonly places: PlaceRepository,
    private readonly lockers: LockerRepository,
    private readonly audit: AuditService,
  ) {}

  async createRegion(ctx: RequestContext, dto: CreateRegionDto): Promise<Region> {
    return this.db.transaction(ctx, async (tx) => {
      const region = await this.insertUnique('region', dto.code, () => this.places.insertRegion(tx, dto));
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
      const before = await this.places.lockRegion(tx, id);
      if (!before) throw new NotFoundError('region', id);
      const after = await this.places.renameRegion(tx, id, dto.name);
      await this.recordChange(tx, 'region', id, id, { name: before.name }, { name: after.name });
      return after;
    });
  }

  /** Renames a campus (admin; a regional manager within their region, else 404). */
  async updateCampus(ctx: RequestContext, id: string, dto: UpdateCampusDto): Promise<Campus> {
    return this.db.transaction(ctx, async (tx) => {
      const before = await this.campusInScope(tx, id);
      const after = await this.places.renameCampus(tx, id, dto.name);
      await this.recordChange(tx, 'campus', id, before.regionId, { name: before.name }, { name: after.name });
      return after;
    });
  }

  /** Renames a pickup point or changes its address (admin; a manager within their region). */
  async updatePickupPoint(ctx: RequestContext, id: string, dto: UpdatePickupPointDto): Promise<PickupPoint> {
    return this.db.transaction(ctx, async (tx) => {
      const before = await this.pickupPointInScope(tx, id);
      const address = dto.address === undefined ? before.address : dto.address || null;
      const after = await this.places.updatePickupPoint(tx, id, { name: dto.name ?? before.name, address });
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
    return this.places.listRegions(ctx);
  }

  async createCampus(ctx: RequestContext, dto: CreateCampusDto): Promise<Campus> {
    await this.regionInScope(ctx, dto.regionId);
    return this.db.transaction(ctx, async (tx) => {
      const campus = await this.insertUnique('campus', dto.code, () => this.places.insertCampus(tx, dto));
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
    return this.places.listCampuses(ctx, regionId);
  }

  /** The campus if the caller may see it, else 404. */
  async campusInScope(ctx: RequestContext, campusId: string): Promise<Campus> {
    const campus = await this.places.campusInScope(ctx, campusId);
    if (!campus) throw new NotFoundError('campus', campusId);
    return campus;
  }

  async regionInScope(ctx: RequestContext, regionId: string): Promise<Region> {
    const region = await this.places.regionInScope(ctx, regionId);
    if (!region) throw new NotFoundError('region', regionId);
    return region;
  }

  async createPickupPoint(ctx: RequestContext, dto: CreatePickupPointDto): Promise<PickupPoint> {
    const campus = await this.campusInScope(ctx, dto.campusId);
    return this.db.transaction(ctx, async (tx) => {
      const point = await this.insertUnique('pickup point', dto.code, () =>
        this.places.insertPickupPoint(tx, dto),
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
    return this.places.listPickupPoints(ctx, campusId);
  }

  /** Every campus with its region's name (public: students choose theirs in the shop). */
  async campusesForShop(ctx: RequestContext): Promise<ShopCampusView[]> {
    return this.places.campusesWithRegion(ctx);
  }

  /**
   * The pickup points of a campus (404 when the campus is unknown), each saying whether a locker with
   * compartments in service stands there.
   */
  async pickupPointsForShop(ctx: RequestContext, campusId: string): Promise<ShopPickupPointView[]> {
    await this.placementOfCampus(ctx, campusId);
    return this.places.pickupPointsWithLockers(ctx, campusId);
  }

  async pickupPointInScope(ctx: RequestContext, id: string): Promise<PickupPoint & { regionId: string }> {
    const point = await this.places.pickupPointInScope(ctx, id);
    if (!point) throw new NotFoundError('pickup point', id);
    return point;
  }

  async findPickupPointByCode(ctx: RequestContext, code: string): Promise<PickupPoint | null> {
    return this.places.pickupPointByCode(ctx, code.toUpperCase());
  }

  /** Region and campus of a pickup point (cached: a point never moves). 404 when unknown. */
  async placementOfPickupPoint(ctx: RequestContext, pickupPointId: string): Promise<Placement> {
    const hit = this.pointPlacements.get(pickupPointId);
    if (hit) return hit;
    const row = await this.places.placementOfPickupPoint(ctx, pickupPointId);
    if (!row) throw new NotFoundError('pickup point', pickupPointId);
    const placement = { regionId: row.region_id, campusId: row.campus_id, pickupPointId };
    this.pointPlacements.set(pickupPointId, placement);
    return placement;
  }

  /** Region of a campus (cached: a campus never changes region). 404 when unknown. */
  async placementOfCampus(ctx: RequestContext, campusId: string): Promise<Placement> {
    let regionId = this.campusRegions.get(campusId);
    if (!regionId) {
      const found = await this.places.regionOfCampus(ctx, campusId);
      if (!found) throw new NotFoundError('campus', campusId);
      regionId = found;
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
        this.lockers.insert(tx, { code: dto.code, pickupPointId: dto.pickupPointId }),
      );
      const labels: string[] = [];
      const sizes: string[] = [];
      for (const size of COMPARTMENT_SIZES) {
        for (let i = 1; i <= (counts[size] ?? 0); i++) {
          labels.push(`${size}${String(i).padStart(2, '0')}`);
          sizes.push(size);
        }
      }
      await this.lockers.insertCompartments(tx, locker.id, labels, sizes);
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
    const locker = await this.lockers.inScope(ctx, id);
    if (!locker) throw new NotFoundError('locker', id);
    const compartments = await this.lockers.compartmentsOf(ctx, id);
    return {
      id: locker.id,
      code: locker.code,
      pickupPointId: locker.pickup_point_id,
      campusId: locker.campus_id,
      compartments: compartments
        .sort((a, b) => a.label.localeCompare(b.label))
        .map((c) => ({ id: c.id, label: c.label, size: c.size, state: c.state, orderId: c.orderId })),
    };
  }

  async listLockers(ctx: RequestContext, pickupPointId?: string): Promise<Locker[]> {
    return this.lockers.list(ctx, pickupPointId);
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
