import { Injectable } from '@nestjs/common';
import { RequestContext } from '@campus/core';
import { ConsumesEvent, JobEnvelope, JobHandler, QueueName } from '@campus/queue';
import { LedgerService } from '../ledger.service';

/**
 * An order became `completed`: its attributed agent earns the commission. A completed order was
 * `returned`: the commission is reversed. Both are keyed by (order, kind) in the ledger, so a
 * redelivered event books nothing.
 */
@Injectable()
@ConsumesEvent(QueueName.Commissions, 'order.status_changed')
export class OrderStatusCommissionsProcessor implements JobHandler<'order.status_changed'> {
  constructor(private readonly ledger: LedgerService) {}

  async handle(ctx: RequestContext, job: JobEnvelope<'order.status_changed'>): Promise<void> {
    const o = job.payload;
    if (o.toStatus === 'completed') {
      await this.ledger.bookOrderCommission(ctx, o);
    } else if (o.toStatus === 'returned' && o.fromStatus === 'completed') {
      await this.ledger.bookReversal(ctx, { orderId: o.orderId, agentId: o.agentId, reason: o.reason });
    }
  }
}
