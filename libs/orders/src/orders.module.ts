import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CatalogModule } from '@campus/catalog';
import { PricingModule } from '@campus/pricing';
import { OrderEvent } from './order-event.entity';
import { OrderLine } from './order-line.entity';
import { Order } from './order.entity';
import { OrderService } from './order.service';
import { PaymentsService } from './payments.service';
import { PaymentTimerProcessor } from './jobs/payment-timer.processor';

@Module({
  imports: [TypeOrmModule.forFeature([Order, OrderLine, OrderEvent]), CatalogModule, PricingModule],
  providers: [OrderService, PaymentsService],
  exports: [OrderService, PaymentsService],
})
export class OrdersModule {}

/** The worker side: this context's timers. */
@Module({
  imports: [OrdersModule],
  providers: [PaymentTimerProcessor],
})
export class OrdersJobsModule {}
