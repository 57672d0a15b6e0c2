import { Injectable } from '@nestjs/common';
import { RequestContext } from '@campus/core';
import { ConsumesEvent, JobEnvelope, JobHandler, QueueName } from '@campus/queue';
import { LedgerService } from '../ledger.service';

/**
 * Some lines of an order came back: their share of the commission is reversed (keyed by the return,
 * so a redelivered event books nothing). A whole return is reversed by the `returned` status event.
 */
@Injectable()
@ConsumesEvent(QueueName.Commissions, 'order.lines_returned')
export class LinesReturnedProcessor implements JobHandler<'order.lines_returned'> {
  constructor(private readonly ledger: LedgerService) {}

  async handle(ctx: RequestContext, job: JobEnvelope<'order.lines_returned'>): Promise<void> {
    if (job.payload.fullyReturned) return;
    await this.ledger.bookPartialReversals(ctx, job.payload.orderId);
  }
}
