import { SqlParams } from '@campus/database';
import type { PricedOrder } from './pricing-policy';

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

/**
 * The CTEs and the guard that claim, in the order statement, what `priced` used. Locks are taken
 * after the stock rows (`stockDone`), then flash sales, promotions, coupons, each in one CTE that
 * waits for the one before, so order statements and releases lock in the same order. Parameters
 * are numbered from `firstParam`.
 */
export function claimSql(
  priced: PricedOrder,
  firstParam: number,
  o: ClaimSqlOptions,
): { ctes: string; guard: string; params: unknown[] } {
  const params = new SqlParams(new Array<unknown>(firstParam - 1).fill(null));
  const { ctes, guard } = claimFragment(params, priced, o);
  return { ctes, guard, params: params.values.slice(firstParam - 1) };
}

/**
 * `claimSql` for a statement assembled with a `SqlParams` binder: what `priced` used is bound into
 * `params` (10 parameters, arrays for the sale and promotion rows, so the text is the same for every
 * order).
 */
export function claimFragment(
  params: SqlParams,
  priced: PricedOrder,
  o: ClaimSqlOptions,
): { ctes: string; guard: string } {
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
