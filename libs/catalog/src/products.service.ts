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
import { Db, pgErrorCode, sql, Sql } from '@campus/database';
import { SkuTakenError, StockBelowReservedError } from './catalog.errors';
import { CreateProductDto, ProductQueryDto, StockAdjustmentDto, UpdateProductDto } from './dto/product.dto';
import { ProductRepository, ProductRow } from './product.repository';
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

export { SHOP_AVAILABLE_CAP } from './product.repository';

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
    private readonly products: ProductRepository,
    private readonly stock: StockService,
    private readonly audit: AuditService,
  ) {}

  async create(ctx: RequestContext, dto: CreateProductDto): Promise<ProductView> {
    return this.db.transaction(ctx, async (tx) => {
      try {
        const id = await this.products.insert(tx, {
          sku: dto.sku,
          name: dto.name,
          category: dto.category.toLowerCase(),
          priceCents: dto.priceCents,
          requiresInstallation: dto.requiresInstallation ?? false,
          installFeeCents: dto.installFeeCents ?? 0,
          maxPerOrder: dto.maxPerOrder ?? null,
          costCents: dto.costCents ?? null,
        });
        await this.products.insertStock(tx, id, dto.stock ?? 0, dto.lowStockThreshold ?? 0);
        if (dto.stock) await this.products.insertInitialMovement(tx, id, dto.stock, ctx.actorId);
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
      await this.products.lock(tx, p.id);
      await this.products.update(tx, p.id, {
        name: dto.name ?? null,
        category: dto.category?.toLowerCase() ?? null,
        priceCents: dto.priceCents ?? null,
        requiresInstallation: dto.requiresInstallation ?? null,
        installFeeCents: dto.installFeeCents ?? null,
        active: dto.active ?? null,
        setMaxPerOrder: dto.maxPerOrder !== undefined,
        maxPerOrder: dto.maxPerOrder ?? null,
        costCents: dto.costCents ?? null,
      });
      if (dto.lowStockThreshold !== undefined) {
        await this.products.setLowStockThreshold(tx, p.id, dto.lowStockThreshold);
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
    const activeOnly = !ctx.is('admin', 'regional_manager', 'system');
    const row = await this.products.bySku(ctx, sku.toUpperCase(), activeOnly);
    if (!row) throw new NotFoundError('product', sku);
    return view(row, ctx);
  }

  async list(ctx: RequestContext, q: ProductQueryDto): Promise<Page<ProductView>> {
    const where = productFilters(q);
    // Customers and order-taking staff see only what can be ordered.
    if (!ctx.is('admin', 'regional_manager')) where.unshift(sql`p.active`);
    const limit = q.limit ?? DEFAULT_PAGE_SIZE;
    const rows = await this.products.list(ctx, where, limit + 1);
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
    const rows = await this.products.listForShop(ctx, productFilters(q), limit + 1);
    return toPage(rows, limit, (p) => [p.sku]);
  }

  /** One product of the public catalogue; 404 when unknown or no longer sold. */
  async getForShop(ctx: RequestContext, sku: string): Promise<ShopProductView> {
    const row = await this.products.shopProduct(ctx, sku.trim().toUpperCase());
    if (!row) throw new NotFoundError('product', sku);
    return row;
  }

  /** The categories of the public catalogue with how many active products each has. */
  async categoriesForShop(ctx: RequestContext): Promise<ShopCategoryView[]> {
    return this.products.shopCategories(ctx);
  }

  /** Adds or removes units on hand; on hand may never drop below what orders have reserved. */
  async adjustStock(ctx: RequestContext, sku: string, dto: StockAdjustmentDto): Promise<ProductView> {
    return this.db.transaction(ctx, async (tx) => {
      const row = await this.products.lockStock(tx, sku.toUpperCase());
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
    let before: string | null = null;
    if (q.cursor) {
      const [last] = decodeCursor(q.cursor, ['string']);
      if (!/^\d{1,18}$/.test(String(last)))
        throw ValidationError.field('cursor', 'is not a cursor this API issued');
      before = String(last);
    }
    const limit = q.limit ?? DEFAULT_PAGE_SIZE;
    const rows = await this.products.movements(ctx, product.id, before, limit + 1);
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
