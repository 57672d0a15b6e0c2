import { Module } from '@nestjs/common';
import { NetworkModule } from '@campus/network';
import { NotificationsJobsModule, NotificationsModule } from '@campus/notifications';
import { OrdersModule } from '@campus/orders';
import { AssignmentService } from './assignment.service';
import { CashUpRepository } from './cash-up.repository';
import { CashUpService } from './cash-up.service';
import { CodLedgerService } from './cod-ledger.service';
import { DeliveryAttemptsService } from './delivery-attempts.service';
import { CompartmentsService } from './compartments.service';
import { DeliveryService } from './delivery.service';
import { AgentMovedProcessor } from './jobs/agent-moved.processor';
import { AgentSuspendedProcessor } from './jobs/agent-suspended.processor';
import { AssignConfirmedOrderProcessor } from './jobs/assign-confirmed-order.processor';
import { AssignJob } from './jobs/assign-job';
import { AssignPlacedOrderProcessor } from './jobs/assign-placed-order.processor';
import { ParcelTimerProcessor } from './jobs/parcel-timer.processor';
import { ParcelTexts } from './parcel-texts.service';
import { ParcelTimers } from './parcel-timers.service';
import { ParcelRepository } from './parcel.repository';
import { ParcelService } from './parcel.service';
import { PickupCodes } from './pickup-codes.service';
import { PickupLockouts } from './pickup-lockouts.service';

@Module({
  imports: [OrdersModule, NetworkModule, NotificationsModule],
  providers: [
    AssignmentService,
    DeliveryService,
    ParcelService,
    ParcelRepository,
    ParcelTimers,
    ParcelTexts,
    PickupCodes,
    CompartmentsService,
    CodLedgerService,
    CashUpService,
    CashUpRepository,
    PickupLockouts,
    DeliveryAttemptsService,
  ],
  exports: [
    AssignmentService,
    DeliveryService,
    ParcelService,
    ParcelTimers,
    CompartmentsService,
    CodLedgerService,
    DeliveryAttemptsService,
    CashUpService,
  ],
})
export class FulfilmentModule {}

/** The worker side: auto-assignment, releases on suspension, and the parcel timers. */
@Module({
  // NotificationsJobsModule: the assignment job sends the agent's text itself (TextDelivery).
  imports: [FulfilmentModule, NetworkModule, NotificationsJobsModule],
  providers: [
    AssignJob,
    AssignPlacedOrderProcessor,
    AssignConfirmedOrderProcessor,
    AgentSuspendedProcessor,
    AgentMovedProcessor,
    ParcelTimerProcessor,
  ],
})
export class FulfilmentJobsModule {}
