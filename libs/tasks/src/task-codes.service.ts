import { Injectable } from '@nestjs/common';
import {
  AppConfig,
  Clock,
  IllegalTransitionError,
  InjectConfig,
  numericCode,
  purposeKey,
  RequestContext,
  ValidationError,
} from '@campus/core';
import { Db } from '@campus/database';
import { NotificationsService } from '@campus/notifications';
import { OrderService } from '@campus/orders';
import { event } from '@campus/queue';
import { TaskLifecycleService } from './task-lifecycle.service';
import {
  confirmationCodeHash,
  confirmationCodeMatches,
  formatWindow,
  MAX_CODE_FAILURES,
  windowProblems,
} from './task-policy';
import { TaskRepository } from './task.repository';
import { TaskStatus, taskStateMachine } from './task-state-machine';
import {
  ChecklistIncompleteError,
  ConfirmationCodeLockedError,
  OrderNotDeliveredError,
  WrongConfirmationCodeError,
} from './task.errors';
import { TaskView } from './task.types';

/** Tasks held by an agent, whose code a new one can replace. */
const WITH_CODE: readonly TaskStatus[] = ['assigned', 'scheduled', 'in_progress', 'failed'];

/**
 * The customer's confirmation code: booked with the window, checked at completion, counted when
 * wrong and locked after MAX_CODE_FAILURES, reissued by the call centre. Only its HMAC is stored.
 */
@Injectable()
export class TaskCodesService {
  constructor(
    private readonly db: Db,
    private readonly tasks: TaskRepository,
    private readonly lifecycle: TaskLifecycleService,
    private readonly orders: OrderService,
    private readonly notifications: NotificationsService,
    private readonly clock: Clock,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  /**
   * The assigned agent or the call centre books the window the customer agreed to. A fresh 6-digit
   * confirmation code is texted to the customer (a 'code' text: it reaches opted-out numbers too) and
   * only its HMAC is stored; rescheduling replaces the code. Wrong tries count against the task, not
   * the code: a task locked by them cannot be rescheduled (429) until the call centre or a manager
   * issues a new code (`newCode`).
   */
  async schedule(
    ctx: RequestContext,
    id: string,
    input: { windowStart: string; windowEnd: string },
  ): Promise<TaskView> {
    const start = new Date(input.windowStart);
    const end = new Date(input.windowEnd);
    const problems = windowProblems(start, end, this.clock.now());
    if (problems.length) throw new ValidationError(problems);
    const code = numericCode(6);
    return this.db.transaction(ctx, async (tx) => {
      const task = await this.lifecycle.move(tx, id, 'schedule', {
        set: { window_start: start, window_end: end, code_hash: this.hash(id, code) },
        guard: (t) => {
          if (t.codeLocked) throw new ConfirmationCodeLockedError();
        },
        data: { windowStart: start.toISOString(), windowEnd: end.toISOString() },
      });
      await this.textCode(tx, task, code, start, end);
      return task;
    });
  }

  /**
   * The call centre or a manager (in scope; admins too) lets a task locked by wrong codes be confirmed
   * again, after talking to the customer: the count of wrong codes starts over, and a task with an
   * agreed window (scheduled, in progress) gets a new code texted to the customer at once; an
   * unscheduled one gets it when the agent schedules it. Open, done or cancelled tasks have no code
   * to replace (409). Recorded in the task's timeline with who did it.
   */
  async newCode(ctx: RequestContext, id: string): Promise<TaskView> {
    return this.db.transaction(ctx, async (tx) => {
      const task = await this.lifecycle.lock(tx, id);
      if (!WITH_CODE.includes(task.status)) {
        throw new IllegalTransitionError('task', task.status, 'new_code');
      }
      const withWindow = task.status === 'scheduled' || task.status === 'in_progress';
      const code = withWindow ? numericCode(6) : null;
      await this.tasks.resetCode(tx, id, code ? this.hash(id, code) : null);
      await this.lifecycle.record(tx, id, {
        type: 'code_reissued',
        fromStatus: null,
        toStatus: null,
        reason: null,
        data: { failuresBefore: task.codeFailures, texted: code !== null },
      });
      if (code && task.windowStart && task.windowEnd) {
        await this.textCode(tx, task, code, task.windowStart, task.windowEnd);
      }
      return (await this.lifecycle.find(tx, id))!;
    });
  }

  /**
   * The assigned agent finishes the job with the customer's confirmation code. An install task is
   * refused (422) before its order is delivered, a training before every point is ticked. A wrong
   * code is 422 and counted (the count is committed even though the request fails); the fifth wrong
   * code locks the code (429 from then on, even for the right one) until a reschedule texts a new
   * one. Done publishes `task.completed` (the agent's fee, the order's completion) in the same
   * transaction as the move, so exactly once.
   */
  async complete(
    ctx: RequestContext,
    id: string,
    input: { confirmationCode: string; notes?: string },
  ): Promise<TaskView> {
    type Outcome =
      { kind: 'locked' } | { kind: 'wrong'; triesLeft: number } | { kind: 'done'; task: TaskView };
    const outcome = await this.db.transaction(ctx, async (tx): Promise<Outcome> => {
      const task = await this.lifecycle.lock(tx, id);
      taskStateMachine.next(task.status, 'complete');
      if (task.orderId) await this.requireDelivered(tx, task.orderId);
      const untaught = task.checklist.filter((c) => !c.done).map((c) => c.label);
      if (untaught.length) throw new ChecklistIncompleteError(untaught);
      if (task.codeLocked) return { kind: 'locked' };
      const stored = await this.tasks.codeHash(tx, id);
      if (!confirmationCodeMatches(this.key(), id, input.confirmationCode, stored!)) {
        const failures = await this.tasks.countCodeFailure(tx, id);
        await this.lifecycle.record(tx, id, {
          type: 'code_rejected',
          fromStatus: null,
          toStatus: null,
          reason: null,
          data: { failures },
        });
        return { kind: 'wrong', triesLeft: MAX_CODE_FAILURES - failures };
      }
      const done = await this.lifecycle.move(tx, id, 'complete', {
        set: { notes: input.notes ?? null },
        data: { notes: input.notes ?? null, installFeeCents: task.installFeeCents },
        events: (t) => [
          event(
            'task.completed',
            {
              taskId: t.id,
              kind: t.kind,
              orderId: t.orderId,
              agentId: t.agentId!,
              regionId: t.regionId,
              campusId: t.campusId,
              installFeeCents: t.installFeeCents,
              completedAt: t.completedAt!.toISOString(),
            },
            { aggregateId: t.id },
          ),
        ],
      });
      if (done.orderId) {
        await this.orders.note(tx, done.orderId, 'task_done', {
          taskId: id,
          kind: done.kind,
          agentId: done.agentId,
          installFeeCents: done.installFeeCents,
        });
      }
      return { kind: 'done', task: done };
    });
    // The wrong-try counter must be committed, so these are thrown after the transaction.
    if (outcome.kind === 'locked') throw new ConfirmationCodeLockedError();
    if (outcome.kind === 'wrong') throw new WrongConfirmationCodeError(outcome.triesLeft);
    return outcome.task;
  }

  /** A task about an order is done only once the goods are there (delivered or completed). */
  private async requireDelivered(tx: RequestContext, orderId: string): Promise<void> {
    const order = await this.orders.find(
      RequestContext.system(tx.requestId).withManager(tx.manager!),
      orderId,
    );
    if (!order || (order.status !== 'delivered' && order.status !== 'completed')) {
      throw new OrderNotDeliveredError(orderId, order?.status ?? 'unknown');
    }
  }

  private key(): Buffer {
    return purposeKey(this.config.codesSecret, 'task-code');
  }

  private hash(taskId: string, code: string): string {
    return confirmationCodeHash(this.key(), taskId, code);
  }

  /** The code to the customer's phone (a 'code' text reaches opted-out numbers too). */
  private async textCode(tx: RequestContext, task: TaskView, code: string, start: Date, end: Date) {
    await this.notifications.send(tx, {
      to: task.customer.phone,
      template: 'task_code',
      params: { code, window: formatWindow(start, end), kind: task.kind, number: task.orderNumber },
      orderId: task.orderId,
      customerId: task.customer.id,
    });
  }
}
