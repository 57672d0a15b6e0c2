import { Injectable } from '@nestjs/common';
import { AppConfig, Clock, InjectConfig, NotFoundError, RequestContext } from '@campus/core';
import { Db } from '@campus/database';
import { orderStateMachine, OrderService, OrderStatus, OrderView } from '@campus/orders';
import { event, OutboxService } from '@campus/queue';
import { TasksPendingError } from './task.errors';
import { installItems } from './task-policy';
import { FINISHED_TASK_STATUSES, UNSTARTED_TASK_STATUSES } from './task-state-machine';
import { LAPSE_SCHEDULE, TaskLifecycleService } from './task-lifecycle.service';
import { TaskRepository } from './task.repository';
import { TaskView } from './task.types';

/** Order states in which the order has an agent who carries the goods (or has delivered them). */
const WITH_AGENT: readonly OrderStatus[] = ['assigned', 'out_for_delivery', 'awaiting_pickup', 'delivered'];
/** Before dispatch the order can still change hands, and its unstarted install task goes with it. */
const REASSIGNABLE: readonly OrderStatus[] = ['confirmed', 'assigned'];

/**
 * Where orders and tasks meet: opening the install task when an order is assigned, moving it when
 * the order changes hands, starting its SLA at delivery, cancelling it with its order, and completing
 * the order once it is delivered and every task is done. Every entry point locks the order first
 * (then its tasks), so concurrent events on one order apply one after the other.
 */
@Injectable()
export class OrderTasksService {
  constructor(
    private readonly db: Db,
    private readonly orders: OrderService,
    private readonly lifecycle: TaskLifecycleService,
    private readonly repository: TaskRepository,
    private readonly outbox: OutboxService,
    private readonly clock: Clock,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  /**
   * Brings an order's install task in line with the order as it is now (not as an event said it
   * was, so late or repeated events converge):
   * - an order with installable lines that has an agent gets ONE `delivery_install` task for that
   *   agent (unique per order), listing the items and the fee (Σ install fee × quantity); delivered
   *   without ever having an agent (a counter hand-over), it gets an `open` task for a manager;
   * - while the order can still change hands (`confirmed`/`assigned`), an unstarted task follows the
   *   order's agent (reassign → the new agent, who reschedules; unassign → `open`); a task that was
   *   started, failed or done stays where it is (failed ones are the manager's to reassign);
   * - at delivery the task's SLA deadline is set (delivered_at + INSTALL_SLA_HOURS);
   * - a cancelled or returned order cancels its unfinished task.
   */
  async syncWithOrder(ctx: RequestContext, orderId: string): Promise<void> {
    await this.db.transaction(ctx.asSystem(), async (tx) => {
      const order = await this.orders.find(tx, orderId, { lock: true });
      if (order) await this.sync(tx, order);
    });
  }

  /**
   * Completes a delivered order when all its tasks are done (orders without tasks complete at
   * delivery) and the return window (RETURN_WINDOW_HOURS, default 0) is over by the app's Clock.
   * Idempotent: an order already completed, or not delivered, is left alone. Returns whether it
   * completed the order now.
   */
  async completeIfReady(ctx: RequestContext, orderId: string, cause: string): Promise<boolean> {
    return this.db.transaction(ctx.asSystem(), async (tx) => {
      const order = await this.orders.find(tx, orderId, { lock: true });
      if (!order || order.status !== 'delivered') return false;
      const tasks = await this.sync(tx, order);
      if (tasks.some((t) => !FINISHED_TASK_STATUSES.includes(t.status))) return false;
      const windowEnds = order.deliveredAt!.getTime() + this.config.returnWindowHours * 3_600_000;
      if (windowEnds > this.clock.now().getTime()) return false;
      await this.orders.transition(tx, orderId, 'complete', {
        data: { cause, tasks: tasks.map((t) => t.id) },
      });
      return true;
    });
  }

  /**
   * After delivery: completes the order at once when nothing is pending, and with a return window
   * sets a timer for its end (the timer re-checks; a task done later completes the order then).
   */
  async onDelivered(ctx: RequestContext, orderId: string): Promise<void> {
    await this.db.transaction(ctx.asSystem(), async (tx) => {
      if (this.config.returnWindowHours > 0) {
        const order = await this.orders.find(tx, orderId);
        if (order?.deliveredAt) {
          await this.outbox.append(tx, [
            event(
              'order.completion_due',
              { orderId },
              {
                aggregateId: orderId,
                availableAt: new Date(
                  order.deliveredAt.getTime() + this.config.returnWindowHours * 3_600_000,
                ),
              },
            ),
          ]);
        }
      }
      await this.completeIfReady(tx, orderId, 'delivered');
    });
  }

  /**
   * The manual completion (POST /api/orders/:id/complete, managers and admins): within the caller's
   * scope (404), only from `delivered` (409 with the current status), and refused with 422
   * `tasks_pending` while any task of the order is unfinished. Ignores the return window: the manager
   * decides.
   */
  async completeOrder(ctx: RequestContext, orderId: string): Promise<OrderView> {
    return this.db.transaction(ctx, async (tx) => {
      const order = await this.orders.find(tx, orderId, { lock: true });
      if (!order) throw new NotFoundError('order', orderId);
      orderStateMachine.next(order.status, 'complete');
      const tasks = await this.sync(tx.asSystem(), order);
      const pending = tasks.filter((t) => !FINISHED_TASK_STATUSES.includes(t.status));
      if (pending.length) {
        throw new TasksPendingError(
          orderId,
          pending.map((t) => ({ id: t.id, status: t.status })),
        );
      }
      return this.orders.transition(tx, orderId, 'complete', {
        data: { cause: 'manual', tasks: tasks.map((t) => t.id) },
      });
    });
  }

  /** The sync itself, on a locked order; answers the order's tasks afterwards. */
  private async sync(tx: RequestContext, order: OrderView): Promise<TaskView[]> {
    const [task] = (await this.lifecycle.ofOrder(tx, order.id, { lock: true })).filter(
      (t) => t.kind === 'delivery_install',
    );
    if (order.status === 'cancelled' || order.status === 'returned') {
      if (task && !FINISHED_TASK_STATUSES.includes(task.status)) {
        await this.lifecycle.move(tx, task.id, 'cancel', {
          reason: `order ${order.status}`,
          data: { orderStatus: order.status },
        });
      }
      return this.lifecycle.ofOrder(tx, order.id);
    }
    const { items, feeCents } = installItems(order.lines);
    if (items.length === 0) return this.lifecycle.ofOrder(tx, order.id);
    const dueAt =
      order.status === 'delivered' && order.deliveredAt
        ? new Date(order.deliveredAt.getTime() + this.config.installSlaHours * 3_600_000)
        : null;

    if (!task) {
      const agentId = WITH_AGENT.includes(order.status) ? order.assignedAgentId : null;
      if (agentId || order.status === 'delivered') {
        const id = await this.lifecycle.insert(tx, {
          kind: 'delivery_install',
          status: agentId ? 'assigned' : 'open',
          orderId: order.id,
          orderNumber: order.number,
          regionId: order.regionId,
          campusId: order.campusId,
          agentId,
          customer: { id: order.customer.id, phone: order.customer.phone, name: null },
          address: order.fulfillment.address,
          description: null,
          items,
          feeCents,
          dueAt,
        });
        if (id) {
          await this.orders.note(tx, order.id, 'task_opened', {
            taskId: id,
            kind: 'delivery_install',
            agentId,
            items: items.map((i) => ({ sku: i.sku, quantity: i.quantity })),
            installFeeCents: feeCents,
          });
        }
      }
    } else {
      if (
        REASSIGNABLE.includes(order.status) &&
        UNSTARTED_TASK_STATUSES.includes(task.status) &&
        task.agentId !== order.assignedAgentId
      ) {
        if (order.assignedAgentId) {
          await this.lifecycle.move(tx, task.id, 'assign', {
            reason: 'order reassigned',
            set: { agent_id: order.assignedAgentId, ...LAPSE_SCHEDULE },
            data: { agentId: order.assignedAgentId, previousAgentId: task.agentId, mode: 'with_order' },
          });
        } else {
          await this.lifecycle.move(tx, task.id, 'unassign', {
            reason: 'order returned to the dispatch pool',
            set: { agent_id: null, ...LAPSE_SCHEDULE },
            data: { previousAgentId: task.agentId },
          });
        }
      }
      if (dueAt && !task.dueAt) {
        await this.repository.setDueAt(tx, task.id, dueAt);
      }
    }
    return this.lifecycle.ofOrder(tx, order.id);
  }
}
