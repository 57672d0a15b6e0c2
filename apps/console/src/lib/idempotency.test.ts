import { describe, expect, it } from 'vitest';
import { FormSubmission, randomKey } from './idempotency';

function keys() {
  let n = 0;
  return () => `key-${++n}`;
}

function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('FormSubmission', () => {
  it('sends once for a double click and gives both clicks the same answer', async () => {
    const sub = new FormSubmission<string>(keys());
    const sent: string[] = [];
    const answer = deferred<string>();
    const send = (key: string) => {
      sent.push(key);
      return answer.promise;
    };
    const first = sub.submit({ a: 1 }, send);
    const second = sub.submit({ a: 1 }, send);
    expect(sub.pending).toBe(true);
    answer.resolve('order-1');
    expect(await first).toBe('order-1');
    expect(await second).toBe('order-1');
    expect(sent).toEqual(['key-1']);
  });

  it('answers a click after success from memory, without a new key or request', async () => {
    const sub = new FormSubmission<string>(keys());
    const sent: string[] = [];
    const send = async (key: string) => {
      sent.push(key);
      return `order-for-${key}`;
    };
    await sub.submit({ a: 1 }, send);
    expect(await sub.submit({ a: 1 }, send)).toBe('order-for-key-1');
    expect(sent).toEqual(['key-1']);
  });

  it('retries a failed request with the same key, so a lost answer is replayed, not duplicated', async () => {
    const sub = new FormSubmission<string>(keys());
    const sent: string[] = [];
    await expect(
      sub.submit({ lines: [{ sku: 'X', quantity: 1 }] }, async (key) => {
        sent.push(key);
        throw new Error('timeout');
      }),
    ).rejects.toThrow('timeout');
    // Same body, keys in another order: still the same request.
    await sub.submit({ lines: [{ quantity: 1, sku: 'X' }] }, async (key) => {
      sent.push(key);
      return 'ok';
    });
    expect(sent).toEqual(['key-1', 'key-1']);
  });

  it('takes a fresh key when the body changed after a failure (the API refuses a key reused with another body)', async () => {
    const sub = new FormSubmission<string>(keys());
    const sent: string[] = [];
    await sub
      .submit({ q: 5 }, async (key) => {
        sent.push(key);
        throw new Error('out of stock');
      })
      .catch(() => undefined);
    await sub.submit({ q: 2 }, async (key) => {
      sent.push(key);
      return 'ok';
    });
    expect(sent).toEqual(['key-1', 'key-2']);
  });

  it('starts the next order with a new key after reset', async () => {
    const sub = new FormSubmission<string>(keys());
    await sub.submit({ a: 1 }, async () => 'first');
    const before = sub.currentKey;
    sub.reset();
    expect(sub.currentKey).not.toBe(before);
    const sent: string[] = [];
    await sub.submit({ a: 1 }, async (key) => {
      sent.push(key);
      return 'second';
    });
    expect(sent).toEqual([sub.currentKey]);
  });
});

describe('randomKey', () => {
  it('makes keys the API accepts (1–255 characters) that do not repeat', () => {
    const a = randomKey();
    const b = randomKey();
    expect(a.length).toBeGreaterThan(0);
    expect(a.length).toBeLessThanOrEqual(255);
    expect(a).not.toBe(b);
  });
});
