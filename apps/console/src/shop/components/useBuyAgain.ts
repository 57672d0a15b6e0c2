import { Toast } from 'antd-mobile';
import { useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router-dom';
import { useAction } from '../../api/useAction';
import { fetchProduct, keys } from '../api';
import { buyAgain, type Availability } from '../cart';
import { cartStore } from '../store';

/**
 * "Buy again": the old order's lines into the cart, each checked against the catalogue now (what
 * is no longer sold or sold out is left out, short lines are lowered), then on to the cart.
 */
export function useBuyAgain() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  return useAction(
    async (lines: readonly { sku: string; quantity: number }[]) => {
      const skus = [...new Set(lines.map((l) => l.sku))];
      const products = await Promise.all(
        skus.map((sku) =>
          queryClient.fetchQuery({
            queryKey: keys.product(sku),
            queryFn: ({ signal }) => fetchProduct(sku, undefined, signal),
          }),
        ),
      );
      const now = new Map<string, Availability | null>(skus.map((sku, i) => [sku, products[i]]));
      return buyAgain(cartStore.get(), lines, now);
    },
    {
      onSuccess: (r) => {
        cartStore.set(r.cart.lines.length ? r.cart : null);
        if (r.added.length) Toast.show({ content: t('shop.order.boughtAgain') });
        navigate('/shop/cart', { state: { capped: r.capped, removed: r.removed } });
      },
    },
  );
}
