import { infiniteQueryOptions, useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { api, ok, type Order, type Schemas } from '../api/client';
import { ApiProblem } from '../api/problem';

export type ShopProduct = Schemas['ShopProductResponse'];
export type ShopCampus = Schemas['ShopCampusResponse'];
export type PickupPoint = Schemas['ShopPickupPointResponse'];
export type Address = Schemas['AddressResponse'];
export type OrderEvent = Schemas['OrderEventResponse'];
export type { Order };

/** Statuses after which an order never changes again (no need to keep asking). */
export const FINAL_STATUSES = ['completed', 'cancelled', 'returned'] as const;
export const LIVE_REFRESH_MS = 4_000;

export const keys = {
  campuses: ['shop', 'campuses'] as const,
  categories: ['shop', 'categories'] as const,
  products: (campusId: string, q: string, category: string) =>
    ['shop', 'products', campusId, q, category] as const,
  product: (sku: string, campusId = '') => ['shop', 'product', sku, campusId] as const,
  pickupPoints: (campusId: string) => ['shop', 'pickup-points', campusId] as const,
  paymentMethods: ['shop', 'payment-methods'] as const,
  addresses: ['me', 'addresses'] as const,
  myOrders: ['orders', 'mine'] as const,
  order: (id: string) => ['orders', id] as const,
  events: (id: string) => ['orders', id, 'events'] as const,
};

export function useCampuses() {
  return useQuery({
    queryKey: keys.campuses,
    queryFn: ({ signal }) => ok(api.GET('/api/shop/campuses', { signal })),
    staleTime: 60_000,
  });
}

export function useCategories() {
  return useQuery({
    queryKey: keys.categories,
    queryFn: ({ signal }) => ok(api.GET('/api/shop/categories', { signal })),
    staleTime: 60_000,
  });
}

export const PAGE_SIZE = 20;

/**
 * The campus's products for a search and a category, page by page. Each filter is its own key, so a
 * late answer to a filter that was left lands in its own entry (its request cancelled), and there is
 * no placeholder: while a new search or category loads, the list says so instead of showing the
 * products of the filter that was left.
 */
export function productsQuery(campusId: string, q: string, category: string) {
  return infiniteQueryOptions({
    queryKey: keys.products(campusId, q, category),
    queryFn: ({ pageParam, signal }) =>
      ok(
        api.GET('/api/shop/products', {
          params: {
            query: {
              campusId,
              limit: PAGE_SIZE,
              ...(q ? { q } : {}),
              ...(category ? { category } : {}),
              ...(pageParam ? { cursor: pageParam } : {}),
            },
          },
          signal,
        }),
      ),
    initialPageParam: '',
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
}

export function useProducts(campusId: string, q: string, category: string) {
  return useInfiniteQuery(productsQuery(campusId, q, category));
}

/** One product (with the flash-sale price running for `campusId`, if any); null when no longer sold (404). */
export async function fetchProduct(
  sku: string,
  campusId?: string,
  signal?: AbortSignal,
): Promise<ShopProduct | null> {
  try {
    return await ok(
      api.GET('/api/shop/products/{sku}', {
        params: { path: { sku }, query: campusId ? { campusId } : {} },
        signal,
      }),
    );
  } catch (err) {
    if (err instanceof ApiProblem && err.status === 404) return null;
    throw err;
  }
}

export function useProduct(sku: string, campusId?: string) {
  return useQuery({
    queryKey: keys.product(sku, campusId),
    queryFn: ({ signal }) => fetchProduct(sku, campusId, signal),
    staleTime: 5_000,
  });
}

export function usePickupPoints(campusId: string | undefined) {
  return useQuery({
    queryKey: keys.pickupPoints(campusId ?? ''),
    queryFn: ({ signal }) =>
      ok(api.GET('/api/shop/pickup-points', { params: { query: { campusId: campusId! } }, signal })),
    enabled: Boolean(campusId),
    staleTime: 60_000,
  });
}

export function useAddresses(enabled: boolean) {
  return useQuery({
    queryKey: keys.addresses,
    queryFn: ({ signal }) => ok(api.GET('/api/me/addresses', { signal })),
    enabled,
  });
}

export function useMyOrders(enabled: boolean) {
  return useQuery({
    queryKey: keys.myOrders,
    queryFn: ({ signal }) => ok(api.GET('/api/orders', { params: { query: { limit: 50 } }, signal })),
    enabled,
  });
}

export function isLive(status: string | undefined): boolean {
  return !!status && !(FINAL_STATUSES as readonly string[]).includes(status);
}

/** An order and its status, asked again every few seconds while it can still change. */
export function useOrder(id: string, enabled: boolean) {
  return useQuery({
    queryKey: keys.order(id),
    queryFn: ({ signal }) => ok(api.GET('/api/orders/{id}', { params: { path: { id } }, signal })),
    enabled,
    refetchInterval: (query) => (isLive(query.state.data?.status) ? LIVE_REFRESH_MS : false),
  });
}

export function useOrderEvents(id: string, status: string | undefined, enabled: boolean) {
  return useQuery({
    queryKey: [...keys.events(id), status],
    queryFn: ({ signal }) => ok(api.GET('/api/orders/{id}/events', { params: { path: { id } }, signal })),
    enabled,
  });
}
