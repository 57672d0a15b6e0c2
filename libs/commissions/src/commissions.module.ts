import { Module } from '@nestjs/common';
import { NetworkModule } from '@campus/network';
import { OrdersModule } from '@campus/orders';
import { CashRefundOwedProcessor } from './jobs/cash-refund-owed.processor';
import { CodCollectedProcessor } from './jobs/cod-collected.processor';
import { LinesReturnedProcessor } from './jobs/lines-returned.processor';
import { OrderStatusCommissionsProcessor } from './jobs/order-status.processor';
import { TaskCompletedCommissionsProcessor } from './jobs/task-completed.processor';
import { LedgerRepository } from './ledger.repository';
import { LedgerService } from './ledger.service';
import { CommissionRulesService } from './rules.service';
import { SettlementRepository } from './settlement.repository';
import { SettlementsService } from './settlements.service';

@Module({
  imports: [OrdersModule, NetworkModule],
  providers: [
    CommissionRulesService,
    LedgerService,
    LedgerRepository,
    SettlementsService,
    SettlementRepository,
  ],
  exports: [CommissionRulesService, LedgerService, SettlementsService],
})
export class CommissionsModule {}

/** The worker side: the ledger books completions, returns, install fees and COD cash. */
@Module({
  imports: [CommissionsModule],
  providers: [
    OrderStatusCommissionsProcessor,
    TaskCompletedCommissionsProcessor,
    CodCollectedProcessor,
    CashRefundOwedProcessor,
    LinesReturnedProcessor,
  ],
})
export class CommissionsJobsModule {}
