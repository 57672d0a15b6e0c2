import { QueryObserver, type QueryClient } from '@tanstack/react-query';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { installFakeApi, settle, until, type SentRequest } from '../../test/fake-api';
import type { ReportWindow } from './queries';

const march: ReportWindow = { from: '2026-03-01', to: '2026-03-31', period: '2026-03' };
const april: ReportWindow = { from: '2026-04-01', to: '2026-04-30', period: '2026-04' };
const report = (orders: number) => ({ channels: [], total: { channel: 'all', orders } });

let sent: SentRequest[];
let queries: typeof import('./queries');
let client: QueryClient;
beforeAll(async () => {
  sent = installFakeApi();
  queries = await import('./queries');
  client = (await import('../../api/query')).makeQueryClient();
});
afterAll(() => {
  client.clear();
  vi.unstubAllGlobals();
});

describe('reports: a fast filter change never shows a stale answer', () => {
  it('a slow answer to the previous window does not overwrite the answer to the current one', async () => {
    const observer = new QueryObserver(client, queries.reportQueries.channels(march));
    const shown: unknown[] = [];
    const unsubscribe = observer.subscribe((r) => shown.push(r.data));
    await until(() => sent.length === 1);
    const slow = sent[0];
    expect(slow.url.pathname).toBe('/api/reports/channels');
    expect(slow.url.searchParams.get('from')).toBe('2026-03-01');

    // The manager changes the window before March has answered.
    observer.setOptions(queries.reportQueries.channels(april));
    await until(() => sent.length === 2);
    const fast = sent[1];
    expect(fast.url.searchParams.get('from')).toBe('2026-04-01');
    // Nobody waits for March any more: its request is cancelled.
    expect(slow.signal.aborted).toBe(true);
    expect(fast.signal.aborted).toBe(false);
    // Until April answers, nothing is shown (not March's answer, not a placeholder).
    expect(observer.getCurrentResult().data).toBeUndefined();

    fast.answer(report(4));
    await until(() => observer.getCurrentResult().isSuccess);
    expect(observer.getCurrentResult().data).toEqual(report(4));

    // March answers late anyway: the screen keeps April's answer, and March's is not cached as April's.
    slow.answer(report(3));
    await settle();
    expect(observer.getCurrentResult().data).toEqual(report(4));
    const answers = shown.filter((d) => d !== undefined);
    expect(answers.length).toBeGreaterThan(0);
    for (const d of answers) expect(d).toEqual(report(4));
    expect(client.getQueryData(queries.reportKeys.channels(april.from, april.to))).toEqual(report(4));
    expect(client.getQueryData(queries.reportKeys.channels(march.from, march.to))).toBeUndefined();
    unsubscribe();
  });

  it('keys every report by the filters it answers for', () => {
    expect(queries.reportQueries.channels(march).queryKey).not.toEqual(
      queries.reportQueries.channels(april).queryKey,
    );
    expect(queries.reportQueries.agents(march).queryKey).toEqual(['reports', 'agents', '2026-03']);
    expect(queries.reportQueries.customers(april).queryKey).toEqual([
      'reports',
      'customers',
      '2026-04-01',
      '2026-04-30',
    ]);
  });
});
