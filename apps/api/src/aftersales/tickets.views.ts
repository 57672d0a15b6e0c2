import {
  TICKET_KINDS,
  TICKET_OUTCOMES,
  TICKET_STATUSES,
  TicketDetail,
  TicketKind,
  TicketMessageView,
  TicketOutcome,
  TicketStatus,
  TicketView,
} from '@campus/aftersales';
import { Page } from '@campus/core';
import {
  Bool,
  Enum,
  Id,
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

export class TicketCustomerView {
  @NullableId() id: string | null;
  @Str() phone: string;
}

export class TicketMessageResponse implements TicketMessageView {
  @Str() id: string;
  @Enum(['customer', 'staff']) author: 'customer' | 'staff';
  @Str() authorRole: string;
  @Str() body: string;
  @NullableId() notificationId: string | null;
  @Time() createdAt: Date;
}

export class TicketResponse implements TicketView {
  @Id() id: string;
  @Str({ description: 'short reference for texts and the phone' }) ref: string;
  @Enum(TICKET_KINDS) kind: TicketKind;
  @Enum(TICKET_STATUSES) status: TicketStatus;
  @Obj(TicketCustomerView) customer: TicketCustomerView;
  @NullableId() orderId: string | null;
  @NullableStr() orderNumber: string | null;
  @NullableId() regionId: string | null;
  @NullableId() campusId: string | null;
  @Str() body: string;
  @Str() createdByRole: string;
  @Time() createdAt: Date;
  @Time() dueAt: Date;
  @NullableTime() firstReplyAt: Date | null;
  @Bool({ description: 'open, no staff reply, past TICKET_SLA_HOURS' }) overdue: boolean;
  @Enum(TICKET_OUTCOMES, { nullable: true }) outcome: TicketOutcome | null;
  @NullableStr() resolutionNote: string | null;
  @NullableInt() compensationCents: number | null;
  @Str({ isArray: true, format: 'uuid' }) refundIds: string[];
  @NullableTime() resolvedAt: Date | null;
  @Time() updatedAt: Date;
}

export class TicketDetailResponse extends TicketResponse implements TicketDetail {
  @List(TicketMessageResponse) messages: TicketMessageResponse[];
}

export class TicketPage implements Page<TicketResponse> {
  @List(TicketResponse) items: TicketResponse[];
  @NextCursor() nextCursor: string | null;
}
