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
  it('shows nothing of the filter that was left while the next loads, and a slow answer never lands on screen', async () => {
    const observer = new InfiniteQueryObserver(client, shopApi.productsQuery('campus-1', '', 'stationery'));
    const unsubscribe = observer.subscribe(() => undefined);
    const skus = () => observer.getCurrentResult().data?.pages.flatMap((p) => p.items.map((i) => i.sku));
    await until(() => sent.length === 1);
    expect(sent[0].url.searchParams.get('category')).toBe('stationery');
    sent[0].answer(page('PEN-1'));
    await until(() => observer.getCurrentResult().isSuccess);
    expect(skus()).toEqual(['PEN-1']);

    // The student taps "cables", then types "usb" before the cables have answered.
    observer.setOptions(shopApi.productsQuery('campus-1', '', 'cables'));
    await until(() => sent.length === 2);
    const slow = sent[1];
    expect(slow.url.searchParams.get('category')).toBe('cables');
    // Loading: the stationery is not shown as if it were the cables (no placeholder).
    expect(observer.getCurrentResult().data).toBeUndefined();
    expect(observer.getCurrentResult().isPlaceholderData).toBe(false);

    observer.setOptions(shopApi.productsQuery('campus-1', 'usb', 'cables'));
    await until(() => sent.length === 3);
    const current = sent[2];
    expect(current.url.searchParams.get('q')).toBe('usb');
    expect(slow.signal.aborted).toBe(true);
    expect(observer.getCurrentResult().data).toBeUndefined();

    current.answer(page('USB-1'));
    await until(() => observer.getCurrentResult().isSuccess);
    // The cables answer late: the screen keeps the answer to "usb" in cables.
    slow.answer(page('CABLE-1', 'CABLE-2'));
    await settle();
    expect(skus()).toEqual(['USB-1']);
    unsubscribe();
  });
});
