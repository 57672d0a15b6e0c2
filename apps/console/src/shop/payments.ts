import { useQuery } from '@tanstack/react-query';
import { api, ok, type Schemas } from '../api/client';
import { keys } from './api';

export type PaymentMethodName = Schemas['PaymentMethodsResponse']['methods'][number];
export type PaymentAttempt = Schemas['CreatedAttemptResponse'];
export type PaymentsView = Schemas['OrderPaymentsResponse'];

/**
 * The online payment methods the API offers (GET /api/payments/methods): Alipay when it is
 * configured, none otherwise (then the shop offers cash on delivery only).
 */
export function usePaymentMethods() {
  return useQuery({
    queryKey: keys.paymentMethods,
    queryFn: async ({ signal }) => (await ok(api.GET('/api/payments/methods', { signal }))).methods,
    staleTime: 60_000,
  });
}

/** Alipay's cashier for this layout: the WAP page on a phone, the desktop page on a desk. */
export function alipayMethodFor(channel: 'wap' | 'web'): PaymentMethodName {
  return channel === 'wap' ? 'alipay_wap' : 'alipay_page';
}

/** Where Alipay sends the customer back: the order's page, which then asks the API to check. */
export function returnUrlFor(orderId: string): string {
  return `${window.location.origin}/shop/orders/${orderId}?from=alipay`;
}

/** A payment attempt at Alipay's cashier (502 `provider_unavailable` when Alipay cannot be reached). */
export function startPayment(orderId: string, method: PaymentMethodName): Promise<PaymentAttempt> {
  return ok(
    api.POST('/api/orders/{id}/payments', {
      params: { path: { id: orderId } },
      body: { method, returnUrl: returnUrlFor(orderId) },
    }),
  );
}

/** Back from Alipay: the API asks Alipay about the order's open attempts and confirms a paid one. */
export function syncPayment(orderId: string): Promise<PaymentsView> {
  return ok(api.POST('/api/orders/{id}/payments/sync', { params: { path: { id: orderId } } }));
}

/** An unpaid online order paid cash on delivery instead (it is confirmed at once). */
export function chooseCod(orderId: string) {
  return ok(
    api.POST('/api/orders/{id}/payment-method', {
      params: { path: { id: orderId } },
      body: { paymentMethod: 'cod' },
    }),
  );
}

/** The order's payment attempts and refunds (refunds are shown to the customer). */
export function usePayments(orderId: string, status: string | undefined, enabled: boolean) {
  return useQuery({
    queryKey: [...keys.order(orderId), 'payments', status],
    queryFn: ({ signal }) =>
      ok(api.GET('/api/orders/{id}/payments', { params: { path: { id: orderId } }, signal })),
    enabled,
  });
}
