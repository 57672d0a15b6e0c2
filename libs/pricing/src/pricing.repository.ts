import { Injectable } from '@nestjs/common';
import type { Channel, RequestContext } from '@campus/core';
import { Db, named } from '@campus/database';
import type { FlashOffer, PromotionRule } from './pricing-policy';

export interface QuoteRow {
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
  AND (${t}.region_id IS NULL OR ${t}.region_id = :regionId::uuid)
  AND (cardinality(${t}.campus_ids) = 0 OR :campusId::uuid = ANY(${t}.campus_ids))`;

/**
 * A `:name` statement turned into `$n` once: its text, and its values in the order they bind.
 */
function compiled<K extends string>(text: string, names: readonly K[]) {
  const { text: positional, values: order } = named(text, Object.fromEntries(names.map((n) => [n, n])));
  return {
    text: positional,
    values: (v: Record<K, unknown>): unknown[] => (order as K[]).map((n) => v[n]),
  };
}

const QUOTE = compiled(
  `WITH p AS (
         SELECT p.id AS product_id, p.sku, p.name, p.category, p.price_cents, p.requires_installation, p.install_fee_cents,
                p.max_per_order
           FROM products p WHERE p.sku = ANY(:skus::text[]) AND p.active
       )
       SELECT
         (SELECT COALESCE(jsonb_agg(to_jsonb(p)), '[]'::jsonb) FROM p) AS products,
         (SELECT COALESCE(jsonb_agg(${PROMOTION_JSON('pr', 'g')} ORDER BY pr.id), '[]'::jsonb)
            FROM promotions pr LEFT JOIN products g ON g.id = pr.gift_product_id AND g.active
           WHERE ${RUNS_FOR('pr')} AND NOT pr.requires_coupon
             AND (cardinality(pr.channels) = 0 OR :channel::text = ANY(pr.channels))
             AND (pr.max_uses IS NULL OR pr.uses < pr.max_uses)
             AND (pr.kind <> 'gift' OR g.id IS NOT NULL)) AS promotions,
         (SELECT COALESCE(jsonb_agg(jsonb_build_object('id', f.id, 'sku', f.sku, 'priceCents', f.price_cents,
                   'remaining', f.quantity - f.sold, 'perCustomerLimit', f.per_customer_limit,
                   'boughtByCustomer', COALESCE(fp.quantity, 0))), '[]'::jsonb)
            FROM (SELECT DISTINCT ON (f.product_id) f.* FROM flash_sales f JOIN p ON p.product_id = f.product_id
                   WHERE ${RUNS_FOR('f')}
                   ORDER BY f.product_id, f.price_cents, f.ends_at, f.id) f
            LEFT JOIN flash_sale_purchases fp ON fp.flash_sale_id = f.id AND fp.customer_id = :customerId::uuid) AS flash_sales,
         (SELECT jsonb_build_object('id', c.id, 'code', c.code, 'agentId', c.agent_id,
                   'valid', c.active AND ${RUNS_FOR('pr')} AND (cardinality(pr.channels) = 0 OR :channel::text = ANY(pr.channels)),
                   'usesLeft', c.max_uses - c.uses,
                   'customerUsesLeft', c.per_customer - COALESCE(cu.uses, 0),
                   'promotionUsesLeft', pr.max_uses - pr.uses,
                   'promotion', ${PROMOTION_JSON('pr', 'g')})
            FROM coupons c JOIN promotions pr ON pr.id = c.promotion_id
            LEFT JOIN products g ON g.id = pr.gift_product_id
            LEFT JOIN coupon_customer_uses cu ON cu.coupon_id = c.id AND cu.customer_id = :customerId::uuid
           WHERE c.code = :code::text) AS coupon`,
  ['skus', 'regionId', 'campusId', 'channel', 'customerId', 'code'],
);

const RELEASE = compiled(
  `WITH back AS (
         SELECT r.id, r.kind, r.promotion_id, r.coupon_id, r.flash_sale_id, r.customer_id,
                CASE WHEN r.kind <> 'flash_sale' THEN 0
                     WHEN :partial::boolean THEN LEAST(r.quantity - r.released_quantity, COALESCE(x.qty, 0))
                     ELSE r.quantity - r.released_quantity END AS units
           FROM pricing_redemptions r
           LEFT JOIN flash_sales f ON f.id = r.flash_sale_id
           LEFT JOIN (SELECT sku, sum(quantity)::int AS qty FROM unnest(:skus::text[], :quantities::int[]) AS l(sku, quantity)
                       GROUP BY sku) x ON x.sku = f.sku
          WHERE r.order_id = :orderId AND r.released_at IS NULL AND (NOT :partial::boolean OR r.kind = 'flash_sale')
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
                released_at = CASE WHEN NOT :partial::boolean OR r.released_quantity + b.units = r.quantity THEN now() END
           FROM back b WHERE r.id = b.id AND (b.units > 0 OR NOT :partial::boolean)
         RETURNING r.id
       )
       SELECT COALESCE((SELECT sum(units) FROM back), 0)::int AS flash_units,
              (SELECT count(*) FROM cou)::int AS coupons,
              ((SELECT count(*) FROM pro) + (SELECT count(*) FROM cpro))::int AS promotions,
              (SELECT count(*) FROM marked)::int AS marked`,
  ['orderId', 'partial', 'skus', 'quantities'],
);

/**
 * The statements of pricing's reads and releases: the one read before an order (products, running
 * promotions and flash sales, the customer's purchases, the coupon) and the give-back of what an
 * order's price used. The claim CTEs that run inside the order statement are `pricing-claim.ts`.
 */
@Injectable()
export class PricingRepository {
  constructor(private readonly db: Db) {}

  /** Everything a quote needs, in one statement (a named prepared statement: its text never changes). */
  async quoteRow(
    ctx: RequestContext,
    q: {
      skus: string[];
      regionId: string;
      campusId: string;
      channel: Channel;
      customerId: string;
      code: string | null;
    },
  ): Promise<QuoteRow> {
    const [row] = await this.db.query<QuoteRow>(ctx, QUOTE.text, QUOTE.values(q), {
      prepare: 'pricing_quote_v2',
    });
    return row;
  }

  /**
   * Gives back, under the redemption rows' locks, what an order's price used: everything, or with
   * `lines` (partial) only the flash-sale units of those SKUs. Marks what was given back.
   */
  async release(
    ctx: RequestContext,
    orderId: string,
    lines: readonly { sku: string; quantity: number }[] | undefined,
  ): Promise<{ flash_units: number; coupons: number; promotions: number }> {
    const [row] = await this.db.query<{ flash_units: number; coupons: number; promotions: number }>(
      ctx,
      RELEASE.text,
      RELEASE.values({
        orderId,
        partial: lines !== undefined,
        skus: (lines ?? []).map((l) => l.sku),
        quantities: (lines ?? []).map((l) => l.quantity),
      }),
    );
    return row;
  }
}
