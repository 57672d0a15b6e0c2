import { Injectable } from '@nestjs/common';
import { RequestContext } from '@campus/core';
import { ConsumesEvent, JobEnvelope, JobHandler, QueueName } from '@campus/queue';
import { needsAgent } from '../assignment-policy';
import { AssignJob } from './assign-job';

/**
 * An order that becomes confirmed later — an online order paid (`pay`), or one returned to the pool
 * (`unassign`, e.g. its agent was suspended) — is given to an agent of its campus.
 */
@Injectable()
@ConsumesEvent(QueueName.Fulfilment, 'order.status_changed')
export class AssignConfirmedOrderProcessor implements JobHandler<'order.status_changed'> {
  constructor(private readonly assign: AssignJob) {}

  async handle(ctx: RequestContext, job: JobEnvelope<'order.status_changed'>): Promise<void> {
    const o = job.payload;
    if (o.toStatus !== 'confirmed' || o.assignedAgentId || !needsAgent(o)) return;
    // The job's idempotency record is claimed inside the assignment's first statement; the agent's
    // text is sent from this job after the commit (AssignJob).
    await this.assign.run(ctx, o.orderId, job);
  }
}
