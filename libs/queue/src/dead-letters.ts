import { Inject, Injectable } from '@nestjs/common';
import { NotFoundError, RequestContext } from '@campus/core';
import { Db } from '@campus/database';
import type { Job } from 'bull';
import type { JobData } from './job-dispatcher.service';
import { ALL_QUEUES, QueueName } from './queue-names';
import { QUEUE_DEFAULTS, QueueDefaults, QueueRegistry } from './queue.registry';

/** A job that used up its retries (JOB_RETRY_HOURS) or failed for good: it waits for an admin. */
export interface DeadLetter {
  queue: QueueName;
  jobId: string;
  type: string;
  outboxId: string | null;
  attemptsMade: number;
  failedReason: string | null;
  failedAt: string | null;
}

export interface OutboxHealth {
  /** Rows due and not yet handed to Redis. */
  backlog: number;
  /** When the oldest of them became due (the relay's lag), or null. */
  oldestDueAt: string | null;
  /** Timers (rows made with a later `available_at`) not yet published. */
  pendingTimers: number;
  /** The due time of the oldest unpublished timer (in the past: overdue), or null. */
  oldestPendingTimerAt: string | null;
}

/**
 * Dead letters are the jobs in Bull's failed sets: a handler that kept failing for the whole retry
 * window, or failed permanently. Nothing is dropped: health reports how many there are, the dashboard
 * (/admin/queues) shows them, and `rerun` gives one a fresh retry schedule.
 */
@Injectable()
export class DeadLetters {
  constructor(
    private readonly queues: QueueRegistry,
    private readonly db: Db,
    @Inject(QUEUE_DEFAULTS) private readonly defaults: QueueDefaults,
  ) {}

  /** Dead letters per queue. */
  async counts(): Promise<Record<QueueName, number>> {
    const entries = await Promise.all(
      ALL_QUEUES.map(async (name) => [name, await this.queues.get(name).getFailedCount()] as const),
    );
    return Object.fromEntries(entries) as Record<QueueName, number>;
  }

  /** The newest dead letters of every queue (at most `limit` per queue). */
  async list(limit = 50): Promise<DeadLetter[]> {
    const out: DeadLetter[] = [];
    for (const name of ALL_QUEUES) {
      const jobs = (await this.queues.get(name).getFailed(0, limit - 1)) as Job<JobData>[];
      out.push(...jobs.filter(Boolean).map((j) => describe(name, j)));
    }
    return out.sort((a, b) => (b.failedAt ?? '').localeCompare(a.failedAt ?? ''));
  }

  /**
   * Runs a dead letter again with a fresh retry schedule (all attempts, back-off from the start).
   * The new job is added before the dead one is removed, so a Redis error in between loses nothing
   * (at worst both exist, and consumers are idempotent). Its id is the outbox id with a re-run mark;
   * the payload still names the outbox row.
   */
  async rerun(queue: string, jobId: string): Promise<DeadLetter> {
    if (!(ALL_QUEUES as readonly string[]).includes(queue)) throw new NotFoundError('dead letter', jobId);
    const q = this.queues.get(queue as QueueName);
    const job = (await q.getJob(jobId)) as Job<JobData> | null;
    if (!job || !(await job.isFailed())) throw new NotFoundError('dead letter', jobId);
    const dead = describe(queue as QueueName, job);
    const baseId = String(job.id).split('~')[0];
    await q.add(job.name, job.data, {
      jobId: `${baseId}~rerun${Date.now()}`,
      attempts: this.defaults.attempts,
    });
    await job.remove();
    return dead;
  }

  /** The outbox's backlog and its oldest timer (one statement, on the pending index). */
  async outbox(ctx: RequestContext): Promise<OutboxHealth> {
    const [row] = await this.db.query<{
      backlog: string;
      oldest_due: Date | null;
      timers: string;
      oldest_timer: Date | null;
    }>(
      ctx,
      `SELECT count(*) FILTER (WHERE available_at <= now()) AS backlog,
              min(available_at) FILTER (WHERE available_at <= now()) AS oldest_due,
              count(*) FILTER (WHERE available_at > created_at) AS timers,
              min(available_at) FILTER (WHERE available_at > created_at) AS oldest_timer
         FROM outbox WHERE published_at IS NULL`,
    );
    return {
      backlog: Number(row.backlog),
      oldestDueAt: row.oldest_due ? new Date(row.oldest_due).toISOString() : null,
      pendingTimers: Number(row.timers),
      oldestPendingTimerAt: row.oldest_timer ? new Date(row.oldest_timer).toISOString() : null,
    };
  }
}

function describe(queue: QueueName, job: Job<JobData>): DeadLetter {
  return {
    queue,
    jobId: String(job.id),
    type: job.name,
    outboxId: job.data?.outboxId ?? null,
    attemptsMade: job.attemptsMade,
    failedReason: job.failedReason ?? null,
    failedAt: job.finishedOn ? new Date(job.finishedOn).toISOString() : null,
  };
}
