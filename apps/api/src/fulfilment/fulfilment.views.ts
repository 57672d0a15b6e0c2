import { ApiExtraModels, ApiProperty, getSchemaPath } from '@nestjs/swagger';
import {
  FAILED_ATTEMPT_REASONS,
  type CodBalanceView,
  type CodEntryView,
  type FailedAttemptReason,
  type FailedAttemptsView,
  type ParcelView,
  type PickedUp,
  type UnclaimedCodItem,
  type WorkItem,
} from '@campus/fulfilment';
import { COMPARTMENT_SIZES, CompartmentSize } from '@campus/network';
import type { TaskAction, TaskWorkItem } from '@campus/tasks';
import {
  Id,
  Int,
  List,
  NextCursor,
  NullableId,
  NullableStr,
  Obj,
  Str,
  Time,
  Enum,
  Bool,
} from '../common/view-props';
import { OrderResponse } from '../orders/orders.views';
import { TaskResponse } from '../tasks/tasks.views';

export class CompartmentRefView {
  @Id() id: string;
  @Str({ example: 'A03' }) label: string;
}

export class SizedCompartmentView extends CompartmentRefView {
  @Enum(COMPARTMENT_SIZES) size: CompartmentSize;
}

export class ParcelResponse implements ParcelView {
  @Id() id: string;
  @Id() orderId: string;
  @Str() orderNumber: string;
  @Id() pickupPointId: string;
  @NullableId() lockerId: string | null;
  @Obj(SizedCompartmentView, { nullable: true }) compartment: SizedCompartmentView | null;
  @Enum(['held', 'collected', 'expired']) state: ParcelView['state'];
  @Time() depositedAt: Date;
  @Time() expiresAt: Date;
}

/** The order after a deposit, with the parcel (and the compartment to put it in). */
export class DepositedOrderView extends OrderResponse {
  @Obj(ParcelResponse) parcel: ParcelResponse;
}

/** A collected order, with the compartment to open (null at a counter). */
export class PickedUpView extends OrderResponse implements PickedUp {
  @Obj(CompartmentRefView, { nullable: true }) compartment: CompartmentRefView | null;
}

export class DoorDestinationView {
  @Enum(['delivery']) type: 'delivery';
  @Id() campusId: string;
  @NullableStr() address: string | null;
}

export class DestinationPointView {
  @Id() id: string;
  @Str() name: string;
  @NullableStr() address: string | null;
}

export class LockerFreeView {
  @Id() id: string;
  @Str() code: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'integer' },
    description: 'free compartments per size (S, M, L)',
  })
  free: Record<string, number>;
}

export class PointDestinationView {
  @Enum(['locker', 'counter']) type: 'locker' | 'counter';
  @Obj(DestinationPointView) pickupPoint: DestinationPointView;
  @List(LockerFreeView) lockers: LockerFreeView[];
}

@ApiExtraModels(DoorDestinationView, PointDestinationView)
export class WorkItemView implements WorkItem {
  @Obj(OrderResponse) order: OrderResponse;
  @Int({ description: 'cash to collect at the door (COD), else 0' }) collectCents: number;
  @ApiProperty({
    oneOf: [{ $ref: getSchemaPath(DoorDestinationView) }, { $ref: getSchemaPath(PointDestinationView) }],
  })
  destination: DoorDestinationView | PointDestinationView;
  @Enum(['dispatch', 'deliver', 'deposit'], { isArray: true }) nextActions: WorkItem['nextActions'];
}

export class TaskWorkItemView implements TaskWorkItem {
  @Obj(TaskResponse) task: TaskResponse;
  @Enum(['assign', 'unassign', 'schedule', 'start', 'complete', 'fail', 'cancel'], { isArray: true })
  nextActions: TaskAction[];
}

export class WorkListView {
  @List(WorkItemView) items: WorkItemView[];
  @List(TaskWorkItemView) tasks: TaskWorkItemView[];
}

export class CodRecorderView {
  @Id() id: string;
  @Str() role: string;
}

export class CodEntryResponse implements CodEntryView {
  @Id() id: string;
  @Id() orderId: string;
  @Str() orderNumber: string;
  @Int() amountCents: number;
  @Int() expectedCents: number;
  @NullableStr() overrideReason: string | null;
  @Obj(CodRecorderView) recordedBy: CodRecorderView;
  @Time() recordedAt: Date;
  /** A paid settlement took this cash (handed in). */
  @Bool() settled: boolean;
}

export class CodBalanceResponse implements CodBalanceView {
  @Id() agentId: string;
  @Int({ description: 'cash the agent still holds: collected minus settled' }) heldCents: number;
  @Int({ description: 'all cash collected on delivery' }) collectedCents: number;
  @Int({ description: 'cash handed in: what paid settlements took, less the refunds they credited back' })
  settledCents: number;
  @Int({ description: 'cash refunds the agent handed to customers' }) refundsPaidOutCents: number;
  @Int() entryCount: number;
  @List(CodEntryResponse) items: CodEntryResponse[];
  @NextCursor() nextCursor: string | null;
}

export class FailedAttemptView {
  @Str() id: string;
  @Enum(FAILED_ATTEMPT_REASONS) reason: FailedAttemptReason;
  @NullableStr() note: string | null;
  @NullableId() agentId: string | null;
  @Time() at: Date;
}

export class FailedAttemptsResponse implements FailedAttemptsView {
  @Id() orderId: string;
  @List(FailedAttemptView) attempts: FailedAttemptView[];
  @Bool() mayCancel: boolean;
}

export class UnclaimedCodItemView implements UnclaimedCodItem {
  @Obj(OrderResponse) order: OrderResponse;
  @Int() failedAttempts: number;
  @Int({ description: 'hours since the order was placed' }) ageHours: number;
}

export class UnclaimedCodPage {
  @List(UnclaimedCodItemView) items: UnclaimedCodItemView[];
  @NextCursor() nextCursor: string | null;
}
