/** A random Idempotency-Key; crypto.randomUUID needs a secure context, getRandomValues does not. */
export function randomKey(): string {
  const c = globalThis.crypto;
  if (typeof c?.randomUUID === 'function') return c.randomUUID();
  const bytes = c.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

function stable(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stable).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stable(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * One Idempotency-Key per order form, so that however often submit is pressed one order is made:
 * - while a request is in flight, another submit gets the same promise (no second request);
 * - a retry of the same body after a failure (timeout, out of stock) reuses the key, so a lost
 *   answer is replayed by the API instead of creating a second order;
 * - a changed body after a failure gets a fresh key (the API refuses a key reused with another body);
 * - after a success the same body answers the same result until `reset()` starts the next order.
 */
export class FormSubmission<T> {
  private key: string;
  private body: string | null = null;
  private inFlight: Promise<T> | null = null;
  private done: { body: string; result: T } | null = null;

  constructor(private readonly newKey: () => string = randomKey) {
    this.key = newKey();
  }

  get currentKey(): string {
    return this.key;
  }

  get pending(): boolean {
    return this.inFlight !== null;
  }

  submit(body: unknown, send: (key: string) => Promise<T>): Promise<T> {
    if (this.inFlight) return this.inFlight;
    const fingerprint = stable(body);
    if (this.done) {
      if (this.done.body === fingerprint) return Promise.resolve(this.done.result);
      this.reset();
    }
    if (this.body !== null && this.body !== fingerprint) this.key = this.newKey();
    this.body = fingerprint;
    const attempt = (async () => {
      try {
        const result = await send(this.key);
        this.done = { body: fingerprint, result };
        return result;
      } finally {
        this.inFlight = null;
      }
    })();
    this.inFlight = attempt;
    return attempt;
  }

  /** The next order: a new key, nothing remembered. */
  reset(): void {
    this.key = this.newKey();
    this.body = null;
    this.done = null;
  }
}
