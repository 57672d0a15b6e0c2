import { Injectable } from '@nestjs/common';
import { RequestContext } from '@campus/core';
import { ConsumesEvent, JobEnvelope, JobHandler, QueueName } from '@campus/queue';
import { LedgerService } from '../ledger.service';

/** A task was done: its fee is booked for the agent, once per task (keyed by task and kind). */
@Injectable()
@ConsumesEvent(QueueName.Commissions, 'task.completed')
export class TaskCompletedCommissionsProcessor implements JobHandler<'task.completed'> {
  constructor(private readonly ledger: LedgerService) {}

  async handle(ctx: RequestContext, job: JobEnvelope<'task.completed'>): Promise<void> {
    await this.ledger.bookInstallFee(ctx, job.payload);
  }
}
