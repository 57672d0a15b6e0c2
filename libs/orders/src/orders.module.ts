import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CatalogModule } from '@campus/catalog';
import { PricingModule } from '@campus/pricing';
import { OrderEvent } from './order-event.entity';
import { OrderLine } from './order-line.entity';
import { Order } from './order.entity';
import { OrderService } from './order.service';
import { MoneyLedgerRepository } from './money-ledger.repository';
import { MoneyLedgerService } from './money-ledger.service';
import { PaymentReminderProcessor } from './jobs/payment-reminder.processor';

@Module({
  imports: [TypeOrmModule.forFeature([Order, OrderLine, OrderEvent]), CatalogModule, PricingModule],
  providers: [OrderService, MoneyLedgerRepository, MoneyLedgerService],
  exports: [OrderService, MoneyLedgerService],
})
export class OrdersModule {}

/** The worker side: this context's timers. */
@Module({
  imports: [OrdersModule],
  providers: [PaymentReminderProcessor],
})
export class OrdersJobsModule {}
