import { useEffect, useMemo, useState } from 'react';
import { useQueries } from '@tanstack/react-query';
import { fetchProduct, keys } from '../api';
import { reconcile, type Availability } from '../cart';
import { effectivePrice } from '../sale';
import { useCampus, useCart } from '../store';

/**
 * The cart checked against the catalogue as it is now (each line's product read through the same
 * short-lived cache as the catalogue): quantities lowered to what is available, withdrawn or sold-out
 * lines removed; what changed is reported once so the page can say so.
 */
export function useCheckedCart() {
  const [cart, setCart] = useCart();
  const [campus] = useCampus();
  const results = useQueries({
    queries: cart.lines.map((l) => ({
      queryKey: keys.product(l.sku, campus?.id),
      queryFn: ({ signal }) => fetchProduct(l.sku, campus?.id, signal),
      staleTime: 5_000,
    })),
  });
  const now = useMemo(() => {
    const m = new Map<string, Availability | null>();
    results.forEach((r, i) => {
      // The cart shows what a unit costs now: the flash-sale price while a sale runs.
      if (r.isSuccess && cart.lines[i])
        m.set(cart.lines[i].sku, r.data ? { ...r.data, priceCents: effectivePrice(r.data) } : null);
    });
    return m;
    // eslint-disable-next-line react-hooks/exhaustive-deps -- results is a new array every render
  }, [results.map((r) => r.dataUpdatedAt).join(','), cart]);
  const [changed, setChanged] = useState<{ capped: string[]; removed: string[] }>({
    capped: [],
    removed: [],
  });
  useEffect(() => {
    const r = reconcile(cart, now);
    if (r.capped.length || r.removed.length) {
      setChanged(r);
      setCart(r.cart);
    }
  }, [cart, now, setCart]);
  return { cart, setCart, available: now, changed, loading: results.some((r) => r.isPending) };
}
