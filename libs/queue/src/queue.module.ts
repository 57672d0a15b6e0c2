import { BullModule, getQueueToken } from '@nestjs/bull';
import { DynamicModule, Global, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import type { AppConfig } from '@campus/core';
import { JobDispatcher } from './job-dispatcher.service';
import { DeadLetters } from './dead-letters';
import { OutboxRelay } from './outbox-relay.service';
import { ProcessedJobsRetention, RetentionService } from './retention';
import { Sweeper } from './sweeper.service';
import { OutboxService } from './outbox.service';
import { ProcessedJobs } from './processed-jobs.service';
import { ALL_QUEUES } from './queue-names';
import { QueueRegistry, QUEUE_DEFAULTS, QueueDefaults } from './queue.registry';
import { attemptsFor, CAPPED_BACKOFF, retryDelayMs } from './retry-schedule';

export interface QueueSettings {
  redisUrl: string;
  prefix: string;
  /** Overrides the attempts derived from the retry window (tests of the dead-letter path). */
  attempts?: number;
  /** The first retry delay (JOB_BACKOFF_BASE_MS). */
  backoffMs?: number;
  /** The cap of the retry delay (JOB_BACKOFF_MAX_MS). */
  backoffMaxMs?: number;
  /** How long a failing job keeps being retried (JOB_RETRY_HOURS). */
  retryHours?: number;
}

/** The queue settings of a process from its configuration (JOB_RETRY_HOURS, JOB_BACKOFF_*). */
export function queueSettings(config: AppConfig): QueueSettings {
  return {
    redisUrl: config.redisUrl,
    prefix: config.queuePrefix,
    backoffMs: config.reliability.jobBackoffBaseMs,
    backoffMaxMs: config.reliability.jobBackoffMaxMs,
    retryHours: config.reliability.jobRetryHours,
  };
}

/**
 * Every use of Bull lives in this lib: queue registration, the only producer (the outbox relay) and
 * the dispatcher that runs handlers. Other libs see only OutboxService, ConsumesEvent and JobHandler.
 */
@Global()
@Module({})
export class QueueModule {
  static forRoot(settings: QueueSettings): DynamicModule {
    const schedule = {
      baseMs: settings.backoffMs ?? 2_000,
      maxMs: Math.max(settings.backoffMaxMs ?? 300_000, settings.backoffMs ?? 0),
      retryHours: settings.retryHours ?? 24,
    };
    const defaults: QueueDefaults = {
      attempts: settings.attempts ?? attemptsFor(schedule),
      backoffMs: schedule.baseMs,
      backoffMaxMs: schedule.maxMs,
      retryHours: schedule.retryHours,
    };
    return {
      module: QueueModule,
      imports: [
        BullModule.forRoot({
          redis: settings.redisUrl,
          prefix: settings.prefix,
          settings: {
            backoffStrategies: {
              [CAPPED_BACKOFF]: (attemptsMade: number) => retryDelayMs(schedule, attemptsMade),
            },
          },
          defaultJobOptions: {
            attempts: defaults.attempts,
            // Capped exponential back-off for at least JOB_RETRY_HOURS, then the failed set (dead letters).
            backoff: { type: CAPPED_BACKOFF },
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
        DeadLetters,
        { provide: QUEUE_DEFAULTS, useValue: defaults },
        {
          provide: QueueRegistry,
          useFactory: (...queues: ConstructorParameters<typeof QueueRegistry>[0]) =>
            new QueueRegistry(queues),
          inject: ALL_QUEUES.map((name) => getQueueToken(name)),
        },
      ],
      exports: [OutboxService, ProcessedJobs, DeadLetters, QueueRegistry, QUEUE_DEFAULTS],
    };
  }
}

/**
 * The worker side: the outbox relay, the job dispatcher, the sweeper and the retention job. Import
 * once, in apps/worker.
 */
@Module({
  imports: [DiscoveryModule],
  providers: [OutboxRelay, JobDispatcher, Sweeper, RetentionService, ProcessedJobsRetention],
  exports: [OutboxRelay, JobDispatcher, Sweeper, RetentionService],
})
export class QueueWorkerModule {}
