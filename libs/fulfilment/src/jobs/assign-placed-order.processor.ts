import { Injectable } from '@nestjs/common';
import { RequestContext } from '@campus/core';
import { ConsumesEvent, JobEnvelope, JobHandler, QueueName } from '@campus/queue';
import { needsAgent } from '../assignment-policy';
import { AssignmentService } from '../assignment.service';

/** A COD or counter order is confirmed when placed: give it to an agent of its campus. */
@Injectable()
@ConsumesEvent(QueueName.Fulfilment, 'order.placed')
export class AssignPlacedOrderProcessor implements JobHandler<'order.placed'> {
  constructor(private readonly assignment: AssignmentService) {}

  async handle(ctx: RequestContext, job: JobEnvelope<'order.placed'>): Promise<void> {
    const o = job.payload;
    if (o.status !== 'confirmed' || !needsAgent(o)) return;
    // The job's idempotency record is claimed inside the assignment's first statement.
    await this.assignment.autoAssign(ctx, o.orderId, {
      consumer: 'fulfilment:auto-assign',
      key: job.outboxId,
    });
  }
}
