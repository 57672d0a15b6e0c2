import { Injectable } from '@nestjs/common';
import { RequestContext } from '@campus/core';
import { ConsumesEvent, JobEnvelope, JobHandler, QueueName } from '@campus/queue';
import { needsAgent } from '../assignment-policy';
import { AssignJob } from './assign-job';

/** A COD or counter order is confirmed when placed: give it to an agent of its campus. */
@Injectable()
@ConsumesEvent(QueueName.Fulfilment, 'order.placed')
export class AssignPlacedOrderProcessor implements JobHandler<'order.placed'> {
  constructor(private readonly assign: AssignJob) {}

  async handle(ctx: RequestContext, job: JobEnvelope<'order.placed'>): Promise<void> {
    const o = job.payload;
    if (o.status !== 'confirmed' || !needsAgent(o)) return;
    // The job's idempotency record is claimed inside the assignment's first statement; the agent's
    // text is sent from this job after the commit (AssignJob).
    await this.assign.run(ctx, o.orderId, job);
  }
}
