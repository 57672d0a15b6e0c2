import { AftersalesModule } from '@campus/aftersales';
import { AuditModule } from '@campus/audit';
import { ThrottlerStorageRedisService } from '@nest-lab/throttler-storage-redis';
import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import { ThrottlerModule } from '@nestjs/throttler';
import { LoggerModule } from 'nestjs-pino';
import { AuthModule, JwtAuthGuard, RolesGuard } from '@campus/auth';
import { CatalogModule } from '@campus/catalog';
import { CommissionsModule } from '@campus/commissions';
import { AppConfig, APP_CONFIG, Clock, CoreModule } from '@campus/core';
import { DatabaseModule } from '@campus/database';
import { FulfilmentModule } from '@campus/fulfilment';
import { IntakeModule } from '@campus/intake';
import { NetworkModule } from '@campus/network';
import { NotificationsModule } from '@campus/notifications';
import { OrdersModule } from '@campus/orders';
import { PricingAdminModule } from '@campus/pricing';
import { PaymentsModule } from '@campus/payments';
import { QueueModule, queueSettings } from '@campus/queue';
import { ReportsModule } from '@campus/reports';
import { TasksModule } from '@campus/tasks';
import { ALL_MIGRATIONS } from '../../../migrations';
import { QueueSessionController } from './admin/queue-board';
import { DeadLettersController } from './admin/dead-letters.controller';
import { AuditController } from './audit/audit.controller';
import { AuthController } from './auth/auth.controller';
import { PasswordChangeThrottlerGuard, SignInThrottlerGuard } from './auth/login-throttler.guard';
import { OtpSignInService } from './auth/otp-sign-in.service';
import { ProductsController } from './catalog/products.controller';
import { CommissionRulesController } from './commissions/commission-rules.controller';
import { CommissionsController } from './commissions/commissions.controller';
import { SettlementsController } from './commissions/settlements.controller';
import { SmsInboundController } from './channels/sms-inbound.controller';
import { pinoOptions } from './common/logging';
import { ProblemDetailsFilter } from './common/problem.filter';
import { ResilientThrottlerStorage } from './common/throttler-storage';
import { AgentCashService } from './fulfilment/agent-cash.service';
import { AgentWorkService } from './fulfilment/agent-work.service';
import { DeliveriesController } from './fulfilment/deliveries.controller';
import { DesksController } from './fulfilment/desks.controller';
import { LockersController } from './fulfilment/lockers.controller';
import { HealthController } from './health/health.controller';
import { AlertsController } from './notifications/alerts.controller';
import { NotificationsController } from './notifications/notifications.controller';
import { OrderRateGuard } from './orders/order-rate.guard';
import { OrderTimelineService } from './orders/order-timeline.service';
import { OrdersController } from './orders/orders.controller';
import { OrderPaymentsController } from './payments/order-payments.controller';
import { PaymentsController } from './payments/payments.controller';
import { NetworkPricingPlaces } from './pricing/network-pricing-places';
import { FlashSalesController, PromotionsController } from './pricing/promotions.controller';
import { RefundsController } from './payments/refunds.controller';
import { TwilioStatusController } from './channels/twilio-status.controller';
import { REDIS, RedisModule } from './redis.provider';
import { ReportsController } from './reports/reports.controller';
import { AddressesController } from './shop/addresses.controller';
import { ShopCatalogueService } from './shop/shop-catalogue.service';
import { ShopController } from './shop/shop.controller';
import { ShopThrottlerGuard } from './shop/shop-throttler.guard';
import { NetworkController } from './setup/network.controller';
import { StaffController } from './setup/staff.controller';
import { StaffService } from './setup/staff.service';
import { TasksController } from './tasks/tasks.controller';
import type Redis from 'ioredis';
import type { DestinationStream } from 'pino';

/** The HTTP entry: every context's controllers, guarded by JWT + roles (deny by default). */
@Module({})
export class AppModule {
  static forRoot(config: AppConfig, clock?: Clock, logDestination?: DestinationStream): DynamicModule {
    return {
      module: AppModule,
      imports: [
        CoreModule.forRoot(config, clock),
        LoggerModule.forRoot(pinoOptions(config, logDestination)),
        DatabaseModule.forRoot(config, ALL_MIGRATIONS, {
          statementMs: config.reliability.dbStatementTimeoutMs,
          reportStatementMs: config.reliability.dbReportStatementTimeoutMs,
          idleInTransactionMs: config.reliability.dbIdleInTransactionTimeoutMs,
        }),
        AuditModule,
        QueueModule.forRoot(queueSettings(config)),
        ThrottlerModule.forRootAsync({
          imports: [RedisModule],
          inject: [APP_CONFIG, REDIS],
          useFactory: (cfg: AppConfig, redis: Redis) => ({
            throttlers: [{ name: 'default', ttl: 60_000, limit: 60 }],
            storage: new ResilientThrottlerStorage(new ThrottlerStorageRedisService(redis)),
            skipIf: () => !cfg.rateLimits,
          }),
        }),
        RedisModule,
        TerminusModule.forRoot({ logger: false }),
        AuthModule,
        CatalogModule,
        NetworkModule,
        OrdersModule,
        IntakeModule,
        NotificationsModule,
        FulfilmentModule,
        TasksModule,
        ReportsModule,
        CommissionsModule,
        PricingAdminModule.register({ places: NetworkPricingPlaces, imports: [NetworkModule] }),
        PaymentsModule,
        AftersalesModule,
      ],
      controllers: [
        AuthController,
        AuditController,
        QueueSessionController,
        DeadLettersController,
        NetworkController,
        StaffController,
        ProductsController,
        OrdersController,
        NotificationsController,
        PaymentsController,
        OrderPaymentsController,
        RefundsController,
        TwilioStatusController,
        DeliveriesController,
        LockersController,
        DesksController,
        AlertsController,
        HealthController,
        SmsInboundController,
        TasksController,
        ReportsController,
        CommissionRulesController,
        CommissionsController,
        SettlementsController,
        PromotionsController,
        FlashSalesController,
        ShopController,
        AddressesController,
      ],
      providers: [
        OtpSignInService,
        StaffService,
        AgentWorkService,
        AgentCashService,
        OrderTimelineService,
        SignInThrottlerGuard,
        ShopThrottlerGuard,
        ShopCatalogueService,
        PasswordChangeThrottlerGuard,
        OrderRateGuard,
        { provide: APP_GUARD, useClass: JwtAuthGuard },
        { provide: APP_GUARD, useClass: RolesGuard },
        { provide: APP_FILTER, useClass: ProblemDetailsFilter },
      ],
    };
  }
}
