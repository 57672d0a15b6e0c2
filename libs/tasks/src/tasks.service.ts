import { Injectable } from '@nestjs/common';
import {
  Clock,
  decodeCursor,
  DEFAULT_PAGE_SIZE,
  IllegalTransitionError,
  Page,
  RequestContext,
  toPage,
  ValidationError,
} from '@campus/core';
import { Db } from '@campus/database';
import { CreateTaskDto, TaskQueryDto } from './dto/task.dto';
import { ReturnPickupInput, TaskAssignmentService } from './task-assignment.service';
import { TaskCodesService } from './task-codes.service';
import { NewTask, TaskLifecycleService, TaskMoveOptions } from './task-lifecycle.service';
import { TaskFilters, TaskRepository } from './task.repository';
import { TaskAction, taskStateMachine, TaskStatus } from './task-state-machine';
import { taskEventView, taskView } from './task-view';
import { TaskEventView, TaskView } from './task.types';

export { DEFAULT_TRAINING_CHECKLIST } from './task-assignment.service';
export type { ReturnPickupInput } from './task-assignment.service';
export { LAPSE_SCHEDULE } from './task-lifecycle.service';
export type { NewTask, TaskChanges, TaskMoveOptions } from './task-lifecycle.service';

/** One task on an agent's work list with what the agent can do next. */
export interface TaskWorkItem {
  task: TaskView;
  nextActions: TaskAction[];
}

/** The moves an assigned agent makes themselves (assignment and cancellation are not theirs). */
const AGENT_ACTIONS: TaskAction[] = ['schedule', 'start', 'complete', 'fail'];

/** An agent's unfinished tasks, failed ones included (they may reschedule them). */
const ON_AGENT_LIST: readonly TaskStatus[] = ['assigned', 'scheduled', 'in_progress', 'failed'];
const WORK_LIST_SIZE = 200;

/**
 * Delivery-plus-install, repair, return and training tasks: what the API and the other contexts call.
 * Every state change goes through the lifecycle's `move`, which locks the task within the caller's
 * scope (else 404), asks the one transition table (illegal → 409 with the current status), and writes
 * the change, its timeline entry and its outbox events in one transaction. Opening and assigning are
 * TaskAssignmentService's, the confirmation code TaskCodesService's; this answers the reads and the
 * agent's own simple moves.
 */
@Injectable()
export class TasksService {
  constructor(
    private readonly db: Db,
    private readonly tasks: TaskRepository,
    private readonly lifecycle: TaskLifecycleService,
    private readonly assignment: TaskAssignmentService,
    private readonly codes: TaskCodesService,
    private readonly clock: Clock,
  ) {}

  /** The task within the caller's scope (404 otherwise). */
  get(ctx: RequestContext, id: string): Promise<TaskView> {
    return this.lifecycle.get(ctx, id);
  }

  /**
   * Tasks in the caller's scope, newest first. `overdue` compares the SLA deadline with the app's
   * Clock (not the database's now()), so a test that moves its clock sees tasks become overdue.
   */
  async list(ctx: RequestContext, q: TaskQueryDto): Promise<Page<TaskView>> {
    const filters: TaskFilters = {
      status: q.status,
      kind: q.kind,
      campusId: q.campusId,
      orderId: q.orderId,
      agentId: q.agentId === 'me' ? this.callingAgent(ctx) : q.agentId,
      overdue: q.overdue === undefined ? undefined : { now: this.clock.now(), is: q.overdue },
      active: q.active,
      before: q.cursor ? (decodeCursor(q.cursor, ['string', 'string']) as [string, string]) : undefined,
    };
    const limit = q.limit ?? DEFAULT_PAGE_SIZE;
    const rows = await this.tasks.list(ctx, filters, limit);
    const page = toPage(rows, limit, (r) => [r.cursor_at, r.id]);
    return { ...page, items: page.items.map((r) => taskView(r, this.clock.now())) };
  }

  /** "me" in a filter is the calling agent; nobody else has a "me". */
  private callingAgent(ctx: RequestContext): string {
    if (!ctx.principal.agentId) throw ValidationError.field('agentId', '"me" is only for agents');
    return ctx.principal.agentId;
  }

  /**
   * The calling agent's unfinished tasks (including failed ones they may reschedule), soonest window
   * first, unscheduled ones last, each with the moves the agent can make next.
   */
  async workList(ctx: RequestContext): Promise<TaskWorkItem[]> {
    if (!ctx.principal.agentId) return [];
    const rows = await this.tasks.ofAgent(ctx, ctx.principal.agentId, ON_AGENT_LIST, WORK_LIST_SIZE);
    return rows.map((r) => {
      const task = taskView(r, this.clock.now());
      return { task, nextActions: AGENT_ACTIONS.filter((a) => taskStateMachine.can(task.status, a)) };
    });
  }

  /** How many of the calling agent's unfinished tasks were given to them after `since` (all when null). */
  async countAssignedSince(ctx: RequestContext, since: Date | null): Promise<number> {
    if (!ctx.principal.agentId) return 0;
    return this.tasks.countOfAgent(ctx, ctx.principal.agentId, ON_AGENT_LIST, since);
  }

  /** A task's timeline (the task in the caller's scope, else 404). */
  async events(ctx: RequestContext, id: string): Promise<TaskEventView[]> {
    await this.get(ctx, id);
    return (await this.tasks.events(ctx, id)).map(taskEventView);
  }

  /** See TaskAssignmentService.create. */
  create(
    ctx: RequestContext,
    dto: CreateTaskDto,
    findCustomer?: (phone: string) => Promise<{ id: string; name: string | null } | null>,
  ): Promise<TaskView> {
    return this.assignment.create(ctx, dto, findCustomer);
  }

  /** See TaskAssignmentService.openReturnPickup (after-sales, in its transaction). */
  openReturnPickup(ctx: RequestContext, input: ReturnPickupInput): Promise<TaskView> {
    return this.assignment.openReturnPickup(ctx, input);
  }

  /** See TaskAssignmentService.assign. */
  assign(ctx: RequestContext, id: string, agentId: string, reason?: string): Promise<TaskView> {
    return this.assignment.assign(ctx, id, agentId, reason);
  }

  /**
   * The assigned agent ticks what they taught on a training task (scheduled or in progress; else
   * 409): `ticked` is the whole set of ticked points, so repeating the request changes nothing. Each
   * change is on the task's timeline.
   */
  async tickChecklist(ctx: RequestContext, id: string, ticked: number[]): Promise<TaskView> {
    return this.db.transaction(ctx, async (tx) => {
      const task = await this.lifecycle.lock(tx, id);
      if (task.kind !== 'training')
        throw ValidationError.field('ticked', 'only a training task has a checklist');
      if (task.status !== 'scheduled' && task.status !== 'in_progress') {
        throw new IllegalTransitionError('task', task.status, 'tick_checklist');
      }
      if (ticked.some((i) => i >= task.checklist.length)) {
        throw ValidationError.field('ticked', `the checklist has ${task.checklist.length} points (0-based)`);
      }
      const set = new Set(ticked);
      await this.tasks.setChecklist(
        tx,
        id,
        task.checklist.map((item, i) => ({ label: item.label, done: set.has(i) })),
      );
      await this.lifecycle.record(tx, id, {
        type: 'checklist',
        fromStatus: null,
        toStatus: null,
        reason: null,
        data: { ticked: [...set].sort((a, b) => a - b) },
      });
      return (await this.lifecycle.find(tx, id))!;
    });
  }

  /** See TaskCodesService.schedule: the window, and a new code texted to the customer. */
  schedule(
    ctx: RequestContext,
    id: string,
    input: { windowStart: string; windowEnd: string },
  ): Promise<TaskView> {
    return this.codes.schedule(ctx, id, input);
  }

  /** See TaskCodesService.newCode: the call centre lifts a code lock. */
  newCode(ctx: RequestContext, id: string): Promise<TaskView> {
    return this.codes.newCode(ctx, id);
  }

  /** The assigned agent starts the job (at the customer's, in the window). */
  start(ctx: RequestContext, id: string): Promise<TaskView> {
    return this.lifecycle.move(ctx, id, 'start');
  }

  /** See TaskCodesService.complete: the job done, with the customer's code. */
  complete(
    ctx: RequestContext,
    id: string,
    input: { confirmationCode: string; notes?: string },
  ): Promise<TaskView> {
    return this.codes.complete(ctx, id, input);
  }

  /** The assigned agent could not do the job; a manager reassigns or the agent reschedules it. */
  fail(ctx: RequestContext, id: string, reason: string): Promise<TaskView> {
    return this.lifecycle.move(ctx, id, 'fail', {
      reason,
      set: { failure_reason: reason },
      data: { reason },
    });
  }

  /** See TaskLifecycleService.move (after-sales cancels a return's pickup with it). */
  move(ctx: RequestContext, id: string, action: TaskAction, opts?: TaskMoveOptions): Promise<TaskView> {
    return this.lifecycle.move(ctx, id, action, opts);
  }

  /** The task without scope (for the system's own consumers) or null. */
  find(ctx: RequestContext, id: string): Promise<TaskView | null> {
    return this.lifecycle.find(ctx, id);
  }

  /** The tasks of an order (system use), oldest first. */
  ofOrder(ctx: RequestContext, orderId: string, opts?: { lock?: boolean }): Promise<TaskView[]> {
    return this.lifecycle.ofOrder(ctx, orderId, opts);
  }

  /** See TaskLifecycleService.insert. */
  insert(ctx: RequestContext, t: NewTask): Promise<string | null> {
    return this.lifecycle.insert(ctx, t);
  }
}
