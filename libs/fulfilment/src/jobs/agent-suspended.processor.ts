import { Injectable } from '@nestjs/common';
import { RequestContext } from '@campus/core';
import { AgentsService } from '@campus/network';
import { ConsumesEvent, JobEnvelope, JobHandler, QueueName } from '@campus/queue';
import { AssignmentService } from '../assignment.service';

/**
 * A suspended agent's undispatched orders go back to the pool, from where each is auto-assigned
 * again (suspended agents get nothing new). Orders already out for delivery stay with the agent, who
 * has the goods. If the agent was reactivated before this ran, nothing happens.
 */
@Injectable()
@ConsumesEvent(QueueName.Fulfilment, 'agent.suspended')
export class AgentSuspendedProcessor implements JobHandler<'agent.suspended'> {
  constructor(
    private readonly assignment: AssignmentService,
    private readonly agents: AgentsService,
  ) {}

  async handle(ctx: RequestContext, job: JobEnvelope<'agent.suspended'>): Promise<void> {
    const now = await this.agents.status(ctx, job.payload.agentId);
    if (now?.status !== 'suspended') return;
    await this.assignment.releaseOrdersOf(ctx, job.payload.agentId, 'suspended');
  }
}
