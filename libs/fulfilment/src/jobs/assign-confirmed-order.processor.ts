import { Injectable } from '@nestjs/common';
import { RequestContext } from '@campus/core';
import { ConsumesEvent, JobEnvelope, JobHandler, QueueName } from '@campus/queue';
import { needsAgent } from '../assignment-policy';
import { AssignmentService } from '../assignment.service';

/**
 * An order that becomes confirmed later — an online order paid (`pay`), or one returned to the pool
 * (`unassign`, e.g. its agent was suspended) — is given to an agent of its campus.
 */
@Injectable()
@ConsumesEvent(QueueName.Fulfilment, 'order.status_changed')
export class AssignConfirmedOrderProcessor implements JobHandler<'order.status_changed'> {
  constructor(private readonly assignment: AssignmentService) {}

  async handle(ctx: RequestContext, job: JobEnvelope<'order.status_changed'>): Promise<void> {
    const o = job.payload;
    if (o.toStatus !== 'confirmed' || o.assignedAgentId || !needsAgent(o)) return;
    // The job's idempotency record is claimed inside the assignment's first statement.
    await this.assignment.autoAssign(ctx, o.orderId, {
      consumer: 'fulfilment:auto-assign',
      key: job.outboxId,
    });
  }
}
