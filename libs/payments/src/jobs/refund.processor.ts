import { Injectable } from '@nestjs/common';
import type { RequestContext } from '@campus/core';
import { ConsumesEvent, JobEnvelope, JobHandler, QueueName } from '@campus/queue';
import { RefundExecutorService } from '../refund-executor.service';

/** An Alipay refund was written: pay it back through Alipay (retried on transient errors). */
@Injectable()
@ConsumesEvent(QueueName.Payments, 'refund.requested')
export class RefundProcessor implements JobHandler<'refund.requested'> {
  constructor(private readonly refunds: RefundExecutorService) {}

  async handle(ctx: RequestContext, job: JobEnvelope<'refund.requested'>): Promise<void> {
    await this.refunds.execute(ctx, job.payload.refundId, job.lastAttempt);
  }
}
