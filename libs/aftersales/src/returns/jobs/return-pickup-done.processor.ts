import { Injectable } from '@nestjs/common';
import { RequestContext } from '@campus/core';
import { ConsumesEvent, JobEnvelope, JobHandler, QueueName } from '@campus/queue';
import { ReturnsService } from '../returns.service';

/** A return pickup was done with the customer's code: the goods are back, the return is booked. */
@Injectable()
@ConsumesEvent(QueueName.Aftersales, 'task.completed')
export class ReturnPickupDoneProcessor implements JobHandler<'task.completed'> {
  constructor(private readonly returns: ReturnsService) {}

  async handle(ctx: RequestContext, job: JobEnvelope<'task.completed'>): Promise<void> {
    await this.returns.onPickupDone(ctx, job.payload);
  }
}
