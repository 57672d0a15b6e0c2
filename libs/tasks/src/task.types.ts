import type { TaskKind, TaskStatus } from './task-state-machine';

export interface TaskItem {
  sku: string;
  name: string;
  quantity: number;
  /** Per unit; the task's fee is the sum of fee × quantity. */
  installFeeCents: number;
}

/** One point of a training task's checklist, ticked by the agent once taught. */
export interface ChecklistItem {
  label: string;
  done: boolean;
}

/** Kinds whose fee the admin sets per kind (`task_kind_fees`); other kinds earn their products' fees. */
export const FEE_KINDS = ['training', 'repair_return'] as const;
export type FeeKind = (typeof FEE_KINDS)[number];

export function isFeeKind(kind: string): kind is FeeKind {
  return (FEE_KINDS as readonly string[]).includes(kind);
}

export interface TaskFeeView {
  kind: FeeKind;
  feeCents: number;
  updatedAt: Date;
}

export interface TaskView {
  id: string;
  kind: TaskKind;
  status: TaskStatus;
  orderId: string | null;
  orderNumber: string | null;
  regionId: string;
  campusId: string;
  agentId: string | null;
  customer: { id: string | null; phone: string; name: string | null };
  address: string | null;
  description: string | null;
  items: TaskItem[];
  /** Training: what to teach, ticked by the agent; every point must be ticked before the code. */
  checklist: ChecklistItem[];
  /** What the agent earns when the task is done. */
  installFeeCents: number;
  windowStart: Date | null;
  windowEnd: Date | null;
  /** Wrong confirmation codes since the current code was texted. */
  codeFailures: number;
  /** Set after five wrong codes; a reschedule texts a new code and lifts it. */
  codeLocked: boolean;
  notes: string | null;
  failureReason: string | null;
  /** The SLA deadline: delivery + INSTALL_SLA_HOURS (install), creation + INSTALL_SLA_HOURS (repair). */
  dueAt: Date | null;
  /** Not done (nor cancelled) and past its deadline, by the app's clock. */
  overdue: boolean;
  createdAt: Date;
  updatedAt: Date;
  /** When the current agent was given the task (null while open). */
  assignedAt: Date | null;
  scheduledAt: Date | null;
  startedAt: Date | null;
  completedAt: Date | null;
  failedAt: Date | null;
}

export interface TaskEventView {
  id: string;
  type: string;
  fromStatus: TaskStatus | null;
  toStatus: TaskStatus | null;
  actor: { id: string | null; role: string | null };
  reason: string | null;
  at: Date;
  data: Record<string, unknown>;
}
