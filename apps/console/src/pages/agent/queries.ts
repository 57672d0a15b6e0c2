import { useQuery, useQueryClient } from '@tanstack/react-query';
import { api, ok } from '../../api/client';
import { useAction } from '../../api/useAction';

/**
 * The agent screens' server data, one key per answer. Every change invalidates `agentKeys.all`, so
 * the work list, the badge and the agent's own orders are refetched together; each read passes the
 * query's AbortSignal, so a read nobody waits for any more (a filter changed, the tab closed) is
 * cancelled instead of landing late.
 */
export const agentKeys = {
  all: ['agent'] as const,
  work: ['agent', 'work'] as const,
  news: ['agent', 'news'] as const,
  atLockers: ['agent', 'orders', 'awaiting_pickup'] as const,
  myOrders: (status: string) => ['agent', 'my-orders', status] as const,
  earnings: (agentId: string, period: string) => ['agent', 'earnings', agentId, period] as const,
  cod: (agentId: string) => ['agent', 'cod', agentId] as const,
  profile: (agentId: string) => ['agent', 'profile', agentId] as const,
};

/** Open deliveries and unfinished tasks (one answer for both tabs). */
export function useWork() {
  return useQuery({
    queryKey: agentKeys.work,
    queryFn: ({ signal }) => ok(api.GET('/api/fulfilment/work', { signal })),
  });
}

/** New work since the agent last opened each list: kept on the server, refreshed every 30 s. */
export function useNews() {
  return useQuery({
    queryKey: agentKeys.news,
    queryFn: ({ signal }) => ok(api.GET('/api/fulfilment/work/news', { signal })),
    refetchInterval: 30_000,
    staleTime: 0,
  });
}

/** Marks a list seen on the server (never retried: opening the list again marks it again). */
export function useMarkSeen() {
  const queryClient = useQueryClient();
  return useAction(
    (list: 'orders' | 'tasks') => ok(api.POST('/api/fulfilment/work/seen', { body: { list } })),
    { onSuccess: (fresh) => queryClient.setQueryData(agentKeys.news, fresh) },
  );
}
