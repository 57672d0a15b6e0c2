import { ApiProperty } from '@nestjs/swagger';
import { Channel, CHANNELS, Page } from '@campus/core';
import {
  FULFILMENT_TYPES,
  FulfilmentType,
  ORDER_STATUSES,
  OrderEventView,
  OrderLineView,
  OrderStatus,
  OrderView,
  PAYMENT_METHODS,
  PaymentMethod,
} from '@campus/orders';
import {
  Bool,
  Enum,
  Id,
  Int,
  List,
  NextCursor,
  NullableId,
  NullableInt,
  NullableStr,
  NullableTime,
  Obj,
  Str,
  Time,
} from '../common/view-props';

export class OrderCustomerView {
  @Id() id: string;
  @Str({ example: '+8613800138000' }) phone: string;
}

export class OrderLineResponse implements OrderLineView {
  @Str() sku: string;
  @Str() name: string;
  @Int() quantity: number;
  @Int() unitPriceCents: number;
  @Int() lineTotalCents: number;
  @Bool() requiresInstallation: boolean;
  @Int({ description: 'per unit' }) installFeeCents: number;
}

export class OrderFulfilmentView {
  @Enum(FULFILMENT_TYPES) type: FulfilmentType;
  @NullableId() pickupPointId: string | null;
  @Id() campusId: string;
  @NullableStr() address: string | null;
}

export class OrderResponse implements OrderView {
  @Id() id: string;
  @Str({ description: 'short number read out to the customer', example: 'CO-7K2Q9X' }) number: string;
  @Enum(CHANNELS) channel: Channel;
  @Enum(ORDER_STATUSES) status: OrderStatus;
  @Obj(OrderCustomerView) customer: OrderCustomerView;
  @NullableId() agentId: string | null;
  @NullableId() assignedAgentId: string | null;
  @Id() regionId: string;
  @Id() campusId: string;
  @List(OrderLineResponse) lines: OrderLineResponse[];
  @Int({ description: 'CNY fen' }) totalCents: number;
  @Enum(PAYMENT_METHODS) paymentMethod: PaymentMethod;
  @Obj(OrderFulfilmentView) fulfillment: OrderFulfilmentView;
  @NullableStr() note: string | null;
  @NullableInt() codCollectedCents: number | null;
  @Id() createdById: string;
  @Time() createdAt: Date;
  @Time() updatedAt: Date;
  @NullableTime() paidAt: Date | null;
  @NullableTime() assignedAt: Date | null;
  @NullableTime() dispatchedAt: Date | null;
  @NullableTime() deliveredAt: Date | null;
  @NullableTime() completedAt: Date | null;
  @NullableTime() cancelledAt: Date | null;
  @NullableTime() returnedAt: Date | null;
  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'an unpaid online order is cancelled at this time unless paid (null otherwise)',
  })
  paymentDueAt: Date | null;
}

export class OrderPage implements Page<OrderResponse> {
  @List(OrderResponse) items: OrderResponse[];
  @NextCursor() nextCursor: string | null;
}

export class EventActorView {
  @NullableId() id: string | null;
  @NullableStr() role: string | null;
}

export class OrderEventResponse implements OrderEventView {
  @Id() id: string;
  @Str() type: string;
  @Enum(ORDER_STATUSES, { nullable: true }) fromStatus: OrderStatus | null;
  @Enum(ORDER_STATUSES, { nullable: true }) toStatus: OrderStatus | null;
  @Obj(EventActorView) actor: EventActorView;
  @NullableStr() channel: string | null;
  @NullableStr() reason: string | null;
  @Time() at: Date;
  @ApiProperty({ type: 'object', additionalProperties: true }) data: Record<string, unknown>;
}
