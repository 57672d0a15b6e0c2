import { Injectable } from '@nestjs/common';
import { RequestContext } from '@campus/core';
import { ConsumesEvent, JobEnvelope, JobHandler, ProcessedJobs, QueueName } from '@campus/queue';
import { OrderTasksService } from '../order-tasks.service';

/** The order moves that concern its tasks: who has it, whether it arrived, whether it is gone. */
const RELEVANT_ACTIONS = new Set([
  'assign',
  'unassign',
  'deliver',
  'pickup',
  'hand_over',
  'cancel',
  'abandon',
  'expire',
  'return',
]);

/**
 * Keeps an order's install task in step with the order (opened on assignment, moved on reassignment,
 * SLA started at delivery, cancelled with the order) and completes the order once it is delivered and
 * nothing is pending. Each event acts once (processed_jobs, by outbox id); the sync itself reads the
 * order as it is now, so events arriving late or out of order still converge.
 */
@Injectable()
@ConsumesEvent(QueueName.Tasks, 'order.status_changed')
export class OrderStatusTasksProcessor implements JobHandler<'order.status_changed'> {
  constructor(
    private readonly orderTasks: OrderTasksService,
    private readonly processed: ProcessedJobs,
  ) {}

  async handle(ctx: RequestContext, job: JobEnvelope<'order.status_changed'>): Promise<void> {
    const o = job.payload;
    if (!RELEVANT_ACTIONS.has(o.action)) return;
    // An order without installable lines never has an install task: only its completion at delivery
    // concerns this queue (issue 18: an assignment costs this consumer nothing).
    if (o.installation === false && o.toStatus !== 'delivered') return;
    await this.processed.once(ctx, 'tasks:order-status', job.outboxId, async (tx) => {
      await this.orderTasks.syncWithOrder(tx, o.orderId);
      if (o.toStatus === 'delivered') await this.orderTasks.onDelivered(tx, o.orderId);
    });
  }
}
