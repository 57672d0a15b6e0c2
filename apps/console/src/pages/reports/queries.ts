import { queryOptions } from '@tanstack/react-query';
import { api, ok } from '../../api/client';

/** The window a manager's reports answer for: a date range and a settlement month. */
export interface ReportWindow {
  from: string;
  to: string;
  period: string;
}

/**
 * The reports' server reads, keyed by the window they answer for: a changed filter is another key,
 * so a slow answer to the previous filter lands in its own cache entry (and is cancelled through
 * its AbortSignal when nobody waits for it) and never overwrites the answer on screen.
 */
export const reportKeys = {
  all: ['reports'] as const,
  channels: (from: string, to: string) => ['reports', 'channels', from, to] as const,
  agents: (period: string) => ['reports', 'agents', period] as const,
  customers: (from: string, to: string) => ['reports', 'customers', from, to] as const,
};

export const reportQueries = {
  channels: ({ from, to }: ReportWindow) =>
    queryOptions({
      queryKey: reportKeys.channels(from, to),
      queryFn: ({ signal }) =>
        ok(api.GET('/api/reports/channels', { params: { query: { from, to } }, signal })),
    }),
  agents: ({ period }: ReportWindow) =>
    queryOptions({
      queryKey: reportKeys.agents(period),
      queryFn: ({ signal }) => ok(api.GET('/api/reports/agents', { params: { query: { period } }, signal })),
    }),
  customers: ({ from, to }: ReportWindow) =>
    queryOptions({
      queryKey: reportKeys.customers(from, to),
      queryFn: ({ signal }) =>
        ok(api.GET('/api/reports/customers', { params: { query: { from, to } }, signal })),
    }),
};
