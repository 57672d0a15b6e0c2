import { Injectable } from '@nestjs/common';
import { AuditService, changedFields } from '@campus/audit';
import {
  decodeCursor,
  DEFAULT_PAGE_SIZE,
  NotFoundError,
  Page,
  RequestContext,
  toPage,
  ValidationError,
} from '@campus/core';
import { Db, SqlParams } from '@campus/database';
import { CreateFlashSaleDto, FlashSaleQueryDto, UpdateFlashSaleDto } from './dto/pricing.dto';
import { PricingPlaces } from './pricing-places';
import { checkCampuses, regionScopeSql, scopedRegion } from './pricing-scope';

export interface FlashSaleView {
  id: string;
  sku: string;
  name: string;
  listPriceCents: number;
  priceCents: number;
  quantity: number;
  sold: number;
  remaining: number;
  perCustomerLimit: number;
  regionId: string | null;
  campusIds: string[];
  startsAt: Date;
  endsAt: Date;
  active: boolean;
  /** Running now: active, started, not ended, not sold out. */
  running: boolean;
  createdAt: Date;
}

const COLUMNS = `f.id, f.sku, p.name, p.price_cents AS "listPriceCents", f.price_cents AS "priceCents", f.quantity,
  f.sold, f.quantity - f.sold AS remaining, f.per_customer_limit AS "perCustomerLimit", f.region_id AS "regionId",
  f.campus_ids AS "campusIds", f.starts_at AS "startsAt", f.ends_at AS "endsAt", f.active,
  (f.active AND f.starts_at <= now() AND f.ends_at > now() AND f.sold < f.quantity) AS running,
  f.created_at AS "createdAt"`;

function audited(f: FlashSaleView): Record<string, unknown> {
  return JSON.parse(
    JSON.stringify({
      sku: f.sku,
      priceCents: f.priceCents,
      quantity: f.quantity,
      perCustomerLimit: f.perCustomerLimit,
      regionId: f.regionId,
      campusIds: f.campusIds,
      startsAt: f.startsAt,
      endsAt: f.endsAt,
      active: f.active,
    }),
  ) as Record<string, unknown>;
}

/**
 * Flash sales: a time-limited price on one SKU, for a number of units, with a per-customer limit.
 * Admins make them anywhere, managers in their region. Everyone signed in may list them (a manager
 * sees their region's, customers and order-taking staff the ones that have not ended).
 */
@Injectable()
export class FlashSalesService {
  constructor(
    private readonly db: Db,
    private readonly audit: AuditService,
    private readonly places: PricingPlaces,
  ) {}

  async create(ctx: RequestContext, dto: CreateFlashSaleDto): Promise<FlashSaleView> {
    const regionId = await scopedRegion(ctx, this.places, dto.regionId);
    await checkCampuses(ctx, this.places, regionId, dto.campusIds);
    const startsAt = new Date(dto.startsAt);
    const endsAt = new Date(dto.endsAt);
    if (endsAt <= startsAt) throw ValidationError.field('endsAt', 'must be after startsAt');
    return this.db.transaction(ctx, async (tx) => {
      const [p] = await this.db.query<{ id: string; price_cents: number }>(
        tx,
        `SELECT id, price_cents FROM products WHERE sku = $1 AND active`,
        [dto.sku],
      );
      if (!p) throw ValidationError.field('sku', `unknown SKU ${dto.sku}`);
      if (dto.priceCents >= p.price_cents) {
        throw new ValidationError([
          { field: 'priceCents', message: `must be below the list price (${p.price_cents})`, code: 'max' },
        ]);
      }
      const [row] = await this.db.query<{ id: string }>(
        tx,
        `INSERT INTO flash_sales (product_id, sku, price_cents, quantity, per_customer_limit, region_id, campus_ids,
           starts_at, ends_at, created_by_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
        [
          p.id,
          dto.sku,
          dto.priceCents,
          dto.quantity,
          dto.perCustomerLimit,
          regionId,
          [...new Set(dto.campusIds ?? [])],
          startsAt,
          endsAt,
          ctx.actorId,
        ],
      );
      const created = await this.get(tx, row.id);
      await this.audit.record(tx, {
        action: 'flash_sale.create',
        entityType: 'flash_sale',
        entityId: created.id,
        regionId,
        after: audited(created),
      });
      return created;
    });
  }

  async get(ctx: RequestContext, id: string): Promise<FlashSaleView> {
    const params: unknown[] = [id];
    const rows = await this.db.query<FlashSaleView>(
      ctx,
      `SELECT ${COLUMNS} FROM flash_sales f JOIN products p ON p.id = f.product_id
        WHERE f.id = $1 AND ${this.scope(ctx, params)}`,
      params,
    );
    if (!rows[0]) throw new NotFoundError('flash sale', id);
    return rows[0];
  }

  async list(ctx: RequestContext, q: FlashSaleQueryDto): Promise<Page<FlashSaleView>> {
    const params = new SqlParams();
    const where = [this.scope(ctx, params)];
    if (q.sku) where.push(`f.sku = ${params.add(q.sku)}`);
    if (q.campusId)
      where.push(`(cardinality(f.campus_ids) = 0 OR ${params.add(q.campusId)}::uuid = ANY(f.campus_ids))`);
    if (q.status === 'running') where.push(`f.active AND f.starts_at <= now() AND f.ends_at > now()`);
    if (q.status === 'upcoming') where.push(`f.active AND f.starts_at > now()`);
    if (q.status === 'ended') where.push(`(NOT f.active OR f.ends_at <= now())`);
    if (q.cursor) {
      const [at, cid] = decodeCursor(q.cursor, ['string', 'string']);
      where.push(`(f.created_at, f.id) < (${params.add(at)}::timestamptz, ${params.add(cid)}::uuid)`);
    }
    const limit = q.limit ?? DEFAULT_PAGE_SIZE;
    const rows = await this.db.query<FlashSaleView & { cursorAt: string }>(
      ctx,
      `SELECT ${COLUMNS}, f.created_at::text AS "cursorAt" FROM flash_sales f JOIN products p ON p.id = f.product_id
        WHERE ${where.join(' AND ')} ORDER BY f.created_at DESC, f.id DESC LIMIT ${limit + 1}`,
      params,
    );
    const page = toPage(rows, limit, (r) => [r.cursorAt, r.id]);
    return { ...page, items: page.items.map(({ cursorAt: _c, ...f }) => f) };
  }

  async update(ctx: RequestContext, id: string, dto: UpdateFlashSaleDto): Promise<FlashSaleView> {
    return this.db.transaction(ctx, async (tx) => {
      const before = await this.get(tx, id);
      const endsAt = dto.endsAt ? new Date(dto.endsAt) : null;
      if (endsAt && endsAt <= before.startsAt)
        throw ValidationError.field('endsAt', 'must be after startsAt');
      await this.db.query(
        tx,
        `UPDATE flash_sales SET active = COALESCE($2, active), ends_at = COALESCE($3, ends_at), updated_at = now()
          WHERE id = $1`,
        [id, dto.active ?? null, endsAt],
      );
      const after = await this.get(tx, id);
      const diff = changedFields(audited(before), audited(after));
      if (Object.keys(diff.after).length) {
        await this.audit.record(tx, {
          action: 'flash_sale.update',
          entityType: 'flash_sale',
          entityId: id,
          regionId: after.regionId,
          ...diff,
        });
      }
      return after;
    });
  }

  /**
   * The running sale price of each SKU for a campus (lowest price when several run), for product
   * answers (the shop): `{salePriceCents, saleEndsAt}`.
   */
  async salePrices(
    ctx: RequestContext,
    skus: readonly string[],
    campusId: string | null,
  ): Promise<Map<string, { salePriceCents: number; saleEndsAt: Date; flashSaleId: string }>> {
    if (skus.length === 0) return new Map();
    const rows = await this.db.query<{ sku: string; price_cents: number; ends_at: Date; id: string }>(
      ctx,
      `SELECT DISTINCT ON (f.sku) f.sku, f.price_cents, f.ends_at, f.id
         FROM flash_sales f
        WHERE f.sku = ANY($1::text[]) AND f.active AND f.starts_at <= now() AND f.ends_at > now()
          AND f.sold < f.quantity
          AND ($2::uuid IS NULL OR cardinality(f.campus_ids) = 0 OR $2::uuid = ANY(f.campus_ids))
        ORDER BY f.sku, f.price_cents, f.ends_at`,
      [skus, campusId],
    );
    return new Map(
      rows.map((r) => [r.sku, { salePriceCents: r.price_cents, saleEndsAt: r.ends_at, flashSaleId: r.id }]),
    );
  }

  /** Admins: all; managers: their region's; everyone else: those that have not ended. */
  private scope(ctx: RequestContext, params: SqlParams | unknown[]): string {
    if (ctx.is('admin', 'system')) return 'true';
    if (ctx.is('regional_manager')) return regionScopeSql(ctx, 'f.region_id', params);
    return `f.active AND f.ends_at > now()`;
  }
}
