import { AftersalesJobsModule } from '@campus/aftersales';
import { AuditModule } from '@campus/audit';
import { OtpBudgetRetention, OtpCodesRetention } from '@campus/auth';
import { SmsConversationsRetention } from '@campus/intake';
import { DynamicModule, Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { CommissionsJobsModule } from '@campus/commissions';
import { AppConfig, Clock, CoreModule, maskPhonesInText } from '@campus/core';
import { DatabaseModule } from '@campus/database';
import { FulfilmentJobsModule, PickupLockoutsRetention } from '@campus/fulfilment';
import { DeliveryReportsRetention, NotificationsJobsModule } from '@campus/notifications';
import { IdempotencyKeysRetention, OrdersJobsModule } from '@campus/orders';
import { PaymentsJobsModule } from '@campus/payments';
import { QueueModule, queueSettings, QueueWorkerModule } from '@campus/queue';
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
        DatabaseModule.forRoot(config, ALL_MIGRATIONS, {
          // The worker's class: jobs may run longer than a request, reports are not run here.
          statementMs: config.reliability.dbWorkerStatementTimeoutMs,
          reportStatementMs: config.reliability.dbReportStatementTimeoutMs,
          idleInTransactionMs: config.reliability.dbIdleInTransactionTimeoutMs,
        }),
        AuditModule,
        QueueModule.forRoot({
          ...queueSettings(config),
          ...(queueOpts.backoffMs !== undefined ? { backoffMs: queueOpts.backoffMs } : {}),
          ...(queueOpts.attempts !== undefined ? { attempts: queueOpts.attempts } : {}),
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
      // Retention rules: each lib deletes only its own tables; the worker's RetentionService runs them.
      providers: [
        OtpCodesRetention,
        OtpBudgetRetention,
        IdempotencyKeysRetention,
        SmsConversationsRetention,
        PickupLockoutsRetention,
        DeliveryReportsRetention,
      ],
    };
  }
}
