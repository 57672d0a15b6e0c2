import { Injectable } from '@nestjs/common';
import { DomainError, OutOfStockError, RequestContext } from '@campus/core';
import { Db, pgErrorCode, SqlParams } from '@campus/database';
import { OutboxService } from '@campus/queue';
import { UnknownSkuError } from './catalog.errors';

export interface StockRequest {
  sku: string;
  quantity: number;
  /** Where the SKU appears in the request, for error messages (e.g. "lines[1].sku"). */
  field: string;
  /**
   * Units reserved on top of `quantity` only while the stock lasts (a free gift): never a shortfall,
   * and `stock_reserved.extra` tells whether they were taken.
   */
  optional?: number;
}

/** A product as it was priced when its stock was reserved. */
export interface ReservedProduct {
  productId: string;
  sku: string;
  name: string;
  priceCents: number;
  requiresInstallation: boolean;
  installFeeCents: number;
  quantity: number;
}

export interface StockDelta {
  productId: string;
  onHand: number;
  reserved: number;
}

/** Why on-hand stock moved: written to the `stock_movements` ledger by the statement that moves it. */
export interface StockMovementCause {
  kind: 'adjustment' | 'consumed' | 'restocked';
  reason: string;
  orderId?: string | null;
}

/**
 * Stock moves. Every statement locks the stock rows it touches in product-id order (no deadlocks
 * between orders of the same SKUs) and rechecks availability on the locked row, so concurrent
 * orders can never reserve more than is on hand; the table's CHECKs are the last line of defence.
 * Crossing below the low-stock threshold writes one `stock.low` outbox row per crossing, in the same
 * statement as the move.
 */
@Injectable()
export class StockService {
  constructor(
    private readonly db: Db,
    private readonly outbox: OutboxService,
  ) {}

  /**
   * Current prices of active products for these SKUs (no locks: prices are read, not reserved).
   * Unknown or inactive SKUs → 400 naming the line.
   */
  async price(ctx: RequestContext, requests: readonly StockRequest[]): Promise<ReservedProduct[]> {
    const rows = await this.db.query<ReservedProductRow>(
      ctx,
      `SELECT p.id AS product_id, p.sku, p.name, p.price_cents, p.requires_installation, p.install_fee_cents
         FROM products p WHERE p.sku = ANY($1::text[]) AND p.active`,
      [requests.map((r) => r.sku)],
      { prepare: 'stock_price_v1' },
    );
    const bySku = new Map(rows.map((r) => [r.sku, r]));
    const unknown = requests.filter((r) => !bySku.has(r.sku));
    if (unknown.length) throw new UnknownSkuError(unknown);
    return requests.map((r) => {
      const p = bySku.get(r.sku)!;
      return {
        productId: p.product_id,
        sku: p.sku,
        name: p.name,
        priceCents: p.price_cents,
        requiresInstallation: p.requires_installation,
        installFeeCents: p.install_fee_cents,
        quantity: r.quantity,
      };
    });
  }

  /**
   * Reserves `quantity` of each SKU (SKUs must be distinct: add up duplicate lines first), as CTEs
   * (`stock_req`, `stock_locked`, `stock_reserved`, `stock_low`) the caller puts in its own statement,
   * so that an order and its reservation are one statement (one round trip, and the hot stock rows
   * are locked only until that statement commits). The stock rows are locked in product-id order and
   * availability is rechecked on the locked rows; a crossing below the low-stock threshold writes its
   * `stock.low` outbox row in the same statement. `guard` is a select-list expression that raises
   * SQLSTATE UO409 (see `shortfallError`) when any SKU fell short, rolling the whole statement back.
   * Parameters are numbered from `firstParam` (`reserveFragment`: bound into a `SqlParams`); `when` guards the whole reservation (e.g.
   * "EXISTS (SELECT 1 FROM claim)"). A request's `optional` units are reserved as well when the
   * locked row has them to spare after `quantity` (`stock_reserved.extra` = the units taken, else 0).
   */
  reserveSql(
    requests: readonly StockRequest[],
    firstParam: number,
    when?: string,
  ): { ctes: string; guard: string; params: unknown[] } {
    const params = new SqlParams(new Array<unknown>(firstParam - 1).fill(null));
    const { ctes, guard } = this.reserveFragment(params, requests, when);
    return { ctes, guard, params: params.values.slice(firstParam - 1) };
  }

  /**
   * `reserveSql` for a statement assembled with a `SqlParams` binder: the requests are bound into
   * `params` (3 array parameters, so the text is the same whatever the number of SKUs).
   */
  reserveFragment(
    params: SqlParams,
    requests: readonly StockRequest[],
    when?: string,
  ): { ctes: string; guard: string } {
    const skus = params.add(requests.map((r) => r.sku));
    const qtys = params.add(requests.map((r) => r.quantity));
    const opts = params.add(requests.map((r) => r.optional ?? 0));
    return {
      ctes: `stock_req AS (
         SELECT * FROM unnest(${skus}::text[], ${qtys}::int[], ${opts}::int[]) AS r(sku, qty, opt) ${when ? `WHERE ${when}` : ''}
       ), stock_locked AS (
         SELECT s.product_id, p.sku, p.name, r.qty, s.low_alert_open AS was_open,
                CASE WHEN s.on_hand - s.reserved >= r.qty + r.opt THEN r.opt ELSE 0 END AS extra
           FROM stock_req r JOIN products p ON p.sku = r.sku AND p.active
           JOIN stock s ON s.product_id = p.id
          ORDER BY s.product_id
            FOR UPDATE OF s
       ), stock_reserved AS (
         UPDATE stock s
            SET reserved = s.reserved + l.qty + l.extra,
                low_alert_open = (s.on_hand - s.reserved - l.qty - l.extra) < s.low_stock_threshold,
                updated_at = now()
           FROM stock_locked l
          WHERE s.product_id = l.product_id AND s.on_hand - s.reserved >= l.qty
         RETURNING s.product_id, l.sku, l.name, s.on_hand - s.reserved AS available,
                   s.low_stock_threshold AS threshold, l.was_open, s.low_alert_open AS now_open, l.extra
       ), stock_low AS (
         ${this.lowStockSql('stock_reserved')}
       )`,
      guard: `CASE WHEN (SELECT count(*) FROM stock_reserved) < (SELECT count(*) FROM stock_req)
                   THEN stock_shortfall(${skus}::text[], ${qtys}::int[]) END`,
    };
  }

  /**
   * The domain error for a statement that failed in `reserveSql`'s guard: 400 naming the lines of
   * unknown (or withdrawn) SKUs, else 409 for the first SKU short of stock, with what is available
   * now. Null for any other error.
   */
  shortfallError(err: unknown, requests: readonly StockRequest[]): DomainError | null {
    if (pgErrorCode(err) !== 'UO409') return null;
    const detail = (err as { detail?: string }).detail ?? '[]';
    const rows = JSON.parse(detail) as { sku: string; requested: number; available: number | null }[];
    const bySku = new Map(rows.map((r) => [r.sku, r]));
    const unknown = requests.filter((r) => bySku.get(r.sku)?.available == null);
    if (unknown.length) return new UnknownSkuError(unknown);
    const short = requests.find((r) => bySku.get(r.sku)!.available! < r.quantity) ?? requests[0];
    return new OutOfStockError(short.sku, Math.max(0, bySku.get(short.sku)!.available!), short.quantity);
  }

  /**
   * Applies signed deltas to on hand and reserved (release: reserved −q; leave for good on delivery:
   * both −q; return of delivered goods: on hand +q). Throws if a row would break its invariants.
   * Every row whose on hand changes gets its `stock_movements` ledger row (kind, reason, order, actor)
   * in the same statement; a reservation or its release moves nothing on the shelf and writes none.
   */
  async move(ctx: RequestContext, deltas: readonly StockDelta[], cause: StockMovementCause): Promise<void> {
    if (deltas.length === 0) return;
    try {
      await this.db.query(
        ctx,
        `WITH req AS (
           SELECT product_id, sum(dh)::int AS dh, sum(dr)::int AS dr
             FROM unnest($1::uuid[], $2::int[], $3::int[]) AS r(product_id, dh, dr) GROUP BY product_id
         ), locked AS (
           SELECT s.product_id, s.low_alert_open AS was_open, r.dh, r.dr
             FROM stock s JOIN req r ON r.product_id = s.product_id
            ORDER BY s.product_id
              FOR UPDATE OF s
         ), moved AS (
           UPDATE stock s
              SET on_hand = s.on_hand + l.dh, reserved = s.reserved + l.dr,
                  low_alert_open = (s.on_hand + l.dh - s.reserved - l.dr) < s.low_stock_threshold,
                  updated_at = now()
             FROM locked l
            WHERE s.product_id = l.product_id
           RETURNING s.product_id, (SELECT sku FROM products WHERE id = s.product_id) AS sku,
                     (SELECT name FROM products WHERE id = s.product_id) AS name,
                     s.on_hand - s.reserved AS available, s.low_stock_threshold AS threshold,
                     l.was_open, s.low_alert_open AS now_open, l.dh, l.dr
         ), stock_low AS (
           ${this.lowStockSql('moved')}
         ), ledger AS (
           INSERT INTO stock_movements (product_id, on_hand_delta, reserved_delta, kind, reason, order_id, actor_id)
           SELECT product_id, dh, dr, $4, $5, $6, $7 FROM moved WHERE dh <> 0
         )
         SELECT count(*) AS moved FROM moved`,
        [
          deltas.map((d) => d.productId),
          deltas.map((d) => d.onHand),
          deltas.map((d) => d.reserved),
          cause.kind,
          cause.reason,
          cause.orderId ?? null,
          ctx.principal.kind === 'user' || ctx.principal.kind === 'customer' ? ctx.actorId : null,
        ],
      );
    } catch (err) {
      if (pgErrorCode(err) === '23514') {
        throw new Error(`stock invariant would break applying ${JSON.stringify(deltas)}`, { cause: err });
      }
      throw err;
    }
  }

  /**
   * The one place a low-stock crossing becomes an event: a `stock.low` outbox row for each row of
   * `changed` (a CTE of stock rows with product_id, sku, name, available, threshold, was_open,
   * now_open) that crossed below its threshold in this statement.
   */
  private lowStockSql(changed: string): string {
    return this.outbox.insertSelectSql(
      'stock.low',
      `SELECT product_id, jsonb_build_object('productId', product_id, 'sku', sku, 'name', name,
                'available', available, 'threshold', threshold)
         FROM ${changed} WHERE now_open AND NOT was_open`,
    );
  }
}

interface ReservedProductRow {
  product_id: string;
  sku: string;
  name: string;
  price_cents: number;
  requires_installation: boolean;
  install_fee_cents: number;
}
