import { StateMachine } from '@campus/core';

/**
 * What an agent can be sent to do: deliver and install, pick up a repair, collect a return
 * (after-sales), teach the customer to use what was installed, bring a repaired item back.
 */
export const TASK_KINDS = [
  'delivery_install',
  'repair_pickup',
  'return_pickup',
  'training',
  'repair_return',
] as const;
export type TaskKind = (typeof TASK_KINDS)[number];

export const TASK_STATUSES = [
  'open',
  'assigned',
  'scheduled',
  'in_progress',
  'done',
  'failed',
  'cancelled',
] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

export type TaskAction = 'assign' | 'unassign' | 'schedule' | 'start' | 'complete' | 'fail' | 'cancel';

/**
 * The task lifecycle, in one table (issue 6). Nothing else decides whether a move is allowed.
 * - `assign` gives the task to an agent; from `assigned`/`scheduled` it is a reassignment (the agreed
 *   window and the texted code go with the old agent, so the task is `assigned` again and must be
 *   rescheduled); from `failed` it is the manager's second attempt.
 * - `unassign` returns an unstarted task to the pool (its order went back to the dispatch pool).
 * - `schedule` agrees a window with the customer and texts a fresh confirmation code; again from
 *   `scheduled` it is a reschedule (a new code, which also lifts a code lock), from `failed` a retry.
 * - `complete` needs the customer's code (and, for an install, the order delivered).
 * - `cancel` is the system's move when the task's order is cancelled or returned before it was done.
 */
export const TASK_TRANSITIONS = {
  assign: { from: ['open', 'assigned', 'scheduled', 'failed'], to: 'assigned' },
  unassign: { from: ['assigned', 'scheduled'], to: 'open' },
  schedule: { from: ['assigned', 'scheduled', 'failed'], to: 'scheduled' },
  start: { from: ['scheduled'], to: 'in_progress' },
  complete: { from: ['in_progress'], to: 'done' },
  fail: { from: ['assigned', 'scheduled', 'in_progress'], to: 'failed' },
  cancel: { from: ['open', 'assigned', 'scheduled', 'in_progress', 'failed'], to: 'cancelled' },
} as const satisfies Record<TaskAction, { from: readonly TaskStatus[]; to: TaskStatus }>;

export const taskStateMachine = new StateMachine<TaskStatus, TaskAction>('task', TASK_TRANSITIONS);

/** Tasks nobody has started: they follow their order when it is reassigned. */
export const UNSTARTED_TASK_STATUSES: readonly TaskStatus[] = ['open', 'assigned', 'scheduled'];

/** Tasks that no longer hold an order back from completion. */
export const FINISHED_TASK_STATUSES: readonly TaskStatus[] = ['done', 'cancelled'];
