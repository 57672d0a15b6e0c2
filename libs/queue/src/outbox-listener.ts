import { Logger } from '@nestjs/common';
import { Client } from 'pg';

/** The channel the outbox trigger notifies when a transaction that appended rows commits. */
export const OUTBOX_CHANNEL = 'outbox_ready';

const RECONNECT_MIN_MS = 250;
const RECONNECT_MAX_MS = 10_000;

/**
 * One dedicated connection that LISTENs on `outbox_ready` and calls `onNotice` for every notice.
 * It sends one statement (`LISTEN`) per connection and nothing while it waits. When the connection
 * is lost it reconnects with back-off; `listening` is false meanwhile (the relay then polls), and
 * after reconnecting it reports a notice, since some may have been missed.
 */
export class OutboxListener {
  private readonly log = new Logger('OutboxListener');
  private client?: Client;
  private stopped = false;
  private retryMs = RECONNECT_MIN_MS;
  private timer?: NodeJS.Timeout;
  private failures = 0;
  listening = false;

  constructor(
    private readonly url: string,
    private readonly onNotice: () => void,
  ) {}

  start(): void {
    this.stopped = false;
    void this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.listening = false;
    clearTimeout(this.timer);
    const c = this.client;
    this.client = undefined;
    if (c) await c.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    const client = new Client({ connectionString: this.url, application_name: 'campus-outbox-listener' });
    this.client = client;
    const lost = (err?: Error) => {
      if (this.client !== client) return;
      this.client = undefined;
      this.listening = false;
      client.removeAllListeners('notification');
      void client.end().catch(() => undefined);
      if (this.stopped) return;
      this.failures++;
      if (this.failures === 1 || this.failures % 20 === 0) {
        this.log.warn(`outbox LISTEN connection lost${err ? `: ${err.message}` : ''}; polling meanwhile`);
      }
      this.timer = setTimeout(() => void this.connect(), this.retryMs);
      this.retryMs = Math.min(RECONNECT_MAX_MS, this.retryMs * 2);
    };
    client.on('error', (err) => lost(err));
    client.on('end', () => lost());
    client.on('notification', (n) => {
      if (n.channel === OUTBOX_CHANNEL) this.onNotice();
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${OUTBOX_CHANNEL}`);
      if (this.stopped || this.client !== client) {
        await client.end().catch(() => undefined);
        return;
      }
      this.listening = true;
      this.retryMs = RECONNECT_MIN_MS;
      if (this.failures > 0) this.log.log('outbox LISTEN connection back');
      this.failures = 0;
      // Rows committed while nobody listened have sent their notice into the void.
      this.onNotice();
    } catch (err) {
      lost(err as Error);
    }
  }
}
