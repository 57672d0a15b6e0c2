import { expect, vi } from 'vitest';

/** One request the console sent, answered when the test says so. */
export interface SentRequest {
  url: URL;
  signal: AbortSignal;
  answer: (body: unknown) => void;
}

/**
 * A fake API behind `fetch` for the console's query tests (no server, no DOM): every request waits
 * until the test answers it, early or late, so a test can make the first of two answers the slow
 * one. The API client reads the page's origin and takes `fetch` when it is made, so this runs before
 * the modules under test are imported (import them with `await import(...)` afterwards).
 */
export function installFakeApi(): SentRequest[] {
  const sent: SentRequest[] = [];
  vi.stubGlobal('window', { location: { origin: 'http://console.test' } });
  vi.stubGlobal('fetch', (input: Request) => {
    return new Promise<Response>((resolve) => {
      sent.push({
        url: new URL(input.url),
        signal: input.signal,
        answer: (body) =>
          resolve(
            new Response(JSON.stringify(body), {
              status: 200,
              headers: { 'Content-Type': 'application/json' },
            }),
          ),
      });
    });
  });
  return sent;
}

/** Waits (a second at most) until `check` holds. */
export async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 5));
  expect(check()).toBe(true);
}

/** Lets pending answers land (a late answer has had its chance to overwrite something). */
export function settle(ms = 20): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
