import { Injectable } from '@nestjs/common';
import { RequestContext } from '@campus/core';
import { ConsumesEvent, JobEnvelope, JobHandler, QueueName } from '@campus/queue';
import { OrderTasksService } from '../order-tasks.service';

/**
 * The return window of a delivered order is over (only with RETURN_WINDOW_HOURS > 0): complete it if
 * all its tasks are done. Idempotent by state.
 */
@Injectable()
@ConsumesEvent(QueueName.Tasks, 'order.completion_due')
export class CompletionDueProcessor implements JobHandler<'order.completion_due'> {
  constructor(private readonly orderTasks: OrderTasksService) {}

  async handle(ctx: RequestContext, job: JobEnvelope<'order.completion_due'>): Promise<void> {
    await this.orderTasks.completeIfReady(ctx, job.payload.orderId, 'return_window_over');
  }
}
