import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { RequestContext } from '@campus/core';
import type { Job } from 'bull';
import type { EventType } from './events';
import { JOB_HANDLER, JobHandler, JobHandlerMeta, PermanentJobError } from './job-handler';
import { ALL_QUEUES, QueueName, SUBSCRIPTIONS } from './queue-names';
import { QueueRegistry } from './queue.registry';

/** What the relay puts in a Bull job. */
export interface JobData {
  outboxId: string;
  type: EventType;
  payload: Record<string, unknown>;
}

const CONCURRENCY = 8;

/**
 * Finds every @ConsumesEvent handler, checks that each subscription has exactly one, and runs them.
 * A handler that throws is retried with exponential backoff; after the last attempt the job stays in
 * the failed set (visible on the dashboard and in health), never silently dropped.
 */
@Injectable()
export class JobDispatcher implements OnApplicationBootstrap {
  private readonly log = new Logger(JobDispatcher.name);
  private readonly handlers = new Map<string, JobHandler>();

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly queues: QueueRegistry,
  ) {}

  onApplicationBootstrap(): void {
    this.collectHandlers();
    for (const name of ALL_QUEUES) {
      void this.queues.get(name).process('*', CONCURRENCY, (job: Job<JobData>) => this.run(name, job));
    }
  }

  /** Exposed for the start-up check test. */
  collectHandlers(): Map<string, JobHandler> {
    this.handlers.clear();
    const seen = new Map<string, string[]>();
    for (const wrapper of this.discovery.getProviders()) {
      const instance = wrapper.instance as JobHandler | undefined;
      if (!instance || !wrapper.metatype) continue;
      const meta = Reflect.getMetadata(JOB_HANDLER, wrapper.metatype) as JobHandlerMeta | undefined;
      if (!meta) continue;
      const key = `${meta.queue}:${meta.type}`;
      seen.set(key, [...(seen.get(key) ?? []), wrapper.name]);
      this.handlers.set(key, instance);
    }
    const problems: string[] = [];
    for (const [type, queues] of Object.entries(SUBSCRIPTIONS)) {
      for (const queue of queues) {
        const found = seen.get(`${queue}:${type}`) ?? [];
        if (found.length !== 1) {
          problems.push(
            `${type} on queue ${queue} needs exactly one handler, found ${found.length} (${found.join(', ')})`,
          );
        }
      }
    }
    for (const key of seen.keys()) {
      const [queue, type] = key.split(':') as [QueueName, EventType];
      if (!SUBSCRIPTIONS[type]?.includes(queue))
        problems.push(`handler for ${key} has no subscription in SUBSCRIPTIONS`);
    }
    if (problems.length) throw new Error(`Job handler check failed:\n  ${problems.join('\n  ')}`);
    return this.handlers;
  }

  private async run(queue: QueueName, job: Job<JobData>): Promise<void> {
    const handler = this.handlers.get(`${queue}:${job.name}`);
    if (!handler) throw new Error(`no handler for ${job.name} on ${queue}`);
    const attempt = job.attemptsMade + 1;
    const ctx = RequestContext.system(`job:${queue}:${job.id}`);
    try {
      await handler.handle(ctx, {
        outboxId: job.data.outboxId,
        type: job.data.type,
        payload: job.data.payload as never,
        attempt,
        lastAttempt: attempt >= (job.opts.attempts ?? 1),
      });
    } catch (err) {
      if (err instanceof PermanentJobError) {
        this.log.warn(`${queue}/${job.name} #${job.id} failed permanently: ${err.message}`);
        await job.discard();
      } else {
        this.log.warn(`${queue}/${job.name} #${job.id} attempt ${attempt} failed: ${(err as Error).message}`);
      }
      throw err;
    }
  }
}
