import { Page } from '@campus/core';
import { NOTIFICATION_STATUSES, NotificationStatus, NotificationView } from '@campus/notifications';
import { Enum, Id, Int, List, NextCursor, NullableId, NullableStr, Str, Time } from '../common/view-props';

export class NotificationResponse implements NotificationView {
  @Id() id: string;
  @Str({ example: '+8613800138000' }) to: string;
  @Str({ example: 'order_placed' }) template: string;
  @Str() language: string;
  @Str() body: string;
  @Enum(NOTIFICATION_STATUSES) status: NotificationStatus;
  @NullableStr() transport: string | null;
  @NullableStr() providerId: string | null;
  @NullableStr() error: string | null;
  @Int() attempts: number;
  @NullableId() orderId: string | null;
  @Time() createdAt: Date;
  @Time() updatedAt: Date;
}

export class NotificationPage implements Page<NotificationResponse> {
  @List(NotificationResponse) items: NotificationResponse[];
  @NextCursor() nextCursor: string | null;
}
