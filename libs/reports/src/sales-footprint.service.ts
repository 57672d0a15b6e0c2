import { Injectable } from '@nestjs/common';
import { RequestContext } from '@campus/core';
import { Db } from '@campus/database';

/** How far back "sells the product" looks. */
export const SELLING_WINDOW_DAYS = 90;

/**
 * Where a product sells: the regions whose campuses had orders of it within the last
 * SELLING_WINDOW_DAYS days — or, for a product nobody has ordered in that window (new, or slow),
 * every region, since any of them may be about to. Read-only SQL over orders and regions.
 */
@Injectable()
export class SalesFootprintService {
  constructor(private readonly db: Db) {}

  async regionsSelling(
    ctx: RequestContext,
    productId: string,
    days = SELLING_WINDOW_DAYS,
  ): Promise<{ regionIds: string[]; basis: 'recent_orders' | 'all_regions' }> {
    const sold = await this.db.query<{ region_id: string }>(
      ctx,
      `SELECT DISTINCT o.region_id FROM order_lines l JOIN orders o ON o.id = l.order_id
        WHERE l.product_id = $1 AND o.created_at >= now() - make_interval(days => $2::int)
        ORDER BY o.region_id`,
      [productId, days],
    );
    if (sold.length) return { regionIds: sold.map((r) => r.region_id), basis: 'recent_orders' };
    const all = await this.db.query<{ id: string }>(ctx, `SELECT id FROM regions ORDER BY id`);
    return { regionIds: all.map((r) => r.id), basis: 'all_regions' };
  }
}
