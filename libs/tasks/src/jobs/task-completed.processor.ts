import { Injectable } from '@nestjs/common';
import { RequestContext } from '@campus/core';
import { ConsumesEvent, JobEnvelope, JobHandler, QueueName } from '@campus/queue';
import { OrderTasksService } from '../order-tasks.service';

/**
 * A task was done: its order completes if it is delivered and this was its last unfinished task.
 * Idempotent by state (a completed order is left alone), so a repeated delivery changes nothing.
 */
@Injectable()
@ConsumesEvent(QueueName.Tasks, 'task.completed')
export class TaskCompletedProcessor implements JobHandler<'task.completed'> {
  constructor(private readonly orderTasks: OrderTasksService) {}

  async handle(ctx: RequestContext, job: JobEnvelope<'task.completed'>): Promise<void> {
    if (!job.payload.orderId) return;
    await this.orderTasks.completeIfReady(ctx, job.payload.orderId, 'tasks_done');
  }
}
