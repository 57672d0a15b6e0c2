import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, Clock, RequestContext } from '@campus/core';
import type { AppConfig } from '@campus/core';
import { Db } from '@campus/database';
import type { EventType } from './events';
import type { JobData } from './job-dispatcher.service';
import { QueueRegistry } from './queue.registry';
import { SUBSCRIPTIONS } from './queue-names';

const BATCH = 200;
const MAX_BACKOFF_MS = 5_000;
const PUBLISH_TIMEOUT_MS = 5_000;

interface PendingRow {
  id: string;
  event_type: string;
  payload: Record<string, unknown>;
}

/**
 * Moves committed outbox rows to their Bull queues. Rows are claimed with FOR UPDATE SKIP LOCKED, so
 * any number of workers relay in parallel without publishing a row twice; a row is marked published
 * only after Redis accepted its jobs, in the same transaction that claimed it. While Redis is down the
 * relay backs off and the rows simply wait. Timers are rows whose `available_at` lies ahead; "due" is
 * decided by the app's Clock, so tests can move time instead of sleeping.
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger(OutboxRelay.name);
  private running = false;
  private loop?: Promise<void>;
  private wake?: () => void;

  constructor(
    private readonly db: Db,
    private readonly queues: QueueRegistry,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  onApplicationBootstrap(): void {
    this.running = true;
    this.loop = this.run();
  }

  async onApplicationShutdown(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (this.running) {
      let relayed = 0;
      try {
        relayed = await this.relayBatch();
        if (failures > 0) this.log.log('outbox relay recovered');
        failures = 0;
      } catch (err) {
        failures++;
        if (failures === 1 || failures % 20 === 0) {
          this.log.warn(`outbox relay paused: ${(err as Error).message}`);
        }
      }
      if (!this.running) break;
      if (relayed === BATCH) continue;
      const wait = failures
        ? Math.min(MAX_BACKOFF_MS, this.config.relayIntervalMs * 2 ** Math.min(failures, 10))
        : this.config.relayIntervalMs;
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, wait);
        this.wake = () => {
          clearTimeout(t);
          resolve();
        };
      });
    }
  }

  /** Publishes one batch of due rows; returns how many were relayed. */
  async relayBatch(): Promise<number> {
    if (!(await this.queues.waitReady(1_000))) throw new Error('Redis is not reachable');
    return this.db.transaction(RequestContext.system('outbox-relay'), async (ctx) => {
      const rows = await this.db.query<PendingRow>(
        ctx,
        `SELECT id, event_type, payload FROM outbox
          WHERE published_at IS NULL AND available_at <= $1
          ORDER BY id LIMIT ${BATCH}
          FOR UPDATE SKIP LOCKED`,
        [this.clock.now()],
      );
      if (rows.length === 0) return 0;
      const byQueue = new Map<string, { name: string; data: JobData; opts: { jobId: string } }[]>();
      for (const row of rows) {
        const queues = SUBSCRIPTIONS[row.event_type as EventType] ?? [];
        for (const queue of queues) {
          const list = byQueue.get(queue) ?? [];
          list.push({
            name: row.event_type,
            data: { outboxId: String(row.id), type: row.event_type as EventType, payload: row.payload },
            opts: { jobId: String(row.id) },
          });
          byQueue.set(queue, list);
        }
      }
      await withTimeout(
        Promise.all(
          [...byQueue.entries()].map(([queue, jobs]) =>
            this.queues.get(queue as never).addBulk(jobs.map((j) => ({ ...j, opts: { ...j.opts } }))),
          ),
        ),
        PUBLISH_TIMEOUT_MS,
      );
      await this.db.query(
        ctx,
        `UPDATE outbox SET published_at = now(), attempts = attempts + 1 WHERE id = ANY($1::bigint[])`,
        [rows.map((r) => r.id)],
      );
      return rows.length;
    });
  }
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`Redis did not answer within ${ms} ms`)), ms);
    p.then(
      (v) => {
        clearTimeout(t);
        resolve(v);
      },
      (e) => {
        clearTimeout(t);
        reject(e);
      },
    );
  });
}
