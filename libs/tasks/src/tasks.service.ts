import { Injectable } from '@nestjs/common';
import {
  AppConfig,
  Clock,
  decodeCursor,
  DEFAULT_PAGE_SIZE,
  IllegalTransitionError,
  InjectConfig,
  NotFoundError,
  numericCode,
  Page,
  purposeKey,
  RequestContext,
  toPage,
  ValidationError,
} from '@campus/core';
import { Db, SqlParams } from '@campus/database';
import { AgentsService, NetworkService } from '@campus/network';
import { NotificationsService, render } from '@campus/notifications';
import { OrderService } from '@campus/orders';
import { event, OutboxEvent, OutboxService } from '@campus/queue';
import { CreateTaskDto, TaskQueryDto } from './dto/task.dto';
import {
  ChecklistIncompleteError,
  ConfirmationCodeLockedError,
  OrderNotDeliveredError,
  TaskAgentUnavailableError,
  WrongConfirmationCodeError,
} from './task.errors';
import {
  confirmationCodeHash,
  confirmationCodeMatches,
  formatWindow,
  MAX_CODE_FAILURES,
  windowProblems,
} from './task-policy';
import { taskScopeSql } from './task-scope';
import {
  FINISHED_TASK_STATUSES,
  TaskAction,
  TaskKind,
  taskStateMachine,
  TaskStatus,
} from './task-state-machine';
import { ChecklistItem, FEE_KINDS, FeeKind, TaskEventView, TaskItem, TaskView } from './task.types';

/** Columns a move may set besides the status (never user-chosen names). */
export interface TaskChanges {
  agent_id?: string | null;
  window_start?: Date | null;
  window_end?: Date | null;
  code_hash?: string | null;
  code_failures?: number;
  notes?: string | null;
  failure_reason?: string | null;
}

export interface TaskMoveOptions {
  reason?: string | null;
  data?: Record<string, unknown>;
  set?: TaskChanges;
  /** Extra checks on the locked task before the move. */
  guard?: (task: TaskView) => void;
  /** Events to publish in the same transaction, from the task after the move. */
  events?: (task: TaskView) => OutboxEvent[];
}

/** One task on an agent's work list with what the agent can do next. */
export interface TaskWorkItem {
  task: TaskView;
  nextActions: TaskAction[];
}

/** The moves an assigned agent makes themselves (assignment and cancellation are not theirs). */
const AGENT_ACTIONS: TaskAction[] = ['schedule', 'start', 'complete', 'fail'];

/** The timestamp column stamped when a task enters a status. */
const STATUS_TIMESTAMPS: Partial<Record<TaskStatus, string>> = {
  assigned: 'assigned_at',
  scheduled: 'scheduled_at',
  in_progress: 'started_at',
  done: 'completed_at',
  failed: 'failed_at',
};

const TASK_COLUMNS = `t.id, t.kind, t.status, t.order_id, t.order_number, t.region_id, t.campus_id, t.agent_id,
  t.customer_id, t.customer_phone, t.customer_name, t.address, t.description, t.items, t.checklist, t.fee_cents, t.window_start,
  t.window_end, t.code_hash, t.code_failures, t.notes, t.failure_reason, t.due_at, t.created_at, t.updated_at,
  t.assigned_at, t.scheduled_at, t.started_at, t.completed_at, t.failed_at`;

interface TaskRow {
  id: string;
  kind: TaskKind;
  status: TaskStatus;
  order_id: string | null;
  order_number: string | null;
  region_id: string;
  campus_id: string;
  agent_id: string | null;
  customer_id: string | null;
  customer_phone: string;
  customer_name: string | null;
  address: string | null;
  description: string | null;
  items: TaskItem[];
  checklist: ChecklistItem[];
  fee_cents: number;
  window_start: Date | null;
  window_end: Date | null;
  code_hash: string | null;
  code_failures: number;
  notes: string | null;
  failure_reason: string | null;
  due_at: Date | null;
  created_at: Date;
  updated_at: Date;
  assigned_at: Date | null;
  scheduled_at: Date | null;
  started_at: Date | null;
  completed_at: Date | null;
  failed_at: Date | null;
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
 * Delivery-plus-install and repair-pickup tasks. Every state change goes through `move`, which locks
 * the task within the caller's scope (else 404), asks the one transition table (illegal → 409 with
 * the current status), and writes the change, its timeline entry and its outbox events in one
 * transaction. Locks are always taken order first, then task (see `lock`).
 */
@Injectable()
export class TasksService {
  constructor(
    private readonly db: Db,
    private readonly orders: OrderService,
    private readonly agents: AgentsService,
    private readonly network: NetworkService,
    private readonly notifications: NotificationsService,
    private readonly outbox: OutboxService,
    private readonly clock: Clock,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  async get(ctx: RequestContext, id: string): Promise<TaskView> {
    const params: unknown[] = [id];
    const scope = taskScopeSql(ctx, params);
    const rows = await this.db.query<TaskRow>(
      ctx,
      `SELECT ${TASK_COLUMNS} FROM tasks t WHERE t.id = $1 AND ${scope}`,
      params,
    );
    if (!rows[0]) throw new NotFoundError('task', id);
    return this.view(rows[0]);
  }

  /**
   * Tasks in the caller's scope, newest first. `overdue` compares the SLA deadline with the app's
   * Clock (not the database's now()), so a test that moves its clock sees tasks become overdue.
   */
  async list(ctx: RequestContext, q: TaskQueryDto): Promise<Page<TaskView>> {
    const params = new SqlParams();
    const where = [taskScopeSql(ctx, params)];
    if (q.status) where.push(`t.status = ${params.add(q.status)}`);
    if (q.kind) where.push(`t.kind = ${params.add(q.kind)}`);
    if (q.campusId) where.push(`t.campus_id = ${params.add(q.campusId)}`);
    if (q.orderId) where.push(`t.order_id = ${params.add(q.orderId)}`);
    if (q.agentId) {
      let agentId = q.agentId;
      if (agentId === 'me') {
        if (!ctx.principal.agentId) throw ValidationError.field('agentId', '"me" is only for agents');
        agentId = ctx.principal.agentId;
      }
      where.push(`t.agent_id = ${params.add(agentId)}`);
    }
    const finished = `ARRAY['done','cancelled']::text[]`;
    if (q.overdue !== undefined) {
      const overdue = `(t.due_at <= ${params.add(this.clock.now())}::timestamptz AND NOT t.status = ANY(${finished}))`;
      where.push(q.overdue ? overdue : `NOT COALESCE(${overdue}, false)`);
    }
    if (q.active !== undefined) {
      where.push(q.active ? `NOT t.status = ANY(${finished})` : `t.status = ANY(${finished})`);
    }
    if (q.cursor) {
      const [at, id] = decodeCursor(q.cursor, ['string', 'string']);
      where.push(`(t.created_at, t.id) < (${params.add(at)}::timestamptz, ${params.add(id)}::uuid)`);
    }
    const limit = q.limit ?? DEFAULT_PAGE_SIZE;
    // The cursor keeps PostgreSQL's microseconds: a JS Date would round them off and skip rows.
    const rows = await this.db.query<TaskRow & { cursor_at: string }>(
      ctx,
      `SELECT ${TASK_COLUMNS}, t.created_at::text AS cursor_at FROM tasks t WHERE ${where.join(' AND ')}
        ORDER BY t.created_at DESC, t.id DESC LIMIT ${limit + 1}`,
      params.values,
    );
    const page = toPage(rows, limit, (r) => [r.cursor_at, r.id]);
    return { ...page, items: page.items.map((r) => this.view(r)) };
  }

  /**
   * The calling agent's unfinished tasks (including failed ones they may reschedule), soonest window
   * first, unscheduled ones last, each with the moves the agent can make next.
   */
  async workList(ctx: RequestContext): Promise<TaskWorkItem[]> {
    if (!ctx.principal.agentId) return [];
    const rows = await this.db.query<TaskRow>(
      ctx,
      `SELECT ${TASK_COLUMNS} FROM tasks t
        WHERE t.agent_id = $1 AND t.status = ANY($2::text[])
        ORDER BY t.window_start NULLS LAST, t.created_at, t.id LIMIT 200`,
      [ctx.principal.agentId, ['assigned', 'scheduled', 'in_progress', 'failed']],
    );
    return rows.map((r) => {
      const task = this.view(r);
      return { task, nextActions: AGENT_ACTIONS.filter((a) => taskStateMachine.can(task.status, a)) };
    });
  }

  /** How many of the calling agent's unfinished tasks were given to them after `since` (all when null). */
  async countAssignedSince(ctx: RequestContext, since: Date | null): Promise<number> {
    if (!ctx.principal.agentId) return 0;
    const [row] = await this.db.query<{ n: number }>(
      ctx,
      `SELECT count(*)::int AS n FROM tasks t
        WHERE t.agent_id = $1 AND t.status = ANY($2::text[])
          AND ($3::timestamptz IS NULL OR t.assigned_at > $3::timestamptz)`,
      [ctx.principal.agentId, ['assigned', 'scheduled', 'in_progress', 'failed'], since],
    );
    return row.n;
  }

  async events(ctx: RequestContext, id: string): Promise<TaskEventView[]> {
    await this.get(ctx, id);
    const rows = await this.db.query<{
      id: string;
      type: string;
      from_status: TaskStatus | null;
      to_status: TaskStatus | null;
      actor_id: string | null;
      actor_role: string | null;
      reason: string | null;
      data: Record<string, unknown>;
      created_at: Date;
    }>(ctx, `SELECT * FROM task_events WHERE task_id = $1 ORDER BY id`, [id]);
    return rows.map((r) => ({
      id: String(r.id),
      type: r.type,
      fromStatus: r.from_status,
      toStatus: r.to_status,
      actor: { id: r.actor_id, role: r.actor_role },
      reason: r.reason,
      at: r.created_at,
      data: r.data,
    }));
  }

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
      const id = await this.insert(tx, {
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
        feeCents: (FEE_KINDS as readonly string[]).includes(kind)
          ? await this.kindFee(tx, kind as FeeKind)
          : 0,
        dueAt: null,
        dueInHours: this.config.installSlaHours,
      });
      return (await this.find(tx, id!))!;
    });
  }

  /** The fee the admin set for a kind (0 until set). */
  private async kindFee(ctx: RequestContext, kind: FeeKind): Promise<number> {
    const [row] = await this.db.query<{ fee_cents: number }>(
      ctx,
      `SELECT fee_cents FROM task_kind_fees WHERE kind = $1`,
      [kind],
    );
    return row?.fee_cents ?? 0;
  }

  /**
   * The assigned agent ticks what they taught on a training task (scheduled or in progress; else
   * 409): `ticked` is the whole set of ticked points, so repeating the request changes nothing. Each
   * change is on the task's timeline.
   */
  async tickChecklist(ctx: RequestContext, id: string, ticked: number[]): Promise<TaskView> {
    return this.db.transaction(ctx, async (tx) => {
      const task = await this.lock(tx, id);
      if (task.kind !== 'training')
        throw ValidationError.field('ticked', 'only a training task has a checklist');
      if (task.status !== 'scheduled' && task.status !== 'in_progress') {
        throw new IllegalTransitionError('task', task.status, 'tick_checklist');
      }
      const beyond = ticked.filter((i) => i >= task.checklist.length);
      if (beyond.length) {
        throw ValidationError.field('ticked', `the checklist has ${task.checklist.length} points (0-based)`);
      }
      const set = new Set(ticked);
      const checklist = task.checklist.map((item, i) => ({ label: item.label, done: set.has(i) }));
      await this.db.query(tx, `UPDATE tasks SET checklist = $2::jsonb, updated_at = now() WHERE id = $1`, [
        id,
        JSON.stringify(checklist),
      ]);
      await this.recordEvent(tx, id, {
        type: 'checklist',
        fromStatus: null,
        toStatus: null,
        reason: null,
        data: { ticked: [...set].sort((a, b) => a - b) },
      });
      return (await this.find(tx, id))!;
    });
  }

  /**
   * After-sales opens the pickup of an approved return (in its transaction): a `return_pickup` task
   * listing the units to collect, given to `agentId` when that agent is active on the order's campus
   * (texted and alerted like a hand assignment), else `open` for a manager to assign. The agent
   * agrees a window (the customer is texted a code) and completes the task with the customer's code;
   * `task.completed` (kind `return_pickup`) then tells after-sales the goods are back. No fee.
   */
  async openReturnPickup(
    ctx: RequestContext,
    input: {
      orderId: string;
      agentId: string | null;
      items: { sku: string; name: string; quantity: number }[];
      description: string;
    },
  ): Promise<TaskView> {
    const sys = RequestContext.system(ctx.requestId).withManager(ctx.manager!);
    const order = await this.orders.find(sys, input.orderId);
    if (!order) throw new NotFoundError('order', input.orderId);
    let agent: { user_id: string; phone: string } | null = null;
    if (input.agentId) {
      const [row] = await this.db.query<{ user_id: string; phone: string }>(
        ctx,
        `SELECT user_id, phone FROM agents WHERE id = $1 AND status = 'active' AND campus_id = $2 FOR SHARE`,
        [input.agentId, order.campusId],
      );
      agent = row ?? null;
    }
    const id = (await this.insert(ctx, {
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
    const task = (await this.find(ctx, id))!;
    if (agent) await this.tellAgent(ctx, task, agent);
    return task;
  }

  /**
   * Writes a new task and its "opened" timeline entry. Install tasks are unique per order: a second
   * attempt (an event delivered twice) inserts nothing and answers null.
   */
  async insert(ctx: RequestContext, t: NewTask): Promise<string | null> {
    const rows = await this.db.query<{ id: string }>(
      ctx,
      `INSERT INTO tasks (kind, status, order_id, order_number, region_id, campus_id, agent_id, customer_id,
         customer_phone, customer_name, address, description, items, fee_cents, due_at, created_by_id, created_by_role,
         assigned_at, checklist)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13::jsonb, $14,
               COALESCE($15::timestamptz, now() + make_interval(hours => $18::int)), $16, $17,
               CASE WHEN $7::uuid IS NOT NULL THEN now() END, $19::jsonb)
       ON CONFLICT (order_id) WHERE kind = 'delivery_install' DO NOTHING
       RETURNING id`,
      [
        t.kind,
        t.status,
        t.orderId,
        t.orderNumber,
        t.regionId,
        t.campusId,
        t.agentId,
        t.customer.id,
        t.customer.phone,
        t.customer.name,
        t.address,
        t.description,
        JSON.stringify(t.items),
        t.feeCents,
        t.dueAt,
        ctx.actorId,
        ctx.role,
        t.dueInHours ?? null,
        JSON.stringify((t.checklist ?? []).map((label) => ({ label, done: false }))),
      ],
    );
    if (!rows[0]) return null;
    await this.recordEvent(ctx, rows[0].id, {
      type: 'opened',
      fromStatus: null,
      toStatus: t.status,
      reason: null,
      data: { kind: t.kind, agentId: t.agentId, feeCents: t.feeCents, orderId: t.orderId },
    });
    return rows[0].id;
  }

  /**
   * A manager (or admin) gives the task to an active agent of its campus: a first assignment, a
   * reassignment (the old window and code lapse; the new agent reschedules) or a retry after a
   * failure. Task and agent must be in the caller's scope (404); a suspended agent or one on another
   * campus is 422.
   */
  async assign(ctx: RequestContext, id: string, agentId: string, reason?: string): Promise<TaskView> {
    return this.db.transaction(ctx, async (tx) => {
      const task = await this.get(tx, id);
      await this.agents.get(tx, agentId);
      const [agent] = await this.db.query<{
        status: string;
        campus_id: string;
        user_id: string;
        phone: string;
      }>(tx, `SELECT status, campus_id, user_id, phone FROM agents WHERE id = $1 FOR SHARE`, [agentId]);
      if (agent.status !== 'active') throw new TaskAgentUnavailableError(agentId, 'is suspended');
      if (agent.campus_id !== task.campusId) {
        throw new TaskAgentUnavailableError(agentId, 'works on another campus than this task');
      }
      if (task.status === 'assigned' && task.agentId === agentId) return task;
      const moved = await this.move(tx, id, 'assign', {
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
  private async tellAgent(tx: RequestContext, task: TaskView, agent: { user_id: string; phone: string }) {
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
      const task = await this.move(tx, id, 'schedule', {
        set: {
          window_start: start,
          window_end: end,
          code_hash: confirmationCodeHash(purposeKey(this.config.codesSecret, 'task-code'), id, code),
        },
        guard: (t) => {
          if (t.codeLocked) throw new ConfirmationCodeLockedError();
        },
        data: { windowStart: start.toISOString(), windowEnd: end.toISOString() },
      });
      await this.notifications.send(tx, {
        to: task.customer.phone,
        template: 'task_code',
        params: { code, window: formatWindow(start, end), kind: task.kind, number: task.orderNumber },
        orderId: task.orderId,
        customerId: task.customer.id,
      });
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
      const task = await this.lock(tx, id);
      if (!['assigned', 'scheduled', 'in_progress', 'failed'].includes(task.status)) {
        throw new IllegalTransitionError('task', task.status, 'new_code');
      }
      const withWindow = task.status === 'scheduled' || task.status === 'in_progress';
      const code = withWindow ? numericCode(6) : null;
      await this.db.query(
        tx,
        `UPDATE tasks SET code_failures = 0, code_hash = COALESCE($2, code_hash), updated_at = now() WHERE id = $1`,
        [id, code ? confirmationCodeHash(purposeKey(this.config.codesSecret, 'task-code'), id, code) : null],
      );
      await this.recordEvent(tx, id, {
        type: 'code_reissued',
        fromStatus: null,
        toStatus: null,
        reason: null,
        data: { failuresBefore: task.codeFailures, texted: code !== null },
      });
      if (code && task.windowStart && task.windowEnd) {
        await this.notifications.send(tx, {
          to: task.customer.phone,
          template: 'task_code',
          params: {
            code,
            window: formatWindow(task.windowStart, task.windowEnd),
            kind: task.kind,
            number: task.orderNumber,
          },
          orderId: task.orderId,
          customerId: task.customer.id,
        });
      }
      return (await this.find(tx, id))!;
    });
  }

  /** The assigned agent starts the job (at the customer's, in the window). */
  start(ctx: RequestContext, id: string): Promise<TaskView> {
    return this.move(ctx, id, 'start');
  }

  /**
   * The assigned agent finishes the job with the customer's confirmation code. An install task is
   * refused (422) before its order is delivered. A wrong code is 422 and counted (the count is
   * committed even though the request fails); the fifth wrong code locks the code (429 from then on,
   * even for the right one) until a reschedule texts a new one. Done publishes `task.completed` (the
   * agent's fee, the order's completion) in the same transaction as the move, so exactly once.
   */
  async complete(
    ctx: RequestContext,
    id: string,
    input: { confirmationCode: string; notes?: string },
  ): Promise<TaskView> {
    type Outcome =
      { kind: 'locked' } | { kind: 'wrong'; triesLeft: number } | { kind: 'done'; task: TaskView };
    const outcome = await this.db.transaction(ctx, async (tx): Promise<Outcome> => {
      const task = await this.lock(tx, id);
      taskStateMachine.next(task.status, 'complete');
      if (task.orderId) {
        const order = await this.orders.find(
          RequestContext.system(tx.requestId).withManager(tx.manager!),
          task.orderId,
        );
        if (!order || (order.status !== 'delivered' && order.status !== 'completed')) {
          throw new OrderNotDeliveredError(task.orderId, order?.status ?? 'unknown');
        }
      }
      const untaught = task.checklist.filter((c) => !c.done).map((c) => c.label);
      if (untaught.length) throw new ChecklistIncompleteError(untaught);
      if (task.codeLocked) return { kind: 'locked' };
      const [stored] = await this.db.query<{ code_hash: string }>(
        tx,
        `SELECT code_hash FROM tasks WHERE id = $1`,
        [id],
      );
      if (
        !confirmationCodeMatches(
          purposeKey(this.config.codesSecret, 'task-code'),
          id,
          input.confirmationCode,
          stored.code_hash,
        )
      ) {
        const [row] = await this.db.query<{ code_failures: number }>(
          tx,
          `UPDATE tasks SET code_failures = code_failures + 1, updated_at = now() WHERE id = $1 RETURNING code_failures`,
          [id],
        );
        await this.recordEvent(tx, id, {
          type: 'code_rejected',
          fromStatus: null,
          toStatus: null,
          reason: null,
          data: { failures: row.code_failures },
        });
        return { kind: 'wrong', triesLeft: MAX_CODE_FAILURES - row.code_failures };
      }
      const done = await this.move(tx, id, 'complete', {
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

  /** The assigned agent could not do the job; a manager reassigns or the agent reschedules it. */
  fail(ctx: RequestContext, id: string, reason: string): Promise<TaskView> {
    return this.move(ctx, id, 'fail', { reason, set: { failure_reason: reason }, data: { reason } });
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
      const sets = ['status = $2', 'updated_at = now()'];
      const params = new SqlParams([id, to]);
      const stamp = STATUS_TIMESTAMPS[to];
      if (stamp) sets.push(`${stamp} = now()`);
      for (const [column, value] of Object.entries(opts.set ?? {}))
        sets.push(`${column} = ${params.add(value)}`);
      await this.db.query(tx, `UPDATE tasks SET ${sets.join(', ')} WHERE id = $1`, params.values);
      const after = (await this.find(tx, id))!;
      await this.recordEvent(tx, id, {
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

  /** The task without scope (for the system's own consumers) or null. */
  async find(ctx: RequestContext, id: string): Promise<TaskView | null> {
    const rows = await this.db.query<TaskRow>(ctx, `SELECT ${TASK_COLUMNS} FROM tasks t WHERE t.id = $1`, [
      id,
    ]);
    return rows[0] ? this.view(rows[0]) : null;
  }

  /** The tasks of an order (system use), oldest first. */
  async ofOrder(ctx: RequestContext, orderId: string, opts: { lock?: boolean } = {}): Promise<TaskView[]> {
    const rows = await this.db.query<TaskRow>(
      ctx,
      `SELECT ${TASK_COLUMNS} FROM tasks t WHERE t.order_id = $1 ORDER BY t.created_at, t.id${opts.lock ? ' FOR UPDATE' : ''}`,
      [orderId],
    );
    return rows.map((r) => this.view(r));
  }

  /**
   * Locks a task within the caller's scope (404 otherwise). An install task's order is locked first
   * (FOR KEY SHARE, which every write referencing the order takes anyway), so every path locks order
   * before task and the order consumer, which holds the order while it moves tasks, cannot deadlock
   * with a task being scheduled or completed.
   */
  private async lock(ctx: RequestContext, id: string): Promise<TaskView> {
    const params: unknown[] = [id];
    const scope = taskScopeSql(ctx, params);
    const [peek] = await this.db.query<{ order_id: string | null }>(
      ctx,
      `SELECT t.order_id FROM tasks t WHERE t.id = $1 AND ${scope}`,
      params,
    );
    if (!peek) throw new NotFoundError('task', id);
    if (peek.order_id) {
      await this.db.query(ctx, `SELECT 1 FROM orders WHERE id = $1 FOR KEY SHARE`, [peek.order_id]);
    }
    const rows = await this.db.query<TaskRow>(
      ctx,
      `SELECT ${TASK_COLUMNS} FROM tasks t WHERE t.id = $1 AND ${scope} FOR UPDATE`,
      params,
    );
    if (!rows[0]) throw new NotFoundError('task', id);
    return this.view(rows[0]);
  }

  private async recordEvent(
    ctx: RequestContext,
    taskId: string,
    e: {
      type: string;
      fromStatus: TaskStatus | null;
      toStatus: TaskStatus | null;
      reason: string | null;
      data: Record<string, unknown>;
    },
  ): Promise<void> {
    await this.db.query(
      ctx,
      `INSERT INTO task_events (task_id, type, from_status, to_status, actor_id, actor_role, reason, data)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [taskId, e.type, e.fromStatus, e.toStatus, ctx.actorId, ctx.role, e.reason, JSON.stringify(e.data)],
    );
  }

  private view(r: TaskRow): TaskView {
    const now = this.clock.now().getTime();
    return {
      id: r.id,
      kind: r.kind,
      status: r.status,
      orderId: r.order_id,
      orderNumber: r.order_number,
      regionId: r.region_id,
      campusId: r.campus_id,
      agentId: r.agent_id,
      customer: { id: r.customer_id, phone: r.customer_phone, name: r.customer_name },
      address: r.address,
      description: r.description,
      items: r.items,
      checklist: r.checklist ?? [],
      installFeeCents: r.fee_cents,
      windowStart: r.window_start,
      windowEnd: r.window_end,
      codeFailures: r.code_failures,
      codeLocked: r.code_failures >= MAX_CODE_FAILURES,
      notes: r.notes,
      failureReason: r.failure_reason,
      dueAt: r.due_at,
      overdue: r.due_at !== null && r.due_at.getTime() <= now && !FINISHED_TASK_STATUSES.includes(r.status),
      createdAt: r.created_at,
      updatedAt: r.updated_at,
      assignedAt: r.assigned_at,
      scheduledAt: r.scheduled_at,
      startedAt: r.started_at,
      completedAt: r.completed_at,
      failedAt: r.failed_at,
    };
  }
}

/** What a training covers unless the call centre lists its own points (labels in both languages). */
export const DEFAULT_TRAINING_CHECKLIST: readonly string[] = [
  '开机、关机与复位 / Power on, off and reset',
  '连接客户的设备 / Connect the customer’s devices',
  '日常使用与设置 / Everyday use and settings',
  '故障自查与售后联系方式 / Self-help and who to call',
];

/**
 * A task that changes hands loses its window and code: the new agent agrees a new one. Its count of
 * wrong codes stays: guessing is bounded per task, whoever holds it.
 */
export const LAPSE_SCHEDULE: TaskChanges = {
  window_start: null,
  window_end: null,
  code_hash: null,
};
