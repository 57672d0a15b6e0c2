import { Injectable } from '@nestjs/common';
import type { RequestContext } from '@campus/core';
import { Db, Sql, sql } from '@campus/database';
import { taskScope } from './task-scope';
import { FINISHED_TASK_STATUSES, TaskKind, TaskStatus } from './task-state-machine';
import type { ChecklistItem, FeeKind, TaskItem, TaskView } from './task.types';

/** A `tasks` row as the services read it (mapped to a TaskView by `taskView`). */
export interface TaskRow {
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

export interface TaskEventRow {
  id: string;
  type: string;
  from_status: TaskStatus | null;
  to_status: TaskStatus | null;
  actor_id: string | null;
  actor_role: string | null;
  reason: string | null;
  data: Record<string, unknown>;
  created_at: Date;
}

export interface TaskFeeRow {
  kind: FeeKind;
  fee_cents: number;
  updated_at: Date;
}

/** An agent as a task needs them: to check they may take it and to text them. */
export interface TaskAgentRow {
  status: string;
  campus_id: string;
  user_id: string;
  phone: string;
}

/** A new `tasks` row (the service decides every value; the database stamps the times). */
export interface TaskInsert extends Pick<
  TaskView,
  | 'kind'
  | 'orderId'
  | 'orderNumber'
  | 'regionId'
  | 'campusId'
  | 'agentId'
  | 'customer'
  | 'address'
  | 'description'
  | 'items'
  | 'checklist'
> {
  status: TaskStatus;
  feeCents: number;
  /** The deadline, or null for `dueInHours` from now (or none). */
  dueAt: Date | null;
  dueInHours: number | null;
}

/** A timeline entry (the actor is the caller of the context it is written with). */
export interface TaskEventInsert {
  type: string;
  fromStatus: TaskStatus | null;
  toStatus: TaskStatus | null;
  reason: string | null;
  data: Record<string, unknown>;
}

/** Columns a move may set besides the status and its timestamp (never user-chosen names). */
export interface TaskChanges {
  agent_id?: string | null;
  window_start?: Date | null;
  window_end?: Date | null;
  code_hash?: string | null;
  code_failures?: number;
  notes?: string | null;
  failure_reason?: string | null;
}

/** The filters of a task list, resolved by the service (who "me" is, what "now" is). */
export interface TaskFilters {
  status?: TaskStatus;
  kind?: TaskKind;
  campusId?: string;
  orderId?: string;
  agentId?: string;
  /** Past the deadline at `now` and unfinished (true), or the others (false). */
  overdue?: { now: Date; is: boolean };
  /** Unfinished (true) or finished (false). */
  active?: boolean;
  /** Keyset: created before (created_at text, id). */
  before?: [string, string];
}

const TASK_COLUMNS =
  sql.raw(`t.id, t.kind, t.status, t.order_id, t.order_number, t.region_id, t.campus_id, t.agent_id,
  t.customer_id, t.customer_phone, t.customer_name, t.address, t.description, t.items, t.checklist, t.fee_cents, t.window_start,
  t.window_end, t.code_hash, t.code_failures, t.notes, t.failure_reason, t.due_at, t.created_at, t.updated_at,
  t.assigned_at, t.scheduled_at, t.started_at, t.completed_at, t.failed_at`);

/** The timestamp column stamped when a task enters a status. */
const STATUS_TIMESTAMPS: Partial<Record<TaskStatus, string>> = {
  assigned: 'assigned_at',
  scheduled: 'scheduled_at',
  in_progress: 'started_at',
  done: 'completed_at',
  failed: 'failed_at',
};

/**
 * Every statement of the tasks lib: `tasks`, `task_events` and `task_kind_fees` (its own tables), and
 * the two reads it makes of other contexts' tables (an agent row, an order's key lock), allowed by
 * docs/architecture.md. The services decide (who may, which move, which code); this holds the SQL,
 * the row locks and the scope predicate, and returns plain rows.
 */
@Injectable()
export class TaskRepository {
  constructor(private readonly db: Db) {}

  /** The task without scope, or null. */
  async find(ctx: RequestContext, id: string): Promise<TaskRow | null> {
    const [row] = await this.db.query<TaskRow>(
      ctx,
      sql`SELECT ${TASK_COLUMNS} FROM tasks t WHERE t.id = ${id}`,
    );
    return row ?? null;
  }

  /** The task if the caller's scope covers it, else null. */
  async findInScope(ctx: RequestContext, id: string): Promise<TaskRow | null> {
    const [row] = await this.db.query<TaskRow>(
      ctx,
      sql`SELECT ${TASK_COLUMNS} FROM tasks t WHERE t.id = ${id} AND ${taskScope(ctx)}`,
    );
    return row ?? null;
  }

  /** The order of a task in the caller's scope (without locking it); null when out of scope. */
  async peekOrder(ctx: RequestContext, id: string): Promise<{ orderId: string | null } | null> {
    const [row] = await this.db.query<{ order_id: string | null }>(
      ctx,
      sql`SELECT t.order_id FROM tasks t WHERE t.id = ${id} AND ${taskScope(ctx)}`,
    );
    return row ? { orderId: row.order_id } : null;
  }

  /** Holds the order's key (the lock every write referencing the order takes anyway). */
  async lockOrderKey(tx: RequestContext, orderId: string): Promise<void> {
    await this.db.query(tx, sql`SELECT 1 FROM orders WHERE id = ${orderId} FOR KEY SHARE`);
  }

  /** The task in the caller's scope, locked FOR UPDATE; null when out of scope. */
  async lockInScope(tx: RequestContext, id: string): Promise<TaskRow | null> {
    const [row] = await this.db.query<TaskRow>(
      tx,
      sql`SELECT ${TASK_COLUMNS} FROM tasks t WHERE t.id = ${id} AND ${taskScope(tx)} FOR UPDATE`,
    );
    return row ?? null;
  }

  /** The tasks of an order, oldest first (locked when asked). */
  async ofOrder(ctx: RequestContext, orderId: string, lock: boolean): Promise<TaskRow[]> {
    return this.db.query<TaskRow>(
      ctx,
      sql`SELECT ${TASK_COLUMNS} FROM tasks t WHERE t.order_id = ${orderId}
        ORDER BY t.created_at, t.id${sql.raw(lock ? ' FOR UPDATE' : '')}`,
    );
  }

  /**
   * Tasks in the caller's scope matching the filters, newest first, `limit + 1` rows (the extra one
   * says there is a next page). `cursor_at` keeps PostgreSQL's microseconds: a JS Date would round
   * them off and skip rows.
   */
  async list(
    ctx: RequestContext,
    f: TaskFilters,
    limit: number,
  ): Promise<(TaskRow & { cursor_at: string })[]> {
    const finished = sql`${FINISHED_TASK_STATUSES}::text[]`;
    const where: Sql[] = [taskScope(ctx)];
    if (f.status) where.push(sql`t.status = ${f.status}`);
    if (f.kind) where.push(sql`t.kind = ${f.kind}`);
    if (f.campusId) where.push(sql`t.campus_id = ${f.campusId}`);
    if (f.orderId) where.push(sql`t.order_id = ${f.orderId}`);
    if (f.agentId) where.push(sql`t.agent_id = ${f.agentId}`);
    if (f.overdue) {
      const overdue = sql`(t.due_at <= ${f.overdue.now}::timestamptz AND NOT t.status = ANY(${finished}))`;
      where.push(f.overdue.is ? overdue : sql`NOT COALESCE(${overdue}, false)`);
    }
    if (f.active !== undefined) {
      where.push(f.active ? sql`NOT t.status = ANY(${finished})` : sql`t.status = ANY(${finished})`);
    }
    if (f.before) {
      where.push(sql`(t.created_at, t.id) < (${f.before[0]}::timestamptz, ${f.before[1]}::uuid)`);
    }
    return this.db.query<TaskRow & { cursor_at: string }>(
      ctx,
      sql`SELECT ${TASK_COLUMNS}, t.created_at::text AS cursor_at FROM tasks t WHERE ${sql.and(where)}
        ORDER BY t.created_at DESC, t.id DESC LIMIT ${limit + 1}`,
    );
  }

  /** An agent's tasks in the given statuses, soonest window first, unscheduled ones last. */
  async ofAgent(
    ctx: RequestContext,
    agentId: string,
    statuses: readonly TaskStatus[],
    limit: number,
  ): Promise<TaskRow[]> {
    return this.db.query<TaskRow>(
      ctx,
      sql`SELECT ${TASK_COLUMNS} FROM tasks t
        WHERE t.agent_id = ${agentId} AND t.status = ANY(${statuses}::text[])
        ORDER BY t.window_start NULLS LAST, t.created_at, t.id LIMIT ${limit}`,
    );
  }

  /** How many of an agent's tasks in the given statuses were given to them after `since` (all when null). */
  async countOfAgent(
    ctx: RequestContext,
    agentId: string,
    statuses: readonly TaskStatus[],
    since: Date | null,
  ): Promise<number> {
    const [row] = await this.db.query<{ n: number }>(
      ctx,
      sql`SELECT count(*)::int AS n FROM tasks t
        WHERE t.agent_id = ${agentId} AND t.status = ANY(${statuses}::text[])
          AND ${since ? sql`t.assigned_at > ${since}::timestamptz` : sql.raw('TRUE')}`,
    );
    return row.n;
  }

  /**
   * Writes a new task. Install tasks are unique per order: a second attempt (an event delivered
   * twice) inserts nothing and answers null.
   */
  async insert(ctx: RequestContext, t: TaskInsert): Promise<string | null> {
    const [row] = await this.db.query<{ id: string }>(
      ctx,
      sql`INSERT INTO tasks (kind, status, order_id, order_number, region_id, campus_id, agent_id, customer_id,
         customer_phone, customer_name, address, description, items, fee_cents, due_at, created_by_id, created_by_role,
         assigned_at, checklist)
       VALUES (${t.kind}, ${t.status}, ${t.orderId}, ${t.orderNumber}, ${t.regionId}, ${t.campusId}, ${t.agentId},
               ${t.customer.id}, ${t.customer.phone}, ${t.customer.name}, ${t.address}, ${t.description},
               ${JSON.stringify(t.items)}::jsonb, ${t.feeCents},
               COALESCE(${t.dueAt}::timestamptz, now() + make_interval(hours => ${t.dueInHours}::int)),
               ${ctx.actorId}, ${ctx.role}, ${t.agentId ? sql.raw('now()') : sql.raw('NULL')},
               ${JSON.stringify(t.checklist)}::jsonb)
       ON CONFLICT (order_id) WHERE kind = 'delivery_install' DO NOTHING
       RETURNING id`,
    );
    return row?.id ?? null;
  }

  /**
   * Moves a task to `to`: the status, the timestamp of the status entered, `updated_at` and the
   * given columns, in one statement.
   */
  async updateStatus(tx: RequestContext, id: string, to: TaskStatus, set: TaskChanges = {}): Promise<void> {
    const stamp = STATUS_TIMESTAMPS[to];
    const sets = [sql`status = ${to}`, sql`updated_at = now()`];
    if (stamp) sets.push(sql.raw(`${stamp} = now()`));
    for (const [column, value] of Object.entries(set)) sets.push(sql`${sql.raw(column)} = ${value}`);
    await this.db.query(tx, sql`UPDATE tasks SET ${sql.join(sets, ', ')} WHERE id = ${id}`);
  }

  async setChecklist(tx: RequestContext, id: string, checklist: ChecklistItem[]): Promise<void> {
    await this.db.query(
      tx,
      sql`UPDATE tasks SET checklist = ${JSON.stringify(checklist)}::jsonb, updated_at = now() WHERE id = ${id}`,
    );
  }

  async setDueAt(tx: RequestContext, id: string, dueAt: Date): Promise<void> {
    await this.db.query(tx, sql`UPDATE tasks SET due_at = ${dueAt}, updated_at = now() WHERE id = ${id}`);
  }

  /** The stored hash of the task's current confirmation code (null before a window is agreed). */
  async codeHash(tx: RequestContext, id: string): Promise<string | null> {
    const [row] = await this.db.query<{ code_hash: string | null }>(
      tx,
      sql`SELECT code_hash FROM tasks WHERE id = ${id}`,
    );
    return row.code_hash;
  }

  /** Counts a wrong code against the task; answers the count since the code was issued. */
  async countCodeFailure(tx: RequestContext, id: string): Promise<number> {
    const [row] = await this.db.query<{ code_failures: number }>(
      tx,
      sql`UPDATE tasks SET code_failures = code_failures + 1, updated_at = now() WHERE id = ${id}
        RETURNING code_failures`,
    );
    return row.code_failures;
  }

  /** Starts the count of wrong codes over, with a new code hash when given (else the code stays). */
  async resetCode(tx: RequestContext, id: string, codeHash: string | null): Promise<void> {
    await this.db.query(
      tx,
      sql`UPDATE tasks SET code_failures = 0, code_hash = COALESCE(${codeHash}, code_hash), updated_at = now()
        WHERE id = ${id}`,
    );
  }

  async insertEvent(ctx: RequestContext, taskId: string, e: TaskEventInsert): Promise<void> {
    await this.db.query(
      ctx,
      sql`INSERT INTO task_events (task_id, type, from_status, to_status, actor_id, actor_role, reason, data)
       VALUES (${taskId}, ${e.type}, ${e.fromStatus}, ${e.toStatus}, ${ctx.actorId}, ${ctx.role}, ${e.reason},
               ${JSON.stringify(e.data)})`,
    );
  }

  /** A task's timeline, oldest first. */
  async events(ctx: RequestContext, taskId: string): Promise<TaskEventRow[]> {
    return this.db.query<TaskEventRow>(
      ctx,
      sql`SELECT * FROM task_events WHERE task_id = ${taskId} ORDER BY id`,
    );
  }

  /** The agent, share-locked (they cannot be suspended or moved while the task is given to them). */
  async lockAgent(tx: RequestContext, agentId: string): Promise<TaskAgentRow | null> {
    const [row] = await this.db.query<TaskAgentRow>(
      tx,
      sql`SELECT status, campus_id, user_id, phone FROM agents WHERE id = ${agentId} FOR SHARE`,
    );
    return row ?? null;
  }

  /** The agent if active on the campus, share-locked; else null. */
  async lockActiveAgentOn(
    tx: RequestContext,
    agentId: string,
    campusId: string,
  ): Promise<Pick<TaskAgentRow, 'user_id' | 'phone'> | null> {
    const [row] = await this.db.query<{ user_id: string; phone: string }>(
      tx,
      sql`SELECT user_id, phone FROM agents
        WHERE id = ${agentId} AND status = 'active' AND campus_id = ${campusId} FOR SHARE`,
    );
    return row ?? null;
  }

  /** Every fee the admin set, by kind. */
  async fees(ctx: RequestContext): Promise<TaskFeeRow[]> {
    return this.db.query<TaskFeeRow>(
      ctx,
      sql`SELECT kind, fee_cents, updated_at FROM task_kind_fees ORDER BY kind`,
    );
  }

  /** The fee of a kind (locked FOR UPDATE when asked), or null until the admin sets it. */
  async fee(ctx: RequestContext, kind: FeeKind, opts: { lock?: boolean } = {}): Promise<number | null> {
    const [row] = await this.db.query<{ fee_cents: number }>(
      ctx,
      sql`SELECT fee_cents FROM task_kind_fees WHERE kind = ${kind}${sql.raw(opts.lock ? ' FOR UPDATE' : '')}`,
    );
    return row?.fee_cents ?? null;
  }

  /** Sets a kind's fee, by the caller. */
  async upsertFee(tx: RequestContext, kind: FeeKind, feeCents: number): Promise<TaskFeeRow> {
    const [row] = await this.db.query<TaskFeeRow>(
      tx,
      sql`INSERT INTO task_kind_fees (kind, fee_cents, updated_by_id, updated_at)
         VALUES (${kind}, ${feeCents}, ${tx.actorId}, now())
       ON CONFLICT (kind) DO UPDATE SET fee_cents = EXCLUDED.fee_cents, updated_by_id = EXCLUDED.updated_by_id,
         updated_at = now()
       RETURNING kind, fee_cents, updated_at`,
    );
    return row;
  }
}
