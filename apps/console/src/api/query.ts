import { QueryClient } from '@tanstack/react-query';
import { ApiProblem } from './problem';

/**
 * The console's one data cache (TanStack Query). Reads are cached briefly and cancelled when their
 * screen goes away; a 4xx is an answer, not a reason to retry; mutations never retry (an order form
 * retries only through its Idempotency-Key, by the user's hand).
 */
export function makeQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 10_000,
        refetchOnWindowFocus: false,
        retry: (failures, err) =>
          !(err instanceof ApiProblem && err.status >= 400 && err.status < 500) && failures < 2,
      },
      mutations: { retry: false },
    },
  });
}
