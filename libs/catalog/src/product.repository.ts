import { Injectable } from '@nestjs/common';
import type { RequestContext } from '@campus/core';
import { Db, named, sql, Sql } from '@campus/database';

/** The most a public page says is available: enough to shop with, nothing about the warehouse. */
export const SHOP_AVAILABLE_CAP = 99;

/** A product with its stock levels, as the services read it (mapped to a ProductView). */
export interface ProductRow {
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

/** A product as the public shop reads it (already in its view's shape). */
export interface ShopProductRow {
  sku: string;
  name: string;
  category: string;
  priceCents: number;
  available: number;
  requiresInstallation: boolean;
}

export interface StockMovementRow {
  id: string;
  kind: 'initial' | 'adjustment' | 'consumed' | 'restocked';
  onHandDelta: number;
  reason: string;
  orderId: string | null;
  actorId: string | null;
  at: Date;
}

/** A new product as the service decided it (category lower-cased, defaults filled in). */
export interface ProductInsert {
  sku: string;
  name: string;
  category: string;
  priceCents: number;
  requiresInstallation: boolean;
  installFeeCents: number;
  maxPerOrder: number | null;
  costCents: number | null;
}

/** A change of a product: null keeps a column; `maxPerOrder` is set (even to null) when `setMaxPerOrder`. */
export interface ProductChanges {
  name: string | null;
  category: string | null;
  priceCents: number | null;
  requiresInstallation: boolean | null;
  installFeeCents: number | null;
  active: boolean | null;
  setMaxPerOrder: boolean;
  maxPerOrder: number | null;
  costCents: number | null;
}

const SELECT_PRODUCT =
  sql.raw(`SELECT p.id, p.sku, p.name, p.category, p.price_cents, p.requires_installation,
  p.install_fee_cents, p.active, p.max_per_order, p.cost_cents, s.on_hand, s.reserved, s.low_stock_threshold,
  p.created_at, p.updated_at
  FROM products p JOIN stock s ON s.product_id = p.id`);

const SELECT_SHOP_PRODUCT = sql.raw(`SELECT p.sku, p.name, p.category, p.price_cents AS "priceCents",
  p.requires_installation AS "requiresInstallation",
  LEAST(GREATEST(s.on_hand - s.reserved, 0), ${SHOP_AVAILABLE_CAP})::int AS available
  FROM products p JOIN stock s ON s.product_id = p.id WHERE p.active`);

/** The statements of the catalogue: `products`, their `stock` row and the stock ledger's reads. */
@Injectable()
export class ProductRepository {
  constructor(private readonly db: Db) {}

  async insert(ctx: RequestContext, p: ProductInsert): Promise<string> {
    const rows = await this.db.query<{ id: string }>(
      ctx,
      sql`INSERT INTO products (sku, name, category, price_cents, requires_installation, install_fee_cents,
             max_per_order, cost_cents)
           VALUES (${p.sku}, ${p.name}, ${p.category}, ${p.priceCents}, ${p.requiresInstallation}, ${p.installFeeCents}, ${p.maxPerOrder}, ${p.costCents}) RETURNING id`,
    );
    return rows[0].id;
  }

  /** The product's stock row (its low-stock alert open when it starts below the threshold). */
  async insertStock(
    ctx: RequestContext,
    productId: string,
    onHand: number,
    threshold: number,
  ): Promise<void> {
    const { text, values } = named(
      `INSERT INTO stock (product_id, on_hand, low_stock_threshold, low_alert_open) VALUES (:productId, :onHand::int, :threshold::int, :onHand::int < :threshold::int)`,
      { productId, onHand, threshold },
    );
    await this.db.query(ctx, text, values);
  }

  async insertInitialMovement(
    ctx: RequestContext,
    productId: string,
    onHand: number,
    actorId: string | null,
  ): Promise<void> {
    await this.db.query(
      ctx,
      sql`INSERT INTO stock_movements (product_id, on_hand_delta, kind, reason, actor_id)
             VALUES (${productId}, ${onHand}, 'initial', 'initial stock', ${actorId})`,
    );
  }

  async lock(ctx: RequestContext, id: string): Promise<void> {
    await this.db.query(ctx, sql`SELECT 1 FROM products WHERE id = ${id} FOR UPDATE`);
  }

  async update(ctx: RequestContext, id: string, c: ProductChanges): Promise<void> {
    const { text, values } = named(
      `UPDATE products SET name = COALESCE(:name, name), category = COALESCE(:category, category),
           price_cents = COALESCE(:priceCents, price_cents), requires_installation = COALESCE(:requiresInstallation, requires_installation),
           install_fee_cents = COALESCE(:installFeeCents, install_fee_cents), active = COALESCE(:active, active),
           max_per_order = CASE WHEN :setMaxPerOrder::boolean THEN :maxPerOrder::int ELSE max_per_order END,
           cost_cents = COALESCE(:costCents, cost_cents), updated_at = now()
         WHERE id = :id`,
      { id, ...c },
    );
    await this.db.query(ctx, text, values);
  }

  async setLowStockThreshold(ctx: RequestContext, productId: string, threshold: number): Promise<void> {
    const { text, values } = named(
      `UPDATE stock SET low_stock_threshold = :threshold, low_alert_open = (on_hand - reserved) < :threshold, updated_at = now()
            WHERE product_id = :productId`,
      { productId, threshold },
    );
    await this.db.query(ctx, text, values);
  }

  /** The product of an (upper-cased) SKU; `activeOnly` hides retired ones. */
  async bySku(ctx: RequestContext, sku: string, activeOnly: boolean): Promise<ProductRow | undefined> {
    const rows = await this.db.query<ProductRow>(
      ctx,
      sql`${SELECT_PRODUCT} WHERE p.sku = ${sku}${activeOnly ? sql.raw(' AND p.active') : sql.empty}`,
    );
    return rows[0];
  }

  /** Products by SKU matching every filter, `take` at most. */
  async list(ctx: RequestContext, where: Sql[], take: number): Promise<ProductRow[]> {
    return this.db.query<ProductRow>(
      ctx,
      sql`${SELECT_PRODUCT} WHERE ${sql.and(where)} ORDER BY p.sku LIMIT ${take}`,
    );
  }

  /** Active products of the shop by SKU matching every filter, `take` at most. */
  async listForShop(ctx: RequestContext, where: Sql[], take: number): Promise<ShopProductRow[]> {
    return this.db.query<ShopProductRow>(
      ctx,
      sql`${SELECT_SHOP_PRODUCT} AND ${sql.and(where)} ORDER BY p.sku LIMIT ${take}`,
    );
  }

  async shopProduct(ctx: RequestContext, sku: string): Promise<ShopProductRow | undefined> {
    const rows = await this.db.query<ShopProductRow>(ctx, sql`${SELECT_SHOP_PRODUCT} AND p.sku = ${sku}`);
    return rows[0];
  }

  async shopCategories(ctx: RequestContext): Promise<{ category: string; products: number }[]> {
    return this.db.query<{ category: string; products: number }>(
      ctx,
      sql`SELECT category, count(*)::int AS products FROM products WHERE active GROUP BY category ORDER BY category`,
    );
  }

  /** The product's id and stock levels, its stock row locked. */
  async lockStock(
    ctx: RequestContext,
    sku: string,
  ): Promise<{ id: string; on_hand: number; reserved: number } | undefined> {
    const rows = await this.db.query<{ id: string; on_hand: number; reserved: number }>(
      ctx,
      sql`SELECT p.id, s.on_hand, s.reserved FROM products p JOIN stock s ON s.product_id = p.id
          WHERE p.sku = ${sku} FOR UPDATE OF s`,
    );
    return rows[0];
  }

  /** The product's stock ledger, newest first, without no-op rows; `before` a ledger id (keyset). */
  async movements(
    ctx: RequestContext,
    productId: string,
    before: string | null,
    take: number,
  ): Promise<StockMovementRow[]> {
    const cursor = before === null ? sql.empty : sql` AND m.id < ${before}::bigint`;
    return this.db.query<StockMovementRow>(
      ctx,
      sql`SELECT m.id::text AS id, m.kind, m.on_hand_delta AS "onHandDelta", m.reason, m.order_id AS "orderId",
              m.actor_id AS "actorId", m.created_at AS "at"
         FROM stock_movements m
        WHERE m.product_id = ${productId} AND m.on_hand_delta <> 0${cursor}
        ORDER BY m.id DESC LIMIT ${sql.raw(String(take))}`,
    );
  }
}
