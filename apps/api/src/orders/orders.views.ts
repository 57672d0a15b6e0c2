import { ApiPropertyOptional } from '@nestjs/swagger';
import { ApiProperty } from '@nestjs/swagger';
import { Channel, CHANNELS, Page } from '@campus/core';
import {
  FULFILMENT_TYPES,
  FulfilmentType,
  LineDiscountView,
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

export class LineDiscountResponse implements LineDiscountView {
  @Enum(['flash_sale', 'promotion', 'coupon']) source: LineDiscountView['source'];
  @Id() id: string;
  @NullableId() promotionId: string | null;
  @Int() amountCents: number;
}

export class OrderLineResponse implements OrderLineView {
  @Str() sku: string;
  @Str() name: string;
  @Int() quantity: number;
  @Int({ description: 'catalogue price per unit at order time' }) listPriceCents: number;
  @Int({ description: 'the flash-sale price, else the list price (0 for a gift line)' })
  unitPriceCents: number;
  @Int({ description: 'everything off quantity × listPriceCents on this line' }) discountCents: number;
  @Int({ description: 'quantity × listPriceCents − discountCents: what is paid' }) lineTotalCents: number;
  @NullableId() promotionId: string | null;
  @NullableId() flashSaleId: string | null;
  @List(LineDiscountResponse) discounts: LineDiscountResponse[];
  @Bool() requiresInstallation: boolean;
  @Int({ description: 'per unit' }) installFeeCents: number;
  @Int({ description: 'units of this line that came back in received returns (0 ≤ returned ≤ quantity)' })
  returnedQuantity: number;
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
  @Int({ description: 'Σ quantity × list price (CNY fen)' }) subtotalCents: number;
  @Int({ description: 'Σ line discounts' }) discountCents: number;
  @Int({ description: 'subtotalCents − discountCents (CNY fen)' }) totalCents: number;
  @NullableStr() couponCode: string | null;
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

export class OrderNoticeView {
  @Enum(['agent_code_refused']) code: 'agent_code_refused';
  @Str() detail: string;
  @Str() agentCode: string;
  @Enum(['agent_suspended']) reason: 'agent_suspended';
}

export class PlacedOrderResponse extends OrderResponse {
  @ApiPropertyOptional({
    type: OrderNoticeView,
    isArray: true,
    description: 'what was refused without failing the order',
  })
  notices?: OrderNoticeView[];
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
