import { Injectable } from '@nestjs/common';
import { UsersService } from '@campus/auth';
import { ProductsService, ShopCategoryView, ShopProductView } from '@campus/catalog';
import { Clock, Page, RequestContext } from '@campus/core';
import { NetworkService, ShopCampusView } from '@campus/network';
import { SHOP_CACHE_SECONDS } from './public-cache.interceptor';
import { ShopProductQueryDto } from './shop.dto';
import { TtlCache } from './ttl-cache';

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
    private readonly clock: Clock,
  ) {}

  campuses(ctx: RequestContext): Promise<{ items: ShopCampusView[] }> {
    return this.cached('campuses', async () => ({ items: await this.network.campusesForShop(ctx) }));
  }

  categories(ctx: RequestContext): Promise<{ items: ShopCategoryView[] }> {
    return this.cached('categories', async () => ({ items: await this.products.categoriesForShop(ctx) }));
  }

  async listProducts(ctx: RequestContext, q: ShopProductQueryDto): Promise<Page<ShopProductView>> {
    if (q.campusId) await this.network.placementOfCampus(ctx, q.campusId);
    const key = JSON.stringify([
      q.campusId ?? '',
      q.q ?? '',
      q.category?.toLowerCase() ?? '',
      q.cursor ?? '',
      q.limit ?? 0,
    ]);
    return this.cached(`products:${key}`, () =>
      this.products.listForShop(ctx, { q: q.q, category: q.category, cursor: q.cursor, limit: q.limit }),
    );
  }

  product(ctx: RequestContext, sku: string): Promise<ShopProductView> {
    return this.cached(`product:${sku.trim().toUpperCase()}`, () => this.products.getForShop(ctx, sku));
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
