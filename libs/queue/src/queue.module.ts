import { BullModule, getQueueToken } from '@nestjs/bull';
import { DynamicModule, Global, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { JobDispatcher } from './job-dispatcher.service';
import { OutboxRelay } from './outbox-relay.service';
import { OutboxService } from './outbox.service';
import { ProcessedJobs } from './processed-jobs.service';
import { ALL_QUEUES } from './queue-names';
import { QueueRegistry, QUEUE_DEFAULTS, QueueDefaults } from './queue.registry';
import { BullClusterConnections } from './redis-connections';

export interface QueueSettings {
  redisUrl: string;
  /** REDIS_URL is a seed node of a Redis Cluster; `prefix` then carries a hash tag (`{campus}`). */
  redisCluster?: boolean;
  prefix: string;
  /** Bull's lockDuration, also the interval of its stalled-job check (default 30 s). */
  lockMs?: number;
  attempts?: number;
  backoffMs?: number;
}

/**
 * Every use of Bull lives in this lib: queue registration, the only producer (the outbox relay) and
 * the dispatcher that runs handlers. Other libs see only OutboxService, ConsumesEvent and JobHandler.
 */
@Global()
@Module({})
export class QueueModule {
  static forRoot(settings: QueueSettings): DynamicModule {
    const defaults: QueueDefaults = {
      attempts: settings.attempts ?? 6,
      backoffMs: settings.backoffMs ?? 2000,
    };
    // On a cluster every queue shares the prefix's hash slot, so Bull's multi-key scripts stay legal.
    const cluster = settings.redisCluster
      ? new BullClusterConnections({ url: settings.redisUrl, cluster: true })
      : undefined;
    return {
      module: QueueModule,
      imports: [
        BullModule.forRoot({
          redis: settings.redisUrl,
          ...(cluster ? { createClient: cluster.createClient } : {}),
          prefix: settings.prefix,
          // A dead worker's jobs return to the queue once their lock lapses (at the next stalled check).
          settings: { lockDuration: settings.lockMs ?? 30_000, stalledInterval: settings.lockMs ?? 30_000 },
          defaultJobOptions: {
            attempts: defaults.attempts,
            backoff: { type: 'exponential', delay: defaults.backoffMs },
            // Completed jobs leave Redis at once: the job id (the outbox id) guards against publishing a
            // row twice while it waits, and consumers keep their own records of what they did.
            removeOnComplete: true,
            removeOnFail: false,
          },
        }),
        ...ALL_QUEUES.map((name) => BullModule.registerQueue({ name })),
      ],
      providers: [
        OutboxService,
        ProcessedJobs,
        { provide: QUEUE_DEFAULTS, useValue: defaults },
        {
          provide: QueueRegistry,
          useFactory: (...queues: ConstructorParameters<typeof QueueRegistry>[0]) =>
            new QueueRegistry(queues, cluster),
          inject: ALL_QUEUES.map((name) => getQueueToken(name)),
        },
      ],
      exports: [OutboxService, ProcessedJobs, QueueRegistry, QUEUE_DEFAULTS],
    };
  }
}

/** The worker side: the outbox relay and the job dispatcher. Import once, in apps/worker. */
@Module({
  imports: [DiscoveryModule],
  providers: [OutboxRelay, JobDispatcher],
  exports: [OutboxRelay, JobDispatcher],
})
export class QueueWorkerModule {}
