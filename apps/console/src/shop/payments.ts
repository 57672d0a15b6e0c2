import { useQuery } from '@tanstack/react-query';
import type { Order } from '../api/client';
import { ApiProblem, type ProblemBody } from '../api/problem';
import { readSession } from '../auth/session';
import { keys } from './api';

export type PaymentMethodName = 'alipay_wap' | 'alipay_page' | 'alipay_qr';

export interface PaymentAttempt {
  id: string;
  outTradeNo: string;
  method: PaymentMethodName;
  amountCents: number;
  status: string;
  expiresAt: string;
  redirectUrl?: string | null;
}

export interface Refund {
  id: string;
  amountCents: number;
  method: string;
  status: string;
  reason: string | null;
  createdAt: string;
}

export interface PaymentsView {
  orderStatus?: string;
  attempts: PaymentAttempt[];
  refunds: Refund[];
}

/** A call to a payment route, with the customer's token; a problem+json answer becomes an ApiProblem. */
async function call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  const session = readSession();
  const res = await fetch(path, {
    method,
    headers: {
      accept: 'application/json',
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(session ? { authorization: `Bearer ${session.token}` } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const data = (await res.json().catch(() => undefined)) as unknown;
  if (!res.ok) throw new ApiProblem(res.status, (data as ProblemBody) ?? { title: res.statusText });
  return data as T;
}

/**
 * The online payment methods the API offers (GET /api/payments/methods): Alipay when it is
 * configured, none otherwise (then the shop offers cash on delivery only). An API without the route
 * answers 404, which means the same: none.
 */
export function usePaymentMethods() {
  return useQuery({
    queryKey: keys.paymentMethods,
    queryFn: async (): Promise<PaymentMethodName[]> => {
      try {
        return (await call<{ methods: PaymentMethodName[] }>('GET', '/api/payments/methods')).methods ?? [];
      } catch (err) {
        if (err instanceof ApiProblem && err.status === 404) return [];
        throw err;
      }
    },
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
  return call('POST', `/api/orders/${orderId}/payments`, { method, returnUrl: returnUrlFor(orderId) });
}

/** Back from Alipay: the API asks Alipay about the order's open attempts and confirms a paid one. */
export function syncPayment(orderId: string): Promise<PaymentsView> {
  return call('POST', `/api/orders/${orderId}/payments/sync`);
}

/** An unpaid online order paid cash on delivery instead (it is confirmed at once). */
export function chooseCod(orderId: string): Promise<Order> {
  return call('POST', `/api/orders/${orderId}/payment-method`, { paymentMethod: 'cod' });
}

export function usePayments(orderId: string, status: string | undefined, enabled: boolean) {
  return useQuery({
    queryKey: [...keys.order(orderId), 'payments', status],
    queryFn: () => call<PaymentsView>('GET', `/api/orders/${orderId}/payments`),
    enabled,
  });
}
