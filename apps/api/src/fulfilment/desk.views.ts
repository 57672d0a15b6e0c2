import { Page } from '@campus/core';
import type {
  CashCollectionView,
  CashHandInView,
  CashRefundView,
  CashUpStatus,
  CashUpSummaryView,
  CashUpView,
  CodeResentView,
  WaitingParcelView,
} from '@campus/fulfilment';
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
import { ParcelResponse } from './fulfilment.views';

export class WaitingParcelResponse extends ParcelResponse implements WaitingParcelView {
  @NullableStr() lockerCode: string | null;
  @Str({ description: 'the customer’s number, masked', example: '+86138****8000' }) maskedPhone: string;
  @Str() paymentMethod: string;
  @Int() totalCents: number;
  @Int({ description: 'cash to take at hand-out (unpaid COD), else 0' }) collectCents: number;
  @Int({ description: 'replacement codes that may still be sent today' }) codeResendsLeft: number;
}

export class CodeResentResponse implements CodeResentView {
  @Id() orderId: string;
  @Str() orderNumber: string;
  @Id() parcelId: string;
  @Str({ description: 'the masked number the new code was texted to' }) sentTo: string;
  @Int({ description: 'replacement codes still allowed today' }) resendsLeft: number;
}

export class CashCollectionResponse implements CashCollectionView {
  @Enum(['cod', 'counter_sale']) kind: 'cod' | 'counter_sale';
  @Id() orderId: string;
  @Str() orderNumber: string;
  @Int() amountCents: number;
  @Time() at: Date;
}

export class CashRefundResponse implements CashRefundView {
  @Str() refundId: string;
  @Id() orderId: string;
  @Str() orderNumber: string;
  @Int() amountCents: number;
  @Time() at: Date;
}

export class CashRecorderView {
  @Id() id: string;
  @Str() role: string;
}

export class CashHandInResponse implements CashHandInView {
  @Str() id: string;
  @Int() amountCents: number;
  @Str() note: string;
  @Obj(CashRecorderView) recordedBy: CashRecorderView;
  @Time() at: Date;
}

class CashUpFiguresView {
  @Int({ description: 'cash taken at the point that day (COD parcels, counter sales)' })
  collectedCents: number;
  @Int({ description: 'cash refunds paid out at the point that day' }) refundedCents: number;
  @Int({ description: 'cash the staff recorded as handed in' }) handedInCents: number;
  @Int({ description: 'collected − refunded' }) expectedCents: number;
  @Int({ description: 'handed in − expected (negative: cash missing)' }) differenceCents: number;
}

export class CashUpResponse extends CashUpFiguresView implements CashUpView {
  @NullableId() id: string | null;
  @Id() pickupPointId: string;
  @Str() pickupPointName: string;
  @Id() regionId: string;
  @Str({ example: '2026-11-26' }) day: string;
  @Enum(['open', 'closed']) status: CashUpStatus;
  @NullableTime() closedAt: Date | null;
  @NullableId() closedById: string | null;
  @NullableStr() closeNote: string | null;
  @Bool() changedSinceClose: boolean;
  @List(CashCollectionResponse) collections: CashCollectionResponse[];
  @List(CashRefundResponse) refunds: CashRefundResponse[];
  @List(CashHandInResponse) handIns: CashHandInResponse[];
}

export class CashUpSummaryResponse extends CashUpFiguresView implements CashUpSummaryView {
  @Id() id: string;
  @Id() pickupPointId: string;
  @Str() pickupPointName: string;
  @Id() regionId: string;
  @Str() day: string;
  @Enum(['open', 'closed']) status: CashUpStatus;
  @NullableTime() closedAt: Date | null;
}

export class CashUpPage implements Page<CashUpSummaryResponse> {
  @List(CashUpSummaryResponse) items: CashUpSummaryResponse[];
  @NextCursor() nextCursor: string | null;
}

export class WorkNewsListView {
  @Int({ description: 'open items given to the agent since they last opened the list' }) count: number;
  @NullableTime() seenAt: Date | null;
}

export class WorkNewsResponse {
  @Obj(WorkNewsListView) orders: WorkNewsListView;
  @Obj(WorkNewsListView) tasks: WorkNewsListView;
}
