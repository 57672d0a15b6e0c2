import { ApiProperty } from '@nestjs/swagger';
import { Page } from '@campus/core';
import {
  CashHolder,
  ORDER_STATUSES,
  OrderStatus,
  REFUND_CAUSES,
  REFUND_METHODS,
  REFUND_STATUSES,
  RefundCause,
  RefundMethod,
  RefundStatus,
  RefundView,
} from '@campus/orders';
import {
  ATTEMPT_METHODS,
  ATTEMPT_STATUSES,
  AttemptMethod,
  AttemptStatus,
  AttemptView,
  CreatedAttempt,
  OrderPayments,
} from '@campus/payments';
import {
  Bool,
  Enum,
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
} from '../common/view-props';

export class AttemptResponse implements AttemptView {
  @Id() id: string;
  @Id() orderId: string;
  @Str({ description: 'our trade number at Alipay (out_trade_no)' }) outTradeNo: string;
  @Enum(ATTEMPT_METHODS) method: AttemptMethod;
  @Int({ description: 'CNY fen' }) amountCents: number;
  @Enum(ATTEMPT_STATUSES) status: AttemptStatus;
  @Time() expiresAt: Date;
  @NullableStr({ description: "Alipay's signed cashier URL (alipay_wap, alipay_page): open it with GET" })
  redirectUrl: string | null;
  @NullableStr({ description: 'the content of the QR code to show (alipay_qr)' }) qrCode: string | null;
  @NullableStr({ description: "Alipay's trade number once paid" }) tradeNo: string | null;
  @NullableTime() paidAt: Date | null;
  @NullableTime() closedAt: Date | null;
  @NullableStr() closeReason: string | null;
  @NullableStr() failureReason: string | null;
  @Time() createdAt: Date;
}

export class CreatedAttemptResponse extends AttemptResponse implements CreatedAttempt {
  @Bool() reused: boolean;
}

export class CashHolderView implements CashHolder {
  @NullableId() agentId: string | null;
  @NullableId() pickupPointId: string | null;
}

export class RefundResponse implements RefundView {
  @Id() id: string;
  @Id() orderId: string;
  @Str() orderNumber: string;
  @Id() regionId: string;
  @Id() paymentId: string;
  @Int({ description: 'CNY fen' }) amountCents: number;
  @Enum(REFUND_METHODS, {
    description:
      'alipay: paid back by Alipay; cash: by whoever holds the cash; manual: through another provider by finance',
  })
  method: RefundMethod;
  @Enum(REFUND_STATUSES) status: RefundStatus;
  @Enum(REFUND_CAUSES) cause: RefundCause;
  @Str() reason: string;
  @Obj(CashHolderView, { nullable: true, description: 'who pays a cash refund back' })
  holder: CashHolderView | null;
  @NullableStr() providerRef: string | null;
  @NullableStr({ description: "Alipay's sub_code when it refused" }) failureCode: string | null;
  @NullableStr({ description: "Alipay's sub_msg when it refused" }) failureReason: string | null;
  @Int() attempts: number;
  @Time() createdAt: Date;
  @Time() updatedAt: Date;
  @NullableTime() succeededAt: Date | null;
  @NullableTime() failedAt: Date | null;
  @NullableTime() paidOutAt: Date | null;
  @NullableId() paidOutById: string | null;
}

export class OrderPaymentsResponse implements OrderPayments {
  @Enum(ORDER_STATUSES) orderStatus: OrderStatus;
  @NullableTime() paymentDueAt: Date | null;
  @List(AttemptResponse) attempts: AttemptResponse[];
  @List(RefundResponse) refunds: RefundResponse[];
}

export class RefundPage implements Page<RefundResponse> {
  @List(RefundResponse) items: RefundResponse[];
  @NextCursor() nextCursor: string | null;
}

export class PaymentMethodsResponse {
  @ApiProperty({
    enum: [...ATTEMPT_METHODS],
    isArray: true,
    description: 'empty while Alipay is off (cash on delivery only)',
  })
  methods: AttemptMethod[];
}

export class PaymentOutcomeResponse {
  @Enum(['applied', 'duplicate', 'refund_required']) status: 'applied' | 'duplicate' | 'refund_required';
  @Id() orderId: string;
  @Enum(ORDER_STATUSES) orderStatus: OrderStatus;
}
