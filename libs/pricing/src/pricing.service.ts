import { Injectable } from '@nestjs/common';
import { Channel, DomainError, RequestContext } from '@campus/core';
import { UnknownSkuError } from '@campus/catalog';
import { pgErrorCode, SqlParams } from '@campus/database';
import { claimFragment, claimSql, ClaimSqlOptions } from './pricing-claim';
import { CouponOffer, GiftProduct, PricedOrder, priceOrder } from './pricing-policy';
import {
  CouponInvalidError,
  CouponUsedError,
  FlashSaleLimitError,
  FlashSaleSoldOutError,
} from './pricing.errors';
import { PricingRepository } from './pricing.repository';

export type { ClaimSqlOptions } from './pricing-claim';

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
  constructor(private readonly repo: PricingRepository) {}

  async quote(ctx: RequestContext, req: QuoteRequest): Promise<Quote> {
    const skus = [...new Set(req.lines.map((l) => l.sku))];
    const code = req.couponCode?.trim().toUpperCase() || null;
    const row = await this.repo.quoteRow(ctx, {
      skus,
      regionId: req.regionId,
      campusId: req.campusId,
      channel: req.channel,
      customerId: req.customerId,
      code,
    });
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
   * The CTEs and the guard that claim, in the order statement, what `priced` used (see
   * `pricing-claim.ts`). Parameters are numbered from `firstParam`.
   */
  claimSql(
    priced: PricedOrder,
    firstParam: number,
    o: ClaimSqlOptions,
  ): { ctes: string; guard: string; params: unknown[] } {
    return claimSql(priced, firstParam, o);
  }

  /** `claimSql` for a statement assembled with a `SqlParams` binder (see `pricing-claim.ts`). */
  claimFragment(params: SqlParams, priced: PricedOrder, o: ClaimSqlOptions): { ctes: string; guard: string } {
    return claimFragment(params, priced, o);
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
    const row = await this.repo.release(ctx, orderId, lines);
    return { flashUnits: row.flash_units, coupons: row.coupons, promotions: row.promotions };
  }
}

export type { GiftProduct };
