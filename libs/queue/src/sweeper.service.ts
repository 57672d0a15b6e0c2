import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { APP_CONFIG, Clock, RequestContext } from '@campus/core';
import type { AppConfig } from '@campus/core';
import { Db } from '@campus/database';
import type { EventType } from './events';
import type { JobData } from './job-dispatcher.service';
import { ALL_QUEUES, QueueName, SUBSCRIPTIONS } from './queue-names';
import { QUEUE_DEFAULTS, QueueDefaults, QueueRegistry } from './queue.registry';

const BATCH = 500;

export interface SweepReport {
  /** Queues whose Redis data was found gone (their epoch token vanished). */
  lostQueues: QueueName[];
  /** Jobs re-published into those queues from the outbox (the retry window's rows). */
  republished: number;
  /** Overdue rows (timers included) the relay had not published, published by the sweeper. */
  overdue: number;
}

interface Row {
  id: string;
  event_type: string;
  payload: Record<string, unknown>;
}

/**
 * The safety net under the outbox relay (issue 17.7), on a slow beat (SWEEP_INTERVAL_MS, ≥ 30 s in
 * production; one SQL statement per beat when idle):
 * - **Vanished jobs.** Each queue's Redis namespace holds an epoch token, also kept in PostgreSQL
 *   (`queue_epochs`). When Redis loses a queue's data (FLUSHALL, a failover to an empty replica) the
 *   token is gone with it: the sweeper re-publishes every outbox row of that queue published within
 *   the retry window (JOB_RETRY_HOURS + 1 h), under the same job ids, then writes a new token.
 *   Consumers are idempotent, so a job that had already run does nothing the second time.
 * - **Overdue rows.** Rows (timers included) due for longer than two beats and still unpublished —
 *   the relay is stuck or gone — are claimed (SKIP LOCKED, like the relay) and published.
 * Several workers may sweep at once: job ids de-duplicate, claims skip each other's rows.
 */
@Injectable()
export class Sweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger(Sweeper.name);
  private readonly known = new Map<QueueName, string>();
  private timer?: NodeJS.Timeout;
  private running = false;
  private current?: Promise<unknown>;

  constructor(
    private readonly db: Db,
    private readonly queues: QueueRegistry,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(QUEUE_DEFAULTS) private readonly defaults: QueueDefaults,
    private readonly clock: Clock,
  ) {}

  onApplicationBootstrap(): void {
    this.running = true;
    // The first beat comes soon after start: a flush while no worker ran is found at once.
    this.schedule(Math.min(5_000, this.config.reliability.sweepIntervalMs));
  }

  async onApplicationShutdown(): Promise<void> {
    this.running = false;
    clearTimeout(this.timer);
    await this.current?.catch(() => undefined);
  }

  private schedule(ms: number): void {
    if (!this.running) return;
    this.timer = setTimeout(() => {
      this.current = this.sweep()
        .catch((err: Error) => this.log.warn(`sweep failed: ${err.message}`))
        .finally(() => this.schedule(this.config.reliability.sweepIntervalMs));
    }, ms);
    this.timer.unref();
  }

  /** One beat. Does nothing while Redis is unreachable (the relay waits for it too). */
  async sweep(): Promise<SweepReport> {
    const report: SweepReport = { lostQueues: [], republished: 0, overdue: 0 };
    if (!(await this.queues.waitReady(1_000))) return report;
    for (const name of ALL_QUEUES) {
      const lost = await this.checkEpoch(name);
      if (lost === null) continue;
      report.lostQueues.push(name);
      const n = await this.republish(name);
      report.republished += n;
      await this.establish(name, n);
      this.log.warn(`queue ${name} lost its Redis data; re-published ${n} job(s) from the outbox`);
    }
    report.overdue = await this.publishOverdue();
    if (report.overdue) this.log.warn(`published ${report.overdue} overdue outbox row(s) the relay had left`);
    return report;
  }

  private epochKey(name: QueueName): string {
    return this.queues.get(name).toKey('sweeper-epoch');
  }

  /** null when the queue's Redis data is intact; otherwise the token PostgreSQL remembers. */
  private async checkEpoch(name: QueueName): Promise<string | null> {
    const redisToken = await this.queues.get(name).client.get(this.epochKey(name));
    if (redisToken && redisToken === this.known.get(name)) return null;
    const [row] = await this.db.query<{ token: string }>(
      RequestContext.system('sweeper'),
      `SELECT token FROM queue_epochs WHERE queue = $1`,
      [name],
    );
    if (!row) {
      // Never established (a new installation, or the first release with the sweeper): nothing to
      // compare with, so nothing is assumed lost.
      await this.establish(name, null);
      return null;
    }
    if (redisToken === row.token) {
      this.known.set(name, redisToken);
      return null;
    }
    return row.token;
  }

  /** A new token: PostgreSQL first, then Redis (a crash in between is found lost again: harmless). */
  private async establish(name: QueueName, republished: number | null): Promise<void> {
    const token = randomUUID();
    await this.db.query(
      RequestContext.system('sweeper'),
      `INSERT INTO queue_epochs (queue, token) VALUES ($1, $2)
       ON CONFLICT (queue) DO UPDATE SET token = EXCLUDED.token, established_at = now(),
         lost_count = queue_epochs.lost_count + CASE WHEN $3::int IS NULL THEN 0 ELSE 1 END,
         last_lost_at = CASE WHEN $3::int IS NULL THEN queue_epochs.last_lost_at ELSE now() END,
         last_republished = COALESCE($3::int, queue_epochs.last_republished)`,
      [name, token, republished],
    );
    await this.queues.get(name).client.set(this.epochKey(name), token);
    this.known.set(name, token);
  }

  /** Re-publishes the rows of `name`'s events published within the retry window, oldest first. */
  private async republish(name: QueueName): Promise<number> {
    const types = (Object.keys(SUBSCRIPTIONS) as EventType[]).filter((t) => SUBSCRIPTIONS[t].includes(name));
    const windowHours = this.defaults.retryHours + 1;
    let after = '0';
    let total = 0;
    for (;;) {
      const rows = await this.db.query<Row>(
        RequestContext.system('sweeper'),
        `SELECT id, event_type, payload FROM outbox
          WHERE published_at IS NOT NULL AND published_at > now() - make_interval(hours => $1)
            AND event_type = ANY($2::text[]) AND id > $3
          ORDER BY id LIMIT ${BATCH}`,
        [windowHours, types, after],
      );
      if (rows.length === 0) return total;
      await this.queues.get(name).addBulk(rows.map((r) => job(r)));
      total += rows.length;
      after = rows[rows.length - 1].id;
    }
  }

  /** Publishes rows due for more than two beats that the relay has not published. */
  private async publishOverdue(): Promise<number> {
    const before = new Date(this.clock.now().getTime() - 2 * this.config.reliability.sweepIntervalMs);
    const ctx = RequestContext.system('sweeper');
    // The idle beat's one statement (on the pending index); the claim only when something is overdue.
    const any = await this.db.query(
      ctx,
      `SELECT 1 FROM outbox WHERE published_at IS NULL AND available_at < $1 LIMIT 1`,
      [before],
    );
    if (any.length === 0) return 0;
    return this.db.transaction(ctx, async (tx) => {
      const rows = await this.db.query<Row>(
        tx,
        `SELECT id, event_type, payload FROM outbox
          WHERE published_at IS NULL AND available_at < $1
          ORDER BY available_at, id LIMIT ${BATCH}
          FOR UPDATE SKIP LOCKED`,
        [before],
      );
      if (rows.length === 0) return 0;
      const byQueue = new Map<QueueName, Row[]>();
      for (const r of rows) {
        for (const q of SUBSCRIPTIONS[r.event_type as EventType] ?? []) {
          byQueue.set(q, [...(byQueue.get(q) ?? []), r]);
        }
      }
      await Promise.all([...byQueue].map(([q, list]) => this.queues.get(q).addBulk(list.map((r) => job(r)))));
      await this.db.query(
        tx,
        `UPDATE outbox SET published_at = now(), attempts = attempts + 1 WHERE id = ANY($1::bigint[])`,
        [rows.map((r) => r.id)],
      );
      return rows.length;
    });
  }
}

function job(r: Row): { name: string; data: JobData; opts: { jobId: string } } {
  return {
    name: r.event_type,
    data: { outboxId: String(r.id), type: r.event_type as EventType, payload: r.payload },
    opts: { jobId: String(r.id) },
  };
}
