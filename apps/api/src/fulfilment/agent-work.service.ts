import { Injectable } from '@nestjs/common';
import { RequestContext } from '@campus/core';
import { DeliveryService, WorkItem } from '@campus/fulfilment';
import { TasksService, TaskWorkItem } from '@campus/tasks';

/**
 * The agent's one view of their work: open deliveries (fulfilment) and unfinished install and repair
 * tasks (tasks). Composed here because fulfilment may not import tasks (DESIGN.md §3).
 */
@Injectable()
export class AgentWorkService {
  constructor(
    private readonly delivery: DeliveryService,
    private readonly tasks: TasksService,
  ) {}

  async workList(ctx: RequestContext): Promise<{ items: WorkItem[]; tasks: TaskWorkItem[] }> {
    const { items } = await this.delivery.workList(ctx);
    return { items, tasks: await this.tasks.workList(ctx) };
  }
}
