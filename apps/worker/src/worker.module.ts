import { AftersalesJobsModule } from '@campus/aftersales';
import { AuditModule } from '@campus/audit';
import { DynamicModule, Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { CommissionsJobsModule } from '@campus/commissions';
import { AppConfig, Clock, CoreModule, maskPhonesInText } from '@campus/core';
import { DatabaseModule } from '@campus/database';
import { FulfilmentJobsModule } from '@campus/fulfilment';
import { NotificationsJobsModule } from '@campus/notifications';
import { OrdersJobsModule } from '@campus/orders';
import { PaymentsJobsModule } from '@campus/payments';
import { QueueModule, QueueWorkerModule } from '@campus/queue';
import { TasksJobsModule } from '@campus/tasks';
import { ALL_MIGRATIONS } from '../../../migrations';
import { AlertsJobsModule } from './alerts/alerts-jobs.module';

/** The worker: the outbox relay and every context's queue consumers. No HTTP. */
@Module({})
export class WorkerModule {
  static forRoot(
    config: AppConfig,
    clock?: Clock,
    queueOpts: { backoffMs?: number; attempts?: number } = {},
  ): DynamicModule {
    return {
      module: WorkerModule,
      imports: [
        CoreModule.forRoot(config, clock),
        LoggerModule.forRoot({
          pinoHttp: {
            level: config.logLevel,
            hooks: {
              logMethod(args: unknown[], method: (...a: unknown[]) => void) {
                method.apply(
                  this,
                  args.map((a) => (typeof a === 'string' ? maskPhonesInText(a) : a)),
                );
              },
            },
          },
        }),
        DatabaseModule.forRoot(config, ALL_MIGRATIONS),
        AuditModule,
        QueueModule.forRoot({
          redisUrl: config.redisUrl,
          redisCluster: config.redisCluster,
          prefix: config.queuePrefix,
          lockMs: config.queueLockMs,
          ...queueOpts,
        }),
        QueueWorkerModule,
        NotificationsJobsModule,
        OrdersJobsModule,
        FulfilmentJobsModule,
        TasksJobsModule,
        CommissionsJobsModule,
        PaymentsJobsModule,
        AftersalesJobsModule,
        AlertsJobsModule,
      ],
    };
  }
}
