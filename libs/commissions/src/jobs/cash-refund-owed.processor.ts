import { Injectable } from '@nestjs/common';
import { RequestContext } from '@campus/core';
import { ConsumesEvent, JobEnvelope, JobHandler, QueueName } from '@campus/queue';
import { LedgerService } from '../ledger.service';

/** A cash refund is owed by the holder of COD cash: the agent's next statement adds it back. */
@Injectable()
@ConsumesEvent(QueueName.Commissions, 'refund.cash_owed')
export class CashRefundOwedProcessor implements JobHandler<'refund.cash_owed'> {
  constructor(private readonly ledger: LedgerService) {}

  async handle(ctx: RequestContext, job: JobEnvelope<'refund.cash_owed'>): Promise<void> {
    await this.ledger.recordCashRefund(ctx, job.payload);
  }
}
