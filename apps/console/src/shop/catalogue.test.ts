import { InfiniteQueryObserver, type QueryClient } from '@tanstack/react-query';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { installFakeApi, settle, until, type SentRequest } from '../test/fake-api';

const page = (...skus: string[]) => ({ items: skus.map((sku) => ({ sku })), nextCursor: null });

let sent: SentRequest[];
let shopApi: typeof import('./api');
let client: QueryClient;
beforeAll(async () => {
  sent = installFakeApi();
  shopApi = await import('./api');
  client = (await import('../api/query')).makeQueryClient();
});
afterAll(() => {
  client.clear();
  vi.unstubAllGlobals();
});

describe('shop catalogue: a fast category or search change never shows a stale answer', () => {
  it('shows nothing of the category that was left, and its slow answer never lands on screen', async () => {
    const observer = new InfiniteQueryObserver(client, shopApi.productsQuery('campus-1', '', 'stationery'));
    const unsubscribe = observer.subscribe(() => undefined);
    await until(() => sent.length === 1);
    const slow = sent[0];
    expect(slow.url.searchParams.get('category')).toBe('stationery');

    // The student taps another category, then types a search, before stationery has answered.
    observer.setOptions(shopApi.productsQuery('campus-1', '', 'cables'));
    observer.setOptions(shopApi.productsQuery('campus-1', 'usb', 'cables'));
    await until(() => sent.some((r) => r.url.searchParams.get('q') === 'usb'));
    const current = sent.find((r) => r.url.searchParams.get('q') === 'usb')!;
    expect(current.url.searchParams.get('category')).toBe('cables');
    expect(slow.signal.aborted).toBe(true);
    // Loading: no placeholder from the category that was left.
    expect(observer.getCurrentResult().data).toBeUndefined();
    expect(observer.getCurrentResult().isPlaceholderData).toBe(false);

    current.answer(page('USB-1'));
    await until(() => observer.getCurrentResult().isSuccess);
    slow.answer(page('PEN-1', 'PEN-2'));
    for (const r of sent) if (r !== current && r !== slow) r.answer(page('CABLE-1'));
    await settle();
    expect(observer.getCurrentResult().data?.pages.flatMap((p) => p.items.map((i) => i.sku))).toEqual([
      'USB-1',
    ]);
    unsubscribe();
  });
});
