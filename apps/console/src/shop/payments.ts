import { useQuery } from '@tanstack/react-query';
import { keys } from './api';

export type PaymentMethodName = 'alipay_wap' | 'alipay_page' | 'alipay_qr';

/**
 * The online payment methods the API offers (GET /api/payments/methods): Alipay when it is
 * configured, none otherwise (then the shop offers cash on delivery only). An API without the route
 * answers 404, which means the same: none.
 */
export function usePaymentMethods() {
  return useQuery({
    queryKey: keys.paymentMethods,
    queryFn: async (): Promise<PaymentMethodName[]> => {
      const res = await fetch('/api/payments/methods', { headers: { accept: 'application/json' } });
      if (!res.ok) return [];
      const body = (await res.json()) as { methods?: PaymentMethodName[] };
      return Array.isArray(body.methods) ? body.methods : [];
    },
    staleTime: 60_000,
  });
}

/** Alipay's cashier for this layout: the WAP page on a phone, the desktop page on a desk. */
export function alipayMethodFor(channel: 'wap' | 'web'): PaymentMethodName {
  return channel === 'wap' ? 'alipay_wap' : 'alipay_page';
}
