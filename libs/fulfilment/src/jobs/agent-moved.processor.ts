import { Injectable } from '@nestjs/common';
import { RequestContext } from '@campus/core';
import { AgentsService } from '@campus/network';
import { ConsumesEvent, JobEnvelope, JobHandler, QueueName } from '@campus/queue';
import { AssignmentService } from '../assignment.service';

/**
 * An agent who moved campus can no longer see their old campus's orders, so the undispatched ones
 * go back to that campus's pool (and are auto-assigned again).
 */
@Injectable()
@ConsumesEvent(QueueName.Fulfilment, 'agent.moved')
export class AgentMovedProcessor implements JobHandler<'agent.moved'> {
  constructor(
    private readonly assignment: AssignmentService,
    private readonly agents: AgentsService,
  ) {}

  async handle(ctx: RequestContext, job: JobEnvelope<'agent.moved'>): Promise<void> {
    const { agentId, fromCampusId } = job.payload;
    const now = await this.agents.status(ctx, agentId);
    if (!now || now.campusId === fromCampusId) return;
    await this.assignment.releaseOrdersOf(ctx, agentId, 'moved', fromCampusId);
  }
}
