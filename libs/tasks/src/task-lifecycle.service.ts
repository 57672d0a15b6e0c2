import { Injectable } from '@nestjs/common';
import { Clock, NotFoundError, RequestContext } from '@campus/core';
import { Db } from '@campus/database';
import { OutboxEvent, OutboxService } from '@campus/queue';
import { TaskChanges, TaskEventInsert, TaskRepository } from './task.repository';
import { TaskAction, TaskKind, taskStateMachine } from './task-state-machine';
import { taskView } from './task-view';
import { TaskItem, TaskView } from './task.types';

export type { TaskChanges } from './task.repository';

export interface TaskMoveOptions {
  reason?: string | null;
  data?: Record<string, unknown>;
  set?: TaskChanges;
  /** Extra checks on the locked task before the move. */
  guard?: (task: TaskView) => void;
  /** Events to publish in the same transaction, from the task after the move. */
  events?: (task: TaskView) => OutboxEvent[];
}

/** A new task as the order sync or the call centre opens it. */
export interface NewTask {
  kind: TaskKind;
  status: 'open' | 'assigned';
  orderId: string | null;
  orderNumber: string | null;
  regionId: string;
  campusId: string;
  agentId: string | null;
  customer: { id: string | null; phone: string; name: string | null };
  address: string | null;
  description: string | null;
  items: TaskItem[];
  /** Training: the points to teach (none for other kinds). */
  checklist?: readonly string[];
  feeCents: number;
  /** The SLA deadline, when known (install tasks learn it at delivery)... */
  dueAt: Date | null;
  /** ...or this many hours from the task's creation (repair pickups). */
  dueInHours?: number;
}

/**
 * A task that changes hands loses its window and code: the new agent agrees a new one. Its count of
 * wrong codes stays: guessing is bounded per task, whoever holds it.
 */
export const LAPSE_SCHEDULE: TaskChanges = {
  window_start: null,
  window_end: null,
  code_hash: null,
};

/**
 * The lifecycle every task change goes through: `lock` finds the task within the caller's scope
 * (else 404) and locks order first, then task; `move` asks the one transition table (illegal → 409
 * with the current status) and writes the change, its timeline entry and its outbox events in one
 * transaction; `insert` opens a task with its first timeline entry.
 */
@Injectable()
export class TaskLifecycleService {
  constructor(
    private readonly db: Db,
    private readonly tasks: TaskRepository,
    private readonly outbox: OutboxService,
    private readonly clock: Clock,
  ) {}

  /** The task within the caller's scope (404 otherwise). */
  async get(ctx: RequestContext, id: string): Promise<TaskView> {
    const row = await this.tasks.findInScope(ctx, id);
    if (!row) throw new NotFoundError('task', id);
    return taskView(row, this.clock.now());
  }

  /** The task without scope (for the system's own consumers) or null. */
  async find(ctx: RequestContext, id: string): Promise<TaskView | null> {
    const row = await this.tasks.find(ctx, id);
    return row ? taskView(row, this.clock.now()) : null;
  }

  /** The tasks of an order (system use), oldest first. */
  async ofOrder(ctx: RequestContext, orderId: string, opts: { lock?: boolean } = {}): Promise<TaskView[]> {
    const rows = await this.tasks.ofOrder(ctx, orderId, opts.lock ?? false);
    return rows.map((r) => taskView(r, this.clock.now()));
  }

  /**
   * Locks a task within the caller's scope (404 otherwise). An install task's order is locked first
   * (FOR KEY SHARE, which every write referencing the order takes anyway), so every path locks order
   * before task and the order consumer, which holds the order while it moves tasks, cannot deadlock
   * with a task being scheduled or completed.
   */
  async lock(tx: RequestContext, id: string): Promise<TaskView> {
    const peek = await this.tasks.peekOrder(tx, id);
    if (!peek) throw new NotFoundError('task', id);
    if (peek.orderId) await this.tasks.lockOrderKey(tx, peek.orderId);
    const row = await this.tasks.lockInScope(tx, id);
    if (!row) throw new NotFoundError('task', id);
    return taskView(row, this.clock.now());
  }

  /**
   * Moves a task one step through its lifecycle: locks it (within the caller's scope, else 404),
   * asks the state machine (409 with the current status), runs the guard, writes the change, the
   * timeline entry and the outbox events in one transaction.
   */
  async move(
    ctx: RequestContext,
    id: string,
    action: TaskAction,
    opts: TaskMoveOptions = {},
  ): Promise<TaskView> {
    return this.db.transaction(ctx, async (tx) => {
      const before = await this.lock(tx, id);
      const to = taskStateMachine.next(before.status, action);
      opts.guard?.(before);
      await this.tasks.updateStatus(tx, id, to, opts.set);
      const after = (await this.find(tx, id))!;
      await this.record(tx, id, {
        type: action,
        fromStatus: before.status,
        toStatus: to,
        reason: opts.reason ?? null,
        data: opts.data ?? {},
      });
      await this.outbox.append(tx, opts.events?.(after) ?? []);
      return after;
    });
  }

  /**
   * Writes a new task and its "opened" timeline entry. Install tasks are unique per order: a second
   * attempt (an event delivered twice) inserts nothing and answers null.
   */
  async insert(ctx: RequestContext, t: NewTask): Promise<string | null> {
    const id = await this.tasks.insert(ctx, {
      ...t,
      checklist: (t.checklist ?? []).map((label) => ({ label, done: false })),
      dueInHours: t.dueInHours ?? null,
    });
    if (!id) return null;
    await this.record(ctx, id, {
      type: 'opened',
      fromStatus: null,
      toStatus: t.status,
      reason: null,
      data: { kind: t.kind, agentId: t.agentId, feeCents: t.feeCents, orderId: t.orderId },
    });
    return id;
  }

  /** A timeline entry by the caller that is not a move (a tick, a code event). */
  async record(ctx: RequestContext, taskId: string, e: TaskEventInsert): Promise<void> {
    await this.tasks.insertEvent(ctx, taskId, e);
  }
}
