import { Injectable } from '@nestjs/common';
import { RequestContext } from '@campus/core';
import { ConsumesEvent, JobEnvelope, JobHandler, QueueName } from '@campus/queue';
import { LedgerService } from '../ledger.service';

/** COD cash was collected: the holder (agent or pickup point) holds it until a settlement clears it. */
@Injectable()
@ConsumesEvent(QueueName.Commissions, 'cod.collected')
export class CodCollectedProcessor implements JobHandler<'cod.collected'> {
  constructor(private readonly ledger: LedgerService) {}

  async handle(ctx: RequestContext, job: JobEnvelope<'cod.collected'>): Promise<void> {
    await this.ledger.recordCod(ctx, job.payload);
  }
}
