import { MAX_CODE_FAILURES } from './task-policy';
import type { TaskEventRow, TaskRow } from './task.repository';
import { FINISHED_TASK_STATUSES } from './task-state-machine';
import type { TaskEventView, TaskView } from './task.types';

/** A task as the API and the other contexts see it; `overdue` by the app's clock (`now`). */
export function taskView(r: TaskRow, now: Date): TaskView {
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
    overdue:
      r.due_at !== null && r.due_at.getTime() <= now.getTime() && !FINISHED_TASK_STATUSES.includes(r.status),
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    assignedAt: r.assigned_at,
    scheduledAt: r.scheduled_at,
    startedAt: r.started_at,
    completedAt: r.completed_at,
    failedAt: r.failed_at,
  };
}

export function taskEventView(r: TaskEventRow): TaskEventView {
  return {
    id: String(r.id),
    type: r.type,
    fromStatus: r.from_status,
    toStatus: r.to_status,
    actor: { id: r.actor_id, role: r.actor_role },
    reason: r.reason,
    at: r.created_at,
    data: r.data,
  };
}
