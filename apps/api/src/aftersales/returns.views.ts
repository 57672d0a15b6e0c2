import { Page } from '@campus/core';
import {
  RETURN_COLLECTIONS,
  RETURN_REQUEST_STATUSES,
  ReturnCollection,
  ReturnRequestLineView,
  ReturnRequestStatus,
  ReturnRequestView,
} from '@campus/aftersales';
import {
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

export class ReturnRequestLineResponse implements ReturnRequestLineView {
  @Int({ description: '0-based position of the order line' }) lineIndex: number;
  @Str() sku: string;
  @Str() name: string;
  @Int() quantity: number;
  @NullableInt({ description: 'what these units refunded, once received (fen)' }) refundCents: number | null;
}

export class ReturnRequesterView {
  @Id() id: string;
  @Str() role: string;
}

export class ReturnRequestResponse implements ReturnRequestView {
  @Id() id: string;
  @Id() orderId: string;
  @Str() orderNumber: string;
  @Id() regionId: string;
  @Id() campusId: string;
  @Id() customerId: string;
  @Str() channel: string;
  @Enum(RETURN_REQUEST_STATUSES) status: ReturnRequestStatus;
  @Enum(RETURN_COLLECTIONS) collection: ReturnCollection;
  @Str() reason: string;
  @NullableStr() decisionNote: string | null;
  @List(ReturnRequestLineResponse) lines: ReturnRequestLineResponse[];
  @NullableId() taskId: string | null;
  @NullableInt({ description: 'the refund of the whole request, once received (fen)' }) refundCents:
    number | null;
  @Str({ isArray: true }) refundIds: string[];
  @Obj(ReturnRequesterView) requestedBy: ReturnRequesterView;
  @NullableId() decidedById: string | null;
  @NullableTime() decidedAt: Date | null;
  @NullableId() receivedById: string | null;
  @NullableTime() receivedAt: Date | null;
  @Time() createdAt: Date;
  @Time() updatedAt: Date;
}

export class ReturnRequestPage implements Page<ReturnRequestView> {
  @List(ReturnRequestResponse) items: ReturnRequestResponse[];
  @NextCursor() nextCursor: string | null;
}
