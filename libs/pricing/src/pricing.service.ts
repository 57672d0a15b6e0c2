import { Injectable } from '@nestjs/common';
import { Channel, DomainError, RequestContext } from '@campus/core';
import { UnknownSkuError } from '@campus/catalog';
import { Db, pgErrorCode, SqlParams } from '@campus/database';
import {
  CouponOffer,
  FlashOffer,
  GiftProduct,
  PricedOrder,
  priceOrder,
  PromotionRule,
} from './pricing-policy';
import {
  CouponInvalidError,
  CouponUsedError,
  FlashSaleLimitError,
  FlashSaleSoldOutError,
} from './pricing.errors';

export interface QuoteLine {
  sku: string;
  quantity: number;
  /** Where the line is in the request, for errors (e.g. "lines[1].sku"). */
  field: string;
}

export interface QuoteRequest {
  lines: readonly QuoteLine[];
  customerId: string;
  channel: Channel;
  regionId: string;
  campusId: string;
  couponCode?: string | null;
  allowListPrice?: boolean;
}

/** A product as it was priced, per SKU of the request. */
export interface QuotedProduct {
  productId: string;
  sku: string;
  name: string;
  category: string;
  listPriceCents: number;
  requiresInstallation: boolean;
  installFeeCents: number;
  /** At most this many units per order (null: no cap). */
  maxPerOrder: number | null;
}

export interface Quote {
  products: Map<string, QuotedProduct>;
  priced: PricedOrder;
  /** The agent a coupon attributes the order to (agent codes), if any. */
  couponAgentId: string | null;
}

/** Why the order statement refused (`pricing_refused`), for the caller to answer or re-price. */
export class PricingRefusal extends Error {
  constructor(
    readonly reason: 'flash_sale_sold_out' | 'flash_sale_limit' | 'promotion_exhausted' | 'coupon_used',
    readonly ids: string[],
  ) {
    super(`pricing refused: ${reason}`);
  }
}

export interface ClaimSqlOptions {
  /** SQL guard: the statement's idempotency claim succeeded (e.g. "EXISTS (SELECT 1 FROM claim)"). */
  when: string;
  /** SQL expressions of the order id and the customer id in the caller's statement. */
  orderId: string;
  customerId: string;
  /** SQL boolean: the gift unit was reserved (only then does the gift promotion count). */
  giftGiven: string;
  /** SQL boolean: all stock was reserved (orders the locks: stock first, then pricing rows). */
  stockDone: string;
}

interface QuoteRow {
  products: {
    product_id: string;
    sku: string;
    name: string;
    category: string;
    price_cents: number;
    requires_installation: boolean;
    install_fee_cents: number;
    max_per_order: number | null;
  }[];
  promotions: PromotionRule[];
  flash_sales: FlashOffer[];
  coupon: {
    id: string;
    code: string;
    agentId: string | null;
    valid: boolean;
    usesLeft: number | null;
    customerUsesLeft: number;
    promotionUsesLeft: number | null;
    promotion: PromotionRule;
  } | null;
}

const PROMOTION_JSON = (pr: string, g: string) => `jsonb_build_object(
  'id', ${pr}.id, 'name', ${pr}.name, 'kind', ${pr}.kind, 'percentBps', ${pr}.percent_bps,
  'amountCents', ${pr}.amount_cents, 'thresholdCents', ${pr}.threshold_cents, 'skus', to_jsonb(${pr}.skus),
  'categories', to_jsonb(${pr}.categories),
  'gift', CASE WHEN ${g}.id IS NOT NULL THEN jsonb_build_object('productId', ${g}.id, 'sku', ${g}.sku, 'name', ${g}.name,
    'listPriceCents', ${g}.price_cents, 'requiresInstallation', ${g}.requires_installation,
    'installFeeCents', ${g}.install_fee_cents) END)`;

/** Running for this order: active, in its window, for its region, campus and channel. */
const RUNS_FOR = (t: string) => `${t}.active AND ${t}.starts_at <= now() AND ${t}.ends_at > now()
  AND (${t}.region_id IS NULL OR ${t}.region_id = $2::uuid)
  AND (cardinality(${t}.campus_ids) = 0 OR $3::uuid = ANY(${t}.campus_ids))`;

/**
 * Prices orders and claims what a price used, inside the order's own statement. `quote` is the one
 * read before an order (products, running promotions and flash sales, the customer's purchases and
 * the coupon, in one statement); `claimSql` gives the order statement the CTEs that take the sale
 * units, the per-customer purchases, the promotion and coupon uses and the redemption rows, and a
 * guard that raises `pricing_refused` (SQLSTATE UP409) when any of them is gone, so nothing of the
 * order remains. `release` gives them back (cancel, return) in the caller's transaction.
 */
@Injectable()
export class PricingService {
  constructor(private readonly db: Db) {}

  async quote(ctx: RequestContext, req: QuoteRequest): Promise<Quote> {
    const skus = [...new Set(req.lines.map((l) => l.sku))];
    const code = req.couponCode?.trim().toUpperCase() || null;
    const [row] = await this.db.query<QuoteRow>(
      ctx,
      `WITH p AS (
         SELECT p.id AS product_id, p.sku, p.name, p.category, p.price_cents, p.requires_installation, p.install_fee_cents,
                p.max_per_order
           FROM products p WHERE p.sku = ANY($1::text[]) AND p.active
       )
       SELECT
         (SELECT COALESCE(jsonb_agg(to_jsonb(p)), '[]'::jsonb) FROM p) AS products,
         (SELECT COALESCE(jsonb_agg(${PROMOTION_JSON('pr', 'g')} ORDER BY pr.id), '[]'::jsonb)
            FROM promotions pr LEFT JOIN products g ON g.id = pr.gift_product_id AND g.active
           WHERE ${RUNS_FOR('pr')} AND NOT pr.requires_coupon
             AND (cardinality(pr.channels) = 0 OR $4::text = ANY(pr.channels))
             AND (pr.max_uses IS NULL OR pr.uses < pr.max_uses)
             AND (pr.kind <> 'gift' OR g.id IS NOT NULL)) AS promotions,
         (SELECT COALESCE(jsonb_agg(jsonb_build_object('id', f.id, 'sku', f.sku, 'priceCents', f.price_cents,
                   'remaining', f.quantity - f.sold, 'perCustomerLimit', f.per_customer_limit,
                   'boughtByCustomer', COALESCE(fp.quantity, 0))), '[]'::jsonb)
            FROM (SELECT DISTINCT ON (f.product_id) f.* FROM flash_sales f JOIN p ON p.product_id = f.product_id
                   WHERE ${RUNS_FOR('f')}
                   ORDER BY f.product_id, f.price_cents, f.ends_at, f.id) f
            LEFT JOIN flash_sale_purchases fp ON fp.flash_sale_id = f.id AND fp.customer_id = $5::uuid) AS flash_sales,
         (SELECT jsonb_build_object('id', c.id, 'code', c.code, 'agentId', c.agent_id,
                   'valid', c.active AND ${RUNS_FOR('pr')} AND (cardinality(pr.channels) = 0 OR $4::text = ANY(pr.channels)),
                   'usesLeft', c.max_uses - c.uses,
                   'customerUsesLeft', c.per_customer - COALESCE(cu.uses, 0),
                   'promotionUsesLeft', pr.max_uses - pr.uses,
                   'promotion', ${PROMOTION_JSON('pr', 'g')})
            FROM coupons c JOIN promotions pr ON pr.id = c.promotion_id
            LEFT JOIN products g ON g.id = pr.gift_product_id
            LEFT JOIN coupon_customer_uses cu ON cu.coupon_id = c.id AND cu.customer_id = $5::uuid
           WHERE c.code = $6::text) AS coupon`,
      [skus, req.regionId, req.campusId, req.channel, req.customerId, code],
      { prepare: 'pricing_quote_v2' },
    );
    const products = new Map<string, QuotedProduct>(
      row.products.map((p) => [
        p.sku,
        {
          productId: p.product_id,
          sku: p.sku,
          name: p.name,
          category: p.category,
          listPriceCents: p.price_cents,
          requiresInstallation: p.requires_installation,
          installFeeCents: p.install_fee_cents,
          maxPerOrder: p.max_per_order,
        },
      ]),
    );
    const unknown = req.lines.filter((l) => !products.has(l.sku));
    if (unknown.length) throw new UnknownSkuError(unknown);
    let coupon: CouponOffer | null = null;
    if (code) {
      if (!row.coupon || !row.coupon.valid) throw new CouponInvalidError(code);
      const { valid: _v, ...c } = row.coupon;
      coupon = c;
    }
    const priced = priceOrder({
      lines: req.lines.map((l) => {
        const p = products.get(l.sku)!;
        return { sku: l.sku, category: p.category, quantity: l.quantity, listPriceCents: p.listPriceCents };
      }),
      promotions: row.promotions,
      flashSales: row.flash_sales,
      coupon,
      allowListPrice: req.allowListPrice === true,
    });
    return { products, priced, couponAgentId: priced.coupon?.agentId ?? null };
  }

  /**
   * The CTEs and the guard that claim, in the order statement, what `priced` used. Locks are taken
   * after the stock rows (`stockDone`), then flash sales, promotions, coupons, each in one CTE that
   * waits for the one before, so order statements and releases lock in the same order. Parameters
   * are numbered from `firstParam` (`claimFragment`: bound into a `SqlParams`).
   */
  claimSql(
    priced: PricedOrder,
    firstParam: number,
    o: ClaimSqlOptions,
  ): { ctes: string; guard: string; params: unknown[] } {
    const params = new SqlParams(new Array<unknown>(firstParam - 1).fill(null));
    const { ctes, guard } = this.claimFragment(params, priced, o);
    return { ctes, guard, params: params.values.slice(firstParam - 1) };
  }

  /**
   * `claimSql` for a statement assembled with a `SqlParams` binder: what `priced` used is bound into
   * `params` (10 parameters, arrays for the sale and promotion rows, so the text is the same for
   * every order).
   */
  claimFragment(params: SqlParams, priced: PricedOrder, o: ClaimSqlOptions): { ctes: string; guard: string } {
    const p = priced;
    const fsIds = params.add(p.flashSales.map((f) => f.flashSaleId));
    const fsQty = params.add(p.flashSales.map((f) => f.quantity));
    const fsDisc = params.add(p.flashSales.map((f) => f.discountCents));
    const prIds = params.add(p.promotions.map((x) => x.promotionId));
    const prDisc = params.add(p.promotions.map((x) => x.discountCents));
    const giftPromo = params.add(p.gift?.promotionId ?? null);
    const giftDisc = params.add(p.gift?.product.listPriceCents ?? 0);
    const couponId = params.add(p.coupon?.couponId ?? null);
    const couponPromo = params.add(p.coupon?.promotionId ?? null);
    const couponDisc = params.add(p.coupon?.discountCents ?? 0);
    const ctes = `pr_go AS (
         SELECT 1 WHERE ${o.when} AND ${o.stockDone}
       ), pr_fs_req AS (
         SELECT * FROM unnest(${fsIds}::uuid[], ${fsQty}::int[], ${fsDisc}::bigint[]) AS r(id, qty, disc)
          WHERE EXISTS (SELECT 1 FROM pr_go)
       ), pr_fs_sold AS (
         UPDATE flash_sales f SET sold = f.sold + r.qty, updated_at = now()
           FROM pr_fs_req r
          WHERE f.id = r.id AND f.active AND f.starts_at <= now() AND f.ends_at > now() AND f.sold + r.qty <= f.quantity
         RETURNING f.id, f.per_customer_limit
       ), pr_fs_bought AS (
         INSERT INTO flash_sale_purchases AS fp (flash_sale_id, customer_id, quantity)
         SELECT r.id, ${o.customerId}, r.qty FROM pr_fs_req r JOIN pr_fs_sold s ON s.id = r.id
          WHERE r.qty <= s.per_customer_limit
         ON CONFLICT (flash_sale_id, customer_id) DO UPDATE SET quantity = fp.quantity + EXCLUDED.quantity
          WHERE fp.quantity + EXCLUDED.quantity
                <= (SELECT per_customer_limit FROM flash_sales WHERE id = EXCLUDED.flash_sale_id)
         RETURNING flash_sale_id
       ), pr_promo_req AS (
         SELECT * FROM unnest(${prIds}::uuid[], ${prDisc}::bigint[]) AS r(id, disc)
          WHERE EXISTS (SELECT 1 FROM pr_go)
         UNION ALL
         SELECT ${giftPromo}::uuid, ${giftDisc}::bigint
          WHERE ${giftPromo}::uuid IS NOT NULL AND EXISTS (SELECT 1 FROM pr_go) AND ${o.giftGiven}
       ), pr_promo AS (
         UPDATE promotions pr SET uses = pr.uses + 1
           FROM pr_promo_req r
          WHERE pr.id = r.id AND pr.active AND (pr.max_uses IS NULL OR pr.uses < pr.max_uses)
            AND (SELECT count(*) FROM pr_fs_bought) >= 0
         RETURNING pr.id
       ), pr_coupon AS (
         UPDATE coupons c SET uses = c.uses + 1
          WHERE c.id = ${couponId}::uuid AND EXISTS (SELECT 1 FROM pr_go) AND c.active
            AND (c.max_uses IS NULL OR c.uses < c.max_uses) AND (SELECT count(*) FROM pr_promo) >= 0
         RETURNING c.id, c.per_customer
       ), pr_coupon_customer AS (
         INSERT INTO coupon_customer_uses AS cu (coupon_id, customer_id, uses)
         SELECT id, ${o.customerId}, 1 FROM pr_coupon WHERE per_customer >= 1
         ON CONFLICT (coupon_id, customer_id) DO UPDATE SET uses = cu.uses + 1
          WHERE cu.uses < (SELECT per_customer FROM coupons WHERE id = EXCLUDED.coupon_id)
         RETURNING coupon_id
       ), pr_coupon_promo AS (
         UPDATE promotions pr SET uses = pr.uses + 1
          WHERE pr.id = ${couponPromo}::uuid AND EXISTS (SELECT 1 FROM pr_coupon_customer)
            AND (pr.max_uses IS NULL OR pr.uses < pr.max_uses)
         RETURNING pr.id
       ), pr_redeemed AS (
         INSERT INTO pricing_redemptions (order_id, kind, promotion_id, coupon_id, flash_sale_id, customer_id, quantity,
           discount_cents)
         SELECT ${o.orderId}, 'flash_sale', NULL::uuid, NULL::uuid, r.id, ${o.customerId}, r.qty, r.disc
           FROM pr_fs_req r WHERE r.id IN (SELECT flash_sale_id FROM pr_fs_bought)
         UNION ALL
         SELECT ${o.orderId}, 'promotion', r.id, NULL, NULL, ${o.customerId}, 1, r.disc
           FROM pr_promo_req r WHERE r.id IN (SELECT id FROM pr_promo)
         UNION ALL
         SELECT ${o.orderId}, 'coupon', id, ${couponId}::uuid, NULL, ${o.customerId}, 1, ${couponDisc}::bigint
           FROM pr_coupon_promo
       )`;
    const missing = (req: string, got: string, col: string) =>
      `(SELECT COALESCE(jsonb_agg(id), '[]'::jsonb) FROM ${req} WHERE id NOT IN (SELECT ${col} FROM ${got}))`;
    const guard = `CASE
        WHEN (SELECT count(*) FROM pr_fs_req) > (SELECT count(*) FROM pr_fs_sold)
          THEN pricing_refused('flash_sale_sold_out', ${missing('pr_fs_req', 'pr_fs_sold', 'id')})
        WHEN (SELECT count(*) FROM pr_fs_req) > (SELECT count(*) FROM pr_fs_bought)
          THEN pricing_refused('flash_sale_limit', ${missing('pr_fs_req', 'pr_fs_bought', 'flash_sale_id')})
        WHEN (SELECT count(*) FROM pr_promo_req) > (SELECT count(*) FROM pr_promo)
          THEN pricing_refused('promotion_exhausted', ${missing('pr_promo_req', 'pr_promo', 'id')})
        WHEN ${couponId}::uuid IS NOT NULL AND EXISTS (SELECT 1 FROM pr_go) AND NOT EXISTS (SELECT 1 FROM pr_coupon_promo)
          THEN pricing_refused('coupon_used', jsonb_build_array(${couponId}::uuid))
      END`;
    return { ctes, guard };
  }

  /** The refusal raised by `claimSql`'s guard, or null for any other error. */
  refusal(err: unknown): PricingRefusal | null {
    if (pgErrorCode(err) !== 'UP409') return null;
    const detail = JSON.parse((err as { detail?: string }).detail ?? '{}') as {
      reason: PricingRefusal['reason'];
      detail: string[] | null;
    };
    return new PricingRefusal(detail.reason, detail.detail ?? []);
  }

  /** The contract's answer to a refusal that is not re-priced. */
  refusalError(r: PricingRefusal, quote: Quote): DomainError {
    const fs = quote.priced.flashSales.find((f) => r.ids.includes(f.flashSaleId));
    if (r.reason === 'flash_sale_sold_out') return new FlashSaleSoldOutError(fs?.sku ?? '?', 0);
    if (r.reason === 'flash_sale_limit') return new FlashSaleLimitError(fs?.sku ?? '?', 0, 0);
    return new CouponUsedError(quote.priced.coupon?.code ?? '?');
  }

  /**
   * Gives back what an order's price used, in the caller's transaction (after its stock moved, so
   * locks follow the order statement's order). Without `lines`: everything (cancel, full return) —
   * flash-sale units and the customer's purchases, promotion uses, the coupon use and the customer's
   * use of it. With `lines` (a partial return): only the flash-sale units of those SKUs, up to what
   * the order bought at the sale price; the coupon and promotions stay used. Idempotent: what was
   * given back is marked on the redemption rows and never given twice.
   */
  async release(
    ctx: RequestContext,
    orderId: string,
    lines?: readonly { sku: string; quantity: number }[],
  ): Promise<{ flashUnits: number; coupons: number; promotions: number }> {
    const partial = lines !== undefined;
    const [row] = await this.db.query<{ flash_units: number; coupons: number; promotions: number }>(
      ctx,
      `WITH back AS (
         SELECT r.id, r.kind, r.promotion_id, r.coupon_id, r.flash_sale_id, r.customer_id,
                CASE WHEN r.kind <> 'flash_sale' THEN 0
                     WHEN $2::boolean THEN LEAST(r.quantity - r.released_quantity, COALESCE(x.qty, 0))
                     ELSE r.quantity - r.released_quantity END AS units
           FROM pricing_redemptions r
           LEFT JOIN flash_sales f ON f.id = r.flash_sale_id
           LEFT JOIN (SELECT sku, sum(quantity)::int AS qty FROM unnest($3::text[], $4::int[]) AS l(sku, quantity)
                       GROUP BY sku) x ON x.sku = f.sku
          WHERE r.order_id = $1 AND r.released_at IS NULL AND (NOT $2::boolean OR r.kind = 'flash_sale')
          ORDER BY r.id
            FOR UPDATE OF r
       ), fs AS (
         UPDATE flash_sales f SET sold = f.sold - b.units, updated_at = now()
           FROM (SELECT flash_sale_id, sum(units)::int AS units FROM back WHERE units > 0 GROUP BY 1) b
          WHERE f.id = b.flash_sale_id
         RETURNING f.id
       ), fsp AS (
         UPDATE flash_sale_purchases p SET quantity = p.quantity - b.units
           FROM (SELECT flash_sale_id, customer_id, sum(units)::int AS units FROM back WHERE units > 0 GROUP BY 1, 2) b
          WHERE p.flash_sale_id = b.flash_sale_id AND p.customer_id = b.customer_id
            AND (SELECT count(*) FROM fs) >= 0
         RETURNING p.flash_sale_id
       ), pro AS (
         UPDATE promotions p SET uses = p.uses - 1
           FROM back b WHERE b.kind = 'promotion' AND p.id = b.promotion_id AND (SELECT count(*) FROM fsp) >= 0
         RETURNING p.id
       ), cou AS (
         UPDATE coupons c SET uses = c.uses - 1
           FROM back b WHERE b.kind = 'coupon' AND c.id = b.coupon_id AND (SELECT count(*) FROM pro) >= 0
         RETURNING c.id
       ), cu AS (
         UPDATE coupon_customer_uses u SET uses = u.uses - 1
           FROM back b WHERE b.kind = 'coupon' AND u.coupon_id = b.coupon_id AND u.customer_id = b.customer_id
            AND (SELECT count(*) FROM cou) >= 0
         RETURNING u.coupon_id
       ), cpro AS (
         UPDATE promotions p SET uses = p.uses - 1
           FROM back b WHERE b.kind = 'coupon' AND p.id = b.promotion_id AND (SELECT count(*) FROM cu) >= 0
         RETURNING p.id
       ), marked AS (
         UPDATE pricing_redemptions r
            SET released_quantity = CASE WHEN r.kind = 'flash_sale' THEN r.released_quantity + b.units ELSE r.quantity END,
                released_at = CASE WHEN NOT $2::boolean OR r.released_quantity + b.units = r.quantity THEN now() END
           FROM back b WHERE r.id = b.id AND (b.units > 0 OR NOT $2::boolean)
         RETURNING r.id
       )
       SELECT COALESCE((SELECT sum(units) FROM back), 0)::int AS flash_units,
              (SELECT count(*) FROM cou)::int AS coupons,
              ((SELECT count(*) FROM pro) + (SELECT count(*) FROM cpro))::int AS promotions,
              (SELECT count(*) FROM marked)::int AS marked`,
      [orderId, partial, (lines ?? []).map((l) => l.sku), (lines ?? []).map((l) => l.quantity)],
    );
    return { flashUnits: row.flash_units, coupons: row.coupons, promotions: row.promotions };
  }
}

export type { GiftProduct };
