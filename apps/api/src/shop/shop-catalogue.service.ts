import { Injectable } from '@nestjs/common';
import { UsersService } from '@campus/auth';
import { ProductsService, ShopCategoryView, ShopProductView } from '@campus/catalog';
import { Clock, Page, RequestContext } from '@campus/core';
import { NetworkService, ShopCampusView } from '@campus/network';
import { FlashSalesService } from '@campus/pricing';
import { SHOP_CACHE_SECONDS } from './public-cache.interceptor';
import { ShopProductQueryDto } from './shop.dto';
import { TtlCache } from './ttl-cache';

/** A product of the shop, with its flash-sale price while a sale runs for the campus. */
export type ShopProductWithSale = ShopProductView & { salePriceCents?: number; saleEndsAt?: Date };

export interface ShopPickupPoint {
  id: string;
  code: string;
  name: string;
  address: string | null;
  campusId: string;
  hasLocker: boolean;
  /** Staffed: someone at the counter hands parcels over (an active pickup-staff account there). */
  hasCounter: boolean;
}

/**
 * The public catalogue (no sign-in), read through the owning libs (catalog, network, auth) and kept
 * for SHOP_CACHE_SECONDS in this process per query: every visitor gets the same answer, so a burst
 * of students opening the shop costs the database one query per distinct page every few seconds.
 *
 * "Per campus": stock is one row per product today (one store serves every campus), so every campus
 * sells the whole active catalogue with the same availability. The campus a student picks is
 * validated (unknown → 404), decides the pickup points offered, and keys the cache, so per-campus or
 * per-region stock can answer here later without changing the contract.
 */
@Injectable()
export class ShopCatalogueService {
  private readonly cache = new TtlCache<unknown>(SHOP_CACHE_SECONDS * 1000, 2_000, () =>
    this.clock.now().getTime(),
  );

  constructor(
    private readonly products: ProductsService,
    private readonly network: NetworkService,
    private readonly users: UsersService,
    private readonly flashSales: FlashSalesService,
    private readonly clock: Clock,
  ) {}

  campuses(ctx: RequestContext): Promise<{ items: ShopCampusView[] }> {
    return this.cached('campuses', async () => ({ items: await this.network.campusesForShop(ctx) }));
  }

  categories(ctx: RequestContext): Promise<{ items: ShopCategoryView[] }> {
    return this.cached('categories', async () => ({ items: await this.products.categoriesForShop(ctx) }));
  }

  async listProducts(ctx: RequestContext, q: ShopProductQueryDto): Promise<Page<ShopProductWithSale>> {
    if (q.campusId) await this.network.placementOfCampus(ctx, q.campusId);
    const key = JSON.stringify([
      q.campusId ?? '',
      q.q ?? '',
      q.category?.toLowerCase() ?? '',
      q.cursor ?? '',
      q.limit ?? 0,
    ]);
    return this.cached(`products:${key}`, async () => {
      const page = await this.products.listForShop(ctx, {
        q: q.q,
        category: q.category,
        cursor: q.cursor,
        limit: q.limit,
      });
      return { ...page, items: await this.withSales(ctx, page.items, q.campusId ?? null) };
    });
  }

  /** One product; `campusId` (optional) limits the sale prices to those running for that campus. */
  product(ctx: RequestContext, sku: string, campusId?: string): Promise<ShopProductWithSale> {
    return this.cached(`product:${sku.trim().toUpperCase()}:${campusId ?? ''}`, async () => {
      const [p] = await this.withSales(ctx, [await this.products.getForShop(ctx, sku)], campusId ?? null);
      return p;
    });
  }

  /**
   * `salePriceCents` and `saleEndsAt` on the products with a running flash sale (cached with the page:
   * a sale that sells out shows for at most the cache's few seconds; the order decides the price).
   */
  private async withSales(
    ctx: RequestContext,
    items: ShopProductView[],
    campusId: string | null,
  ): Promise<ShopProductWithSale[]> {
    const sales = await this.flashSales.salePrices(
      ctx,
      items.map((p) => p.sku),
      campusId,
    );
    return items.map((p) => {
      const sale = sales.get(p.sku);
      return sale && sale.salePriceCents < p.priceCents
        ? { ...p, salePriceCents: sale.salePriceCents, saleEndsAt: sale.saleEndsAt }
        : p;
    });
  }

  pickupPoints(ctx: RequestContext, campusId: string): Promise<{ items: ShopPickupPoint[] }> {
    return this.cached(`points:${campusId}`, async () => {
      const points = await this.network.pickupPointsForShop(ctx, campusId);
      const staffed = await this.users.staffedPickupPoints(
        ctx,
        points.map((p) => p.id),
      );
      return { items: points.map((p) => ({ ...p, hasCounter: staffed.has(p.id) })) };
    });
  }

  private cached<T>(key: string, load: () => Promise<T>): Promise<T> {
    return this.cache.get(key, load) as Promise<T>;
  }
}
