import { Injectable } from '@nestjs/common';
import { RequestContext } from '@campus/core';
import { DeliveryService, WorkItem } from '@campus/fulfilment';
import { AgentsService } from '@campus/network';
import { TasksService, TaskWorkItem } from '@campus/tasks';

/** New work since the agent last opened each list: the badge on the agent's screen. */
export interface WorkNews {
  orders: { count: number; seenAt: Date | null };
  tasks: { count: number; seenAt: Date | null };
}

/**
 * The agent's one view of their work: open deliveries (fulfilment) and unfinished install and repair
 * tasks (tasks). Composed here because fulfilment may not import tasks (DESIGN.md §3). "Last seen"
 * is kept on the server (network's agent row), so every device the agent signs in on agrees.
 */
@Injectable()
export class AgentWorkService {
  constructor(
    private readonly delivery: DeliveryService,
    private readonly tasks: TasksService,
    private readonly agents: AgentsService,
  ) {}

  async workList(ctx: RequestContext): Promise<{ items: WorkItem[]; tasks: TaskWorkItem[] }> {
    const { items } = await this.delivery.workList(ctx);
    return { items, tasks: await this.tasks.workList(ctx) };
  }

  async news(ctx: RequestContext): Promise<WorkNews> {
    const seen = await this.agents.workSeen(ctx);
    return this.count(ctx, seen);
  }

  async markSeen(ctx: RequestContext, list: 'orders' | 'tasks'): Promise<WorkNews> {
    const seen = await this.agents.markWorkSeen(ctx, list);
    return this.count(ctx, seen);
  }

  private async count(
    ctx: RequestContext,
    seen: { ordersSeenAt: Date | null; tasksSeenAt: Date | null },
  ): Promise<WorkNews> {
    return {
      orders: {
        count: await this.delivery.countAssignedSince(ctx, seen.ordersSeenAt),
        seenAt: seen.ordersSeenAt,
      },
      tasks: { count: await this.tasks.countAssignedSince(ctx, seen.tasksSeenAt), seenAt: seen.tasksSeenAt },
    };
  }
}
