import { Injectable } from '@nestjs/common';
import { RequestContext } from '@campus/core';
import { ConsumesEvent, JobEnvelope, JobHandler, ProcessedJobs, QueueName } from '@campus/queue';
import { needsAgent } from '../assignment-policy';
import { AssignmentService } from '../assignment.service';

/** A COD or counter order is confirmed when placed: give it to an agent of its campus. */
@Injectable()
@ConsumesEvent(QueueName.Fulfilment, 'order.placed')
export class AssignPlacedOrderProcessor implements JobHandler<'order.placed'> {
  constructor(
    private readonly assignment: AssignmentService,
    private readonly processed: ProcessedJobs,
  ) {}

  async handle(ctx: RequestContext, job: JobEnvelope<'order.placed'>): Promise<void> {
    const o = job.payload;
    if (o.status !== 'confirmed' || !needsAgent(o)) return;
    await this.processed.once(ctx, 'fulfilment:auto-assign', job.outboxId, async (tx) => {
      await this.assignment.autoAssign(tx, o.orderId);
    });
  }
}
