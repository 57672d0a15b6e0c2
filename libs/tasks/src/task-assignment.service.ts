import { Injectable } from '@nestjs/common';
import { AppConfig, InjectConfig, NotFoundError, RequestContext, ValidationError } from '@campus/core';
import { Db } from '@campus/database';
import { AgentsService, NetworkService } from '@campus/network';
import { NotificationsService, render } from '@campus/notifications';
import { OrderService } from '@campus/orders';
import { CreateTaskDto } from './dto/task.dto';
import { LAPSE_SCHEDULE, TaskLifecycleService } from './task-lifecycle.service';
import { TaskRepository } from './task.repository';
import { TaskAgentUnavailableError } from './task.errors';
import { FeeKind, isFeeKind, TaskView } from './task.types';

/** What a training covers unless the call centre lists its own points (labels in both languages). */
export const DEFAULT_TRAINING_CHECKLIST: readonly string[] = [
  '开机、关机与复位 / Power on, off and reset',
  '连接客户的设备 / Connect the customer’s devices',
  '日常使用与设置 / Everyday use and settings',
  '故障自查与售后联系方式 / Self-help and who to call',
];

/** What after-sales asks for when a return is approved. */
export interface ReturnPickupInput {
  orderId: string;
  /** The agent who delivered the order, if any: they get the task when still active on its campus. */
  agentId: string | null;
  items: { sku: string; name: string; quantity: number }[];
  description: string;
}

/** The agent a task is given to, as far as telling them goes. */
type Assignee = { user_id: string; phone: string };

/**
 * Opening tasks by hand (the call centre, after-sales) and giving them to agents (managers): which
 * campus, customer and fee a task gets, which agent may take it, and telling that agent.
 */
@Injectable()
export class TaskAssignmentService {
  constructor(
    private readonly db: Db,
    private readonly tasks: TaskRepository,
    private readonly lifecycle: TaskLifecycleService,
    private readonly orders: OrderService,
    private readonly agents: AgentsService,
    private readonly network: NetworkService,
    private readonly notifications: NotificationsService,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  /**
   * The call centre (or a manager) opens a task by hand: a repair pickup, a training (teach the
   * customer to use what was installed, along a checklist) or a repair return (bring a repaired item
   * back). About an order (in the caller's scope, else 404), the task takes its campus, customer and
   * address; otherwise the campus must be in scope and the customer's phone is given. Training and
   * repair returns earn the fee the admin set for their kind (`task_kind_fees`), frozen on the task;
   * a repair pickup earns nothing. It waits `open` until a manager assigns an agent; its SLA runs from
   * now. Auth owns customers (docs/architecture.md): `findCustomer` is the caller's lookup of the known
   * customer with a phone, if any.
   */
  async create(
    ctx: RequestContext,
    dto: CreateTaskDto,
    findCustomer: (phone: string) => Promise<{ id: string; name: string | null } | null> = async () => null,
  ): Promise<TaskView> {
    const kind = dto.kind ?? 'repair_pickup';
    if (dto.checklist && kind !== 'training') {
      throw ValidationError.field('checklist', 'only a training task has a checklist');
    }
    const order = dto.orderId ? await this.orders.get(ctx, dto.orderId) : null;
    if (order && dto.campusId && dto.campusId !== order.campusId) {
      throw ValidationError.field('campusId', 'is not the campus of the order');
    }
    const campus = await this.network.campusInScope(ctx, order?.campusId ?? dto.campusId!);
    const phone = order?.customer.phone ?? dto.customerPhone!;
    const customer = order ? null : await findCustomer(phone);
    return this.db.transaction(ctx, async (tx) => {
      const id = await this.lifecycle.insert(tx, {
        kind,
        status: 'open',
        orderId: order?.id ?? null,
        orderNumber: order?.number ?? null,
        regionId: campus.regionId,
        campusId: campus.id,
        agentId: null,
        customer: {
          id: order?.customer.id ?? customer?.id ?? null,
          phone,
          name: dto.customerName ?? customer?.name ?? null,
        },
        address: dto.address ?? order?.fulfillment.address ?? null,
        description: dto.description,
        items: [],
        checklist: kind === 'training' ? (dto.checklist ?? DEFAULT_TRAINING_CHECKLIST) : [],
        feeCents: isFeeKind(kind) ? await this.kindFee(tx, kind) : 0,
        dueAt: null,
        dueInHours: this.config.installSlaHours,
      });
      return (await this.lifecycle.find(tx, id!))!;
    });
  }

  /** The fee the admin set for a kind (0 until set), frozen on the task when it is opened. */
  private async kindFee(tx: RequestContext, kind: FeeKind): Promise<number> {
    return (await this.tasks.fee(tx, kind)) ?? 0;
  }

  /**
   * After-sales opens the pickup of an approved return (in its transaction): a `return_pickup` task
   * listing the units to collect, given to `agentId` when that agent is active on the order's campus
   * (texted and alerted like a hand assignment), else `open` for a manager to assign. The agent
   * agrees a window (the customer is texted a code) and completes the task with the customer's code;
   * `task.completed` (kind `return_pickup`) then tells after-sales the goods are back. No fee.
   */
  async openReturnPickup(ctx: RequestContext, input: ReturnPickupInput): Promise<TaskView> {
    const sys = RequestContext.system(ctx.requestId).withManager(ctx.manager!);
    const order = await this.orders.find(sys, input.orderId);
    if (!order) throw new NotFoundError('order', input.orderId);
    const agent = input.agentId
      ? await this.tasks.lockActiveAgentOn(ctx, input.agentId, order.campusId)
      : null;
    const id = (await this.lifecycle.insert(ctx, {
      kind: 'return_pickup',
      status: agent ? 'assigned' : 'open',
      orderId: order.id,
      orderNumber: order.number,
      regionId: order.regionId,
      campusId: order.campusId,
      agentId: agent ? input.agentId : null,
      customer: { id: order.customer.id, phone: order.customer.phone, name: null },
      address: order.fulfillment.address,
      description: input.description,
      items: input.items.map((i) => ({ ...i, installFeeCents: 0 })),
      feeCents: 0,
      dueAt: null,
      dueInHours: this.config.installSlaHours,
    }))!;
    const task = (await this.lifecycle.find(ctx, id))!;
    if (agent) await this.tellAgent(ctx, task, agent);
    return task;
  }

  /**
   * A manager (or admin) gives the task to an active agent of its campus: a first assignment, a
   * reassignment (the old window and code lapse; the new agent reschedules) or a retry after a
   * failure. Task and agent must be in the caller's scope (404); a suspended agent or one on another
   * campus is 422. Giving the task again to the agent who holds it changes nothing.
   */
  async assign(ctx: RequestContext, id: string, agentId: string, reason?: string): Promise<TaskView> {
    return this.db.transaction(ctx, async (tx) => {
      const task = await this.lifecycle.get(tx, id);
      await this.agents.get(tx, agentId);
      const agent = (await this.tasks.lockAgent(tx, agentId))!;
      if (agent.status !== 'active') throw new TaskAgentUnavailableError(agentId, 'is suspended');
      if (agent.campus_id !== task.campusId) {
        throw new TaskAgentUnavailableError(agentId, 'works on another campus than this task');
      }
      if (task.status === 'assigned' && task.agentId === agentId) return task;
      const moved = await this.lifecycle.move(tx, id, 'assign', {
        reason: reason ?? null,
        set: { agent_id: agentId, ...LAPSE_SCHEDULE },
        data: { agentId, previousAgentId: task.agentId, mode: 'manual' },
      });
      await this.tellAgent(tx, moved, agent);
      return moved;
    });
  }

  /**
   * The agent a task was given to by hand is told: a text to their phone (STOP honoured) and an
   * alert, in one statement with the assignment, once per assignment. An install task that follows
   * its order's assignment is not texted separately: the order's text says it includes installation.
   */
  private async tellAgent(tx: RequestContext, task: TaskView, agent: Assignee): Promise<void> {
    const params = { kind: task.kind, number: task.orderNumber ?? '', address: task.address ?? '' };
    const key = `agent_assigned:task:${task.id}:${task.assignedAt!.toISOString()}`;
    await this.notifications.notifyStaff(tx, {
      to: agent.phone,
      template: 'agent_task_assigned',
      params,
      orderId: task.orderId,
      dedupeKey: key,
      alert: {
        kind: 'task_assigned',
        audience: 'user',
        userId: agent.user_id,
        regionId: task.regionId,
        subject: `新任务 ${task.orderNumber ?? task.customer.name ?? ''}`.trim(),
        body: render('agent_task_assigned', 'zh-CN', params),
        data: { taskId: task.id, agentId: task.agentId, ...params },
        dedupeKey: key,
      },
    });
  }
}
