import { Injectable } from '@nestjs/common';
import { AuditService, changedFields } from '@campus/audit';
import {
  decodeCursor,
  DEFAULT_PAGE_SIZE,
  NotFoundError,
  Page,
  PageQueryDto,
  RequestContext,
  toPage,
  ValidationError,
} from '@campus/core';
import { Db, pgErrorCode, sql, Sql, SqlParams } from '@campus/database';
import { SkuTakenError, StockBelowReservedError } from './catalog.errors';
import { CreateProductDto, ProductQueryDto, StockAdjustmentDto, UpdateProductDto } from './dto/product.dto';
import { StockService } from './stock.service';

export interface ProductView {
  id: string;
  sku: string;
  name: string;
  category: string;
  priceCents: number;
  requiresInstallation: boolean;
  installFeeCents: number;
  active: boolean;
  /** At most this many units per order (flash-sale items); null: no cap. */
  maxPerOrder: number | null;
  /** What a unit costs us (for gross margin): admins only, absent from everyone else's answers. */
  costCents?: number | null;
  stock: { onHand: number; reserved: number; available: number; lowStockThreshold: number };
  createdAt: Date;
  updatedAt: Date;
}

/** One row of the stock ledger: a change of units on hand, and why. */
export interface StockMovementView {
  id: string;
  kind: 'initial' | 'adjustment' | 'consumed' | 'restocked';
  onHandDelta: number;
  reason: string;
  orderId: string | null;
  actorId: string | null;
  at: Date;
}

/** What the audit log keeps of a product and its stock settings. */
function audited(p: ProductView): Record<string, unknown> {
  return {
    sku: p.sku,
    name: p.name,
    category: p.category,
    priceCents: p.priceCents,
    requiresInstallation: p.requiresInstallation,
    installFeeCents: p.installFeeCents,
    active: p.active,
    lowStockThreshold: p.stock.lowStockThreshold,
    costCents: p.costCents ?? null,
  };
}

interface ProductRow {
  id: string;
  sku: string;
  name: string;
  category: string;
  price_cents: number;
  requires_installation: boolean;
  install_fee_cents: number;
  active: boolean;
  max_per_order: number | null;
  cost_cents: number | null;
  on_hand: number;
  reserved: number;
  low_stock_threshold: number;
  created_at: Date;
  updated_at: Date;
}

const SELECT_PRODUCT = `SELECT p.id, p.sku, p.name, p.category, p.price_cents, p.requires_installation,
  p.install_fee_cents, p.active, p.max_per_order, p.cost_cents, s.on_hand, s.reserved, s.low_stock_threshold,
  p.created_at, p.updated_at
  FROM products p JOIN stock s ON s.product_id = p.id`;

/** The most a public page says is available: enough to shop with, nothing about the warehouse. */
export const SHOP_AVAILABLE_CAP = 99;

/** What the public shop shows of a product: price and a capped availability, no stock internals. */
export interface ShopProductView {
  sku: string;
  name: string;
  category: string;
  priceCents: number;
  /** Units that can still be ordered (on hand minus reserved), never below 0, capped at 99. */
  available: number;
  requiresInstallation: boolean;
}

export interface ShopProductQuery {
  q?: string;
  category?: string;
  cursor?: string;
  limit?: number;
}

export interface ShopCategoryView {
  category: string;
  products: number;
}

const SELECT_SHOP_PRODUCT = `SELECT p.sku, p.name, p.category, p.price_cents AS "priceCents",
  p.requires_installation AS "requiresInstallation",
  LEAST(GREATEST(s.on_hand - s.reserved, 0), ${SHOP_AVAILABLE_CAP})::int AS available
  FROM products p JOIN stock s ON s.product_id = p.id WHERE p.active`;

function likePattern(q: string): string {
  return `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** A product as `ctx` may see it: the cost only for admins. */
function view(r: ProductRow, ctx?: RequestContext): ProductView {
  return {
    ...(ctx?.is('admin', 'system') ? { costCents: r.cost_cents } : {}),
    id: r.id,
    sku: r.sku,
    name: r.name,
    category: r.category,
    priceCents: r.price_cents,
    requiresInstallation: r.requires_installation,
    installFeeCents: r.install_fee_cents,
    active: r.active,
    maxPerOrder: r.max_per_order,
    stock: {
      onHand: r.on_hand,
      reserved: r.reserved,
      available: r.on_hand - r.reserved,
      lowStockThreshold: r.low_stock_threshold,
    },
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

/** The catalogue: products, their prices and their stock levels. */
@Injectable()
export class ProductsService {
  constructor(
    private readonly db: Db,
    private readonly stock: StockService,
    private readonly audit: AuditService,
  ) {}

  async create(ctx: RequestContext, dto: CreateProductDto): Promise<ProductView> {
    return this.db.transaction(ctx, async (tx) => {
      try {
        const rows = await this.db.query<{ id: string }>(
          tx,
          `INSERT INTO products (sku, name, category, price_cents, requires_installation, install_fee_cents,
             max_per_order, cost_cents)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
          [
            dto.sku,
            dto.name,
            dto.category.toLowerCase(),
            dto.priceCents,
            dto.requiresInstallation ?? false,
            dto.installFeeCents ?? 0,
            dto.maxPerOrder ?? null,
            dto.costCents ?? null,
          ],
        );
        const id = rows[0].id;
        await this.db.query(
          tx,
          `INSERT INTO stock (product_id, on_hand, low_stock_threshold, low_alert_open) VALUES ($1, $2::int, $3::int, $2::int < $3::int)`,
          [id, dto.stock ?? 0, dto.lowStockThreshold ?? 0],
        );
        if (dto.stock) {
          await this.db.query(
            tx,
            `INSERT INTO stock_movements (product_id, on_hand_delta, kind, reason, actor_id)
             VALUES ($1, $2, 'initial', 'initial stock', $3)`,
            [id, dto.stock, ctx.actorId],
          );
        }
        const created = await this.get(tx, dto.sku);
        await this.audit.record(tx, {
          action: 'product.create',
          entityType: 'product',
          entityId: created.sku,
          before: null,
          after: { ...audited(created), onHand: created.stock.onHand },
        });
        return created;
      } catch (err) {
        if (pgErrorCode(err) === '23505') throw new SkuTakenError(dto.sku);
        throw err;
      }
    });
  }

  async update(ctx: RequestContext, sku: string, dto: UpdateProductDto): Promise<ProductView> {
    return this.db.transaction(ctx, async (tx) => {
      const p = await this.get(tx, sku);
      await this.db.query(tx, `SELECT 1 FROM products WHERE id = $1 FOR UPDATE`, [p.id]);
      await this.db.query(
        tx,
        `UPDATE products SET name = COALESCE($2, name), category = COALESCE($3, category),
           price_cents = COALESCE($4, price_cents), requires_installation = COALESCE($5, requires_installation),
           install_fee_cents = COALESCE($6, install_fee_cents), active = COALESCE($7, active),
           max_per_order = CASE WHEN $8::boolean THEN $9::int ELSE max_per_order END,
           cost_cents = COALESCE($10, cost_cents), updated_at = now()
         WHERE id = $1`,
        [
          p.id,
          dto.name ?? null,
          dto.category?.toLowerCase() ?? null,
          dto.priceCents ?? null,
          dto.requiresInstallation ?? null,
          dto.installFeeCents ?? null,
          dto.active ?? null,
          dto.maxPerOrder !== undefined,
          dto.maxPerOrder ?? null,
          dto.costCents ?? null,
        ],
      );
      if (dto.lowStockThreshold !== undefined) {
        await this.db.query(
          tx,
          `UPDATE stock SET low_stock_threshold = $2, low_alert_open = (on_hand - reserved) < $2, updated_at = now()
            WHERE product_id = $1`,
          [p.id, dto.lowStockThreshold],
        );
      }
      const after = await this.get(tx, sku);
      const diff = changedFields(audited(p), audited(after));
      if (Object.keys(diff.after).length) {
        await this.audit.record(tx, {
          action: 'product.update',
          entityType: 'product',
          entityId: p.sku,
          ...diff,
        });
      }
      return after;
    });
  }

  async get(ctx: RequestContext, sku: string): Promise<ProductView> {
    // Retired products exist only for the staff who manage the catalogue.
    const activeOnly = ctx.is('admin', 'regional_manager', 'system') ? '' : ' AND p.active';
    const rows = await this.db.query<ProductRow>(ctx, `${SELECT_PRODUCT} WHERE p.sku = $1${activeOnly}`, [
      sku.toUpperCase(),
    ]);
    if (!rows[0]) throw new NotFoundError('product', sku);
    return view(rows[0], ctx);
  }

  async list(ctx: RequestContext, q: ProductQueryDto): Promise<Page<ProductView>> {
    const where = productFilters(q);
    // Customers and order-taking staff see only what can be ordered.
    if (!ctx.is('admin', 'regional_manager')) where.unshift(sql`p.active`);
    const limit = q.limit ?? DEFAULT_PAGE_SIZE;
    const rows = await this.db.query<ProductRow>(
      ctx,
      sql`${sql.raw(SELECT_PRODUCT)} WHERE ${sql.and(where)} ORDER BY p.sku LIMIT ${limit + 1}`,
    );
    return toPage(
      rows.map((r) => view(r, ctx)),
      limit,
      (p) => [p.sku],
    );
  }

  /**
   * The public catalogue (no sign-in): active products only, each with its price and a capped
   * availability figure, by SKU in pages. The same for every caller, so the API may cache it.
   */
  async listForShop(ctx: RequestContext, q: ShopProductQuery): Promise<Page<ShopProductView>> {
    const limit = q.limit ?? DEFAULT_PAGE_SIZE;
    const rows = await this.db.query<ShopProductView>(
      ctx,
      sql`${sql.raw(SELECT_SHOP_PRODUCT)} AND ${sql.and(productFilters(q))} ORDER BY p.sku LIMIT ${limit + 1}`,
    );
    return toPage(rows, limit, (p) => [p.sku]);
  }

  /** One product of the public catalogue; 404 when unknown or no longer sold. */
  async getForShop(ctx: RequestContext, sku: string): Promise<ShopProductView> {
    const rows = await this.db.query<ShopProductView>(ctx, `${SELECT_SHOP_PRODUCT} AND p.sku = $1`, [
      sku.trim().toUpperCase(),
    ]);
    if (!rows[0]) throw new NotFoundError('product', sku);
    return rows[0];
  }

  /** The categories of the public catalogue with how many active products each has. */
  async categoriesForShop(ctx: RequestContext): Promise<ShopCategoryView[]> {
    return this.db.query<ShopCategoryView>(
      ctx,
      `SELECT category, count(*)::int AS products FROM products WHERE active GROUP BY category ORDER BY category`,
    );
  }

  /** Adds or removes units on hand; on hand may never drop below what orders have reserved. */
  async adjustStock(ctx: RequestContext, sku: string, dto: StockAdjustmentDto): Promise<ProductView> {
    return this.db.transaction(ctx, async (tx) => {
      const rows = await this.db.query<{ id: string; on_hand: number; reserved: number }>(
        tx,
        `SELECT p.id, s.on_hand, s.reserved FROM products p JOIN stock s ON s.product_id = p.id
          WHERE p.sku = $1 FOR UPDATE OF s`,
        [sku.toUpperCase()],
      );
      const row = rows[0];
      if (!row) throw new NotFoundError('product', sku);
      if (row.on_hand + dto.delta < row.reserved) {
        throw new StockBelowReservedError(sku.toUpperCase(), row.on_hand, row.reserved, dto.delta);
      }
      await this.stock.move(tx, [{ productId: row.id, onHand: dto.delta, reserved: 0 }], {
        kind: 'adjustment',
        reason: dto.reason,
      });
      const after = await this.get(tx, sku);
      await this.audit.record(tx, {
        action: 'product.stock_adjust',
        entityType: 'product',
        entityId: after.sku,
        before: { onHand: row.on_hand },
        after: { onHand: after.stock.onHand, delta: dto.delta, reason: dto.reason },
      });
      return after;
    });
  }

  /** The stock ledger of one product, newest first: adjustments, deliveries out, returns in. */
  async movements(ctx: RequestContext, sku: string, q: PageQueryDto): Promise<Page<StockMovementView>> {
    const product = await this.get(ctx, sku);
    const params = new SqlParams([product.id]);
    let cursor = '';
    if (q.cursor) {
      const [last] = decodeCursor(q.cursor, ['string']);
      if (!/^\d{1,18}$/.test(String(last)))
        throw ValidationError.field('cursor', 'is not a cursor this API issued');
      cursor = ` AND m.id < ${params.add(last)}::bigint`;
    }
    const limit = q.limit ?? DEFAULT_PAGE_SIZE;
    const rows = await this.db.query<StockMovementView>(
      ctx,
      `SELECT m.id::text AS id, m.kind, m.on_hand_delta AS "onHandDelta", m.reason, m.order_id AS "orderId",
              m.actor_id AS "actorId", m.created_at AS "at"
         FROM stock_movements m
        WHERE m.product_id = $1 AND m.on_hand_delta <> 0${cursor}
        ORDER BY m.id DESC LIMIT ${limit + 1}`,
      params.values,
    );
    return toPage(rows, limit, (m) => [m.id]);
  }
}

/** The catalogue filters shared by the staff and shop lists (category, text, keyset cursor by SKU). */
function productFilters(q: { category?: string; q?: string; cursor?: string }): Sql[] {
  const where: Sql[] = [];
  if (q.category) where.push(sql`p.category = ${q.category.toLowerCase()}`);
  if (q.q) {
    const like = likePattern(q.q);
    where.push(sql`(p.sku ILIKE ${like} OR p.name ILIKE ${like})`);
  }
  if (q.cursor) {
    const [sku] = decodeCursor(q.cursor, ['string']);
    where.push(sql`p.sku > ${sku}`);
  }
  return where;
}
