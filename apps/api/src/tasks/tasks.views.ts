import { Page } from '@campus/core';
import {
  ChecklistItem,
  FEE_KINDS,
  FeeKind,
  TASK_KINDS,
  TASK_STATUSES,
  TaskFeeView,
  TaskItem,
  TaskKind,
  TaskStatus,
  TaskView,
} from '@campus/tasks';
import {
  Bool,
  Id,
  Int,
  List,
  NextCursor,
  NullableId,
  NullableStr,
  NullableTime,
  Obj,
  Str,
  Time,
  Enum,
} from '../common/view-props';

export class TaskCustomerView {
  @NullableId() id: string | null;
  @Str() phone: string;
  @NullableStr() name: string | null;
}

export class TaskItemView implements TaskItem {
  @Str() sku: string;
  @Str() name: string;
  @Int() quantity: number;
  @Int({ description: 'per unit' }) installFeeCents: number;
}

export class ChecklistItemView implements ChecklistItem {
  @Str() label: string;
  @Bool() done: boolean;
}

export class TaskFeeResponse implements TaskFeeView {
  @Enum(FEE_KINDS) kind: FeeKind;
  @Int({ description: 'what an agent earns for one task of this kind (fen)' }) feeCents: number;
  @Time() updatedAt: Date;
}

export class TaskResponse implements TaskView {
  @Id() id: string;
  @Enum(TASK_KINDS) kind: TaskKind;
  @Enum(TASK_STATUSES) status: TaskStatus;
  @NullableId() orderId: string | null;
  @NullableStr() orderNumber: string | null;
  @Id() regionId: string;
  @Id() campusId: string;
  @NullableId() agentId: string | null;
  @Obj(TaskCustomerView) customer: TaskCustomerView;
  @NullableStr() address: string | null;
  @NullableStr() description: string | null;
  @List(TaskItemView) items: TaskItemView[];
  @List(ChecklistItemView) checklist: ChecklistItemView[];
  @Int({ description: 'what the agent earns when the task is done' }) installFeeCents: number;
  @NullableTime() windowStart: Date | null;
  @NullableTime() windowEnd: Date | null;
  @Int() codeFailures: number;
  @Bool() codeLocked: boolean;
  @NullableStr() notes: string | null;
  @NullableStr() failureReason: string | null;
  @NullableTime() dueAt: Date | null;
  @Bool() overdue: boolean;
  @Time() createdAt: Date;
  @Time() updatedAt: Date;
  @NullableTime() assignedAt: Date | null;
  @NullableTime() scheduledAt: Date | null;
  @NullableTime() startedAt: Date | null;
  @NullableTime() completedAt: Date | null;
  @NullableTime() failedAt: Date | null;
}

export class TaskPage implements Page<TaskResponse> {
  @List(TaskResponse) items: TaskResponse[];
  @NextCursor() nextCursor: string | null;
}
