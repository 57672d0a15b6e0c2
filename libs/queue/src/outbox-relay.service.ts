import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, Clock, RequestContext } from '@campus/core';
import type { AppConfig } from '@campus/core';
import { Db } from '@campus/database';
import type { EventType } from './events';
import type { JobData } from './job-dispatcher.service';
import { OutboxListener } from './outbox-listener';
import { QueueRegistry } from './queue.registry';
import { SUBSCRIPTIONS } from './queue-names';

const BATCH = 500;
const MAX_BACKOFF_MS = 5_000;
const PUBLISH_TIMEOUT_MS = 5_000;
/** How long a claimed row is the claimer's (well above the publish timeout). */
const CLAIM_LEASE_S = 30;

interface PendingRow {
  id: string | null;
  event_type: string | null;
  payload: Record<string, unknown> | null;
  /** Only on the extra row: when the next timer (a row not due yet) falls due. */
  next_at: Date | null;
}

/** What one relay pass did. */
export interface RelayPass {
  relayed: number;
  /** When the earliest row that is not due yet falls due (by the app's Clock), if any. */
  nextAt: Date | null;
}

/**
 * Moves committed outbox rows to their Bull queues. Rows are claimed with a lease (one UPDATE, SKIP
 * LOCKED), so any number of workers relay in parallel without publishing a row twice; a row is marked
 * published only after Redis accepted its jobs (see relayBatch). While Redis is down the relay backs
 * off and the rows simply wait.
 *
 * It does not poll: it sleeps until PostgreSQL tells it (`NOTIFY outbox_ready`, sent by a trigger when
 * a transaction that appended rows commits, see OutboxListener), until the next timer falls due
 * (timers are rows whose `available_at` lies ahead; "due" is decided by the app's Clock, and a test
 * clock that jumps wakes it), or until the slow safety poll (RELAY_SAFETY_POLL_MS). A wake-up waits
 * RELAY_BATCH_WINDOW_MS so that rows committed together are claimed together (a pass is two
 * statements whatever its size). The safety poll first asks with one statement whether anything is
 * due, so an idle system costs one statement per poll and worker. While the LISTEN connection is
 * down it polls every RELAY_INTERVAL_MS, as it did before.
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger(OutboxRelay.name);
  private running = false;
  private loop?: Promise<void>;
  private wake?: () => void;
  /** Set by a notice or a clock jump that arrived while a pass was running: go round again at once. */
  private poked = false;
  private readonly listener: OutboxListener;
  private stopClock?: () => void;

  constructor(
    private readonly db: Db,
    private readonly queues: QueueRegistry,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {
    this.listener = new OutboxListener(config.relayListenUrl || config.databaseUrl, () => this.poke());
  }

  onApplicationBootstrap(): void {
    this.running = true;
    this.stopClock = this.clock.onJump(() => this.poke());
    this.listener.start();
    this.loop = this.run();
  }

  async onApplicationShutdown(): Promise<void> {
    this.running = false;
    this.stopClock?.();
    this.wake?.();
    await this.loop;
    await this.listener.stop();
  }

  /** Something may be due now (a notice, a clock jump): run a pass as soon as possible. */
  private poke(): void {
    this.poked = true;
    this.wake?.();
  }

  private async run(): Promise<void> {
    let failures = 0;
    // The first pass claims whatever accumulated while no relay ran.
    let probe = false;
    while (this.running) {
      this.poked = false;
      let pass: RelayPass = { relayed: 0, nextAt: null };
      try {
        pass = probe && !(await this.anythingDue()) ? await this.nextTimer() : await this.relayBatch();
        if (failures > 0) this.log.log('outbox relay recovered');
        failures = 0;
      } catch (err) {
        failures++;
        if (failures === 1 || failures % 20 === 0) {
          this.log.warn(`outbox relay paused: ${(err as Error).message}`);
        }
      }
      if (!this.running) break;
      if (pass.relayed === BATCH) {
        probe = false;
        continue;
      }
      let wait: number;
      if (failures) {
        wait = Math.min(MAX_BACKOFF_MS, this.config.relayIntervalMs * 2 ** Math.min(failures, 10));
      } else if (!this.listener.listening) {
        wait = this.config.relayIntervalMs;
      } else {
        const untilTimer = pass.nextAt ? pass.nextAt.getTime() - this.clock.now().getTime() : Infinity;
        wait = Math.max(0, Math.min(this.config.relaySafetyPollMs, untilTimer));
      }
      const reason = this.poked ? 'poke' : await this.sleep(wait);
      // A timer falling due or a notice is worth a full pass; the safety poll only asks first.
      probe =
        reason === 'timeout' &&
        failures === 0 &&
        this.listener.listening &&
        wait >= this.config.relaySafetyPollMs;
      if (reason === 'poke' && this.config.relayBatchWindowMs > 0 && this.running) {
        await new Promise((r) => setTimeout(r, this.config.relayBatchWindowMs));
      }
    }
  }

  private sleep(ms: number): Promise<'poke' | 'timeout'> {
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        this.wake = undefined;
        resolve('timeout');
      }, ms);
      this.wake = () => {
        this.wake = undefined;
        clearTimeout(t);
        resolve('poke');
      };
    });
  }

  /** One statement, no transaction: is any row due? (the safety poll of an idle system) */
  private async anythingDue(): Promise<boolean> {
    const rows = await this.db.query(
      RequestContext.system('outbox-relay'),
      `SELECT 1 FROM outbox WHERE published_at IS NULL AND available_at <= $1
          AND (claimed_until IS NULL OR claimed_until < now()) LIMIT 1`,
      [this.clock.now()],
    );
    return rows.length > 0;
  }

  /** When the next timer falls due (one statement; the index on pending rows answers it). */
  private async nextTimer(): Promise<RelayPass> {
    const [row] = await this.db.query<{ next_at: Date | null }>(
      RequestContext.system('outbox-relay'),
      `SELECT min(available_at) AS next_at FROM outbox WHERE published_at IS NULL AND available_at > $1`,
      [this.clock.now()],
    );
    return { relayed: 0, nextAt: row?.next_at ?? null };
  }

  /**
   * Publishes one batch of due rows (up to 500, one claim) and tells when the next timer falls due.
   * Two autocommit statements whatever the batch size (issue 18; it was BEGIN, SELECT … FOR UPDATE
   * SKIP LOCKED, UPDATE, COMMIT): the claim — an UPDATE setting a lease (`claimed_until`) on rows
   * nobody holds, SKIP LOCKED — and, once Redis accepted the jobs, the mark. With nothing due (or
   * another relay got there first) it is the claim alone. A relay that dies between claim and mark
   * loses nothing: the row stays unpublished, its lease runs out and the next pass claims it again
   * (a surviving relay wakes when the lease runs out; the safety poll at the latest); Bull's job id is the outbox id, so a job that reached Redis is
   * not queued twice. Should Redis refuse the jobs, the lease is given back at once.
   */
  async relayBatch(): Promise<RelayPass> {
    if (!(await this.queues.waitReady(1_000))) throw new Error('Redis is not reachable');
    const ctx = RequestContext.system('outbox-relay');
    const now = this.clock.now();
    const all = await this.db.query<PendingRow>(
      ctx,
      `WITH due AS (
         SELECT id FROM outbox
          WHERE published_at IS NULL AND available_at <= $1 AND (claimed_until IS NULL OR claimed_until < now())
          ORDER BY id LIMIT ${BATCH}
          FOR UPDATE SKIP LOCKED),
       claimed AS (
         UPDATE outbox o SET claimed_until = now() + make_interval(secs => ${CLAIM_LEASE_S}), attempts = o.attempts + 1
           FROM due WHERE o.id = due.id
         RETURNING o.id, o.event_type, o.payload)
       SELECT id, event_type, payload, NULL::timestamptz AS next_at FROM claimed
       UNION ALL
       SELECT NULL, NULL, NULL, least(
         (SELECT min(available_at) FROM outbox WHERE published_at IS NULL AND available_at > $1),
         -- another relay's live lease: look again when it runs out (by the app's clock)
         (SELECT $1::timestamptz + (min(claimed_until) - now()) FROM outbox
           WHERE published_at IS NULL AND claimed_until > now()))`,
      [now],
      { prepare: 'outbox_relay_claim_lease' },
    );
    const rows = all.filter((r) => r.id !== null).sort((a, b) => Number(a.id) - Number(b.id));
    const nextAt = all.find((r) => r.id === null)?.next_at ?? null;
    if (rows.length === 0) return { relayed: 0, nextAt };
    const ids = rows.map((r) => r.id);
    const byQueue = new Map<string, { name: string; data: JobData; opts: { jobId: string } }[]>();
    for (const row of rows) {
      const queues = SUBSCRIPTIONS[row.event_type as EventType] ?? [];
      for (const queue of queues) {
        const list = byQueue.get(queue) ?? [];
        list.push({
          name: row.event_type!,
          data: { outboxId: String(row.id), type: row.event_type as EventType, payload: row.payload! },
          opts: { jobId: String(row.id) },
        });
        byQueue.set(queue, list);
      }
    }
    try {
      await withTimeout(
        Promise.all(
          [...byQueue.entries()].map(([queue, jobs]) =>
            this.queues.get(queue as never).addBulk(jobs.map((j) => ({ ...j, opts: { ...j.opts } }))),
          ),
        ),
        PUBLISH_TIMEOUT_MS,
      );
    } catch (err) {
      // Give the rows back for the next pass (best effort: else the lease runs out).
      await this.db
        .query(
          ctx,
          `UPDATE outbox SET claimed_until = NULL WHERE id = ANY($1::bigint[]) AND published_at IS NULL`,
          [ids],
        )
        .catch(() => undefined);
      throw err;
    }
    await this.db.query(
      ctx,
      `UPDATE outbox SET published_at = now(), claimed_until = NULL WHERE id = ANY($1::bigint[])`,
      [ids],
      { prepare: 'outbox_relay_mark_lease' },
    );
    return { relayed: rows.length, nextAt };
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
