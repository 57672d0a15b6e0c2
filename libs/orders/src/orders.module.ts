import { Module } from '@nestjs/common';
import { CatalogModule } from '@campus/catalog';
import { PricingModule } from '@campus/pricing';
import { OrderService } from './order.service';
import { OrderRepository } from './order.repository';
import { OrderPlacementService } from './order-placement.service';
import { OrderMovesService } from './order-moves.service';
import { OrderReturnsService } from './order-returns.service';
import { OrderQueriesService } from './order-queries.service';
import { MoneyLedgerRepository } from './money-ledger.repository';
import { MoneyLedgerService } from './money-ledger.service';
import { RefundDeskService } from './refund-desk.service';
import { PaymentReminderProcessor } from './jobs/payment-reminder.processor';

@Module({
  imports: [CatalogModule, PricingModule],
  providers: [
    OrderRepository,
    OrderPlacementService,
    OrderMovesService,
    OrderReturnsService,
    OrderQueriesService,
    OrderService,
    MoneyLedgerRepository,
    MoneyLedgerService,
    RefundDeskService,
  ],
  exports: [OrderService, MoneyLedgerService],
})
export class OrdersModule {}

/** The worker side: this context's timers. */
@Module({
  imports: [OrdersModule],
  providers: [PaymentReminderProcessor],
})
export class OrdersJobsModule {}
