import { ApiProperty } from '@nestjs/swagger';
import type { AlertAudience, AlertPage, AlertView } from '@campus/notifications';
import { ALERT_AUDIENCES } from '@campus/notifications';
import { Enum, Id, Int, List, NextCursor, NullableId, NullableTime, Str, Time } from '../common/view-props';

export class AlertResponse implements AlertView {
  @Id() id: string;
  @Str({ example: 'low_stock' }) kind: string;
  @Enum(ALERT_AUDIENCES) audience: AlertAudience;
  @NullableId() regionId: string | null;
  @NullableId() userId: string | null;
  @Str() subject: string;
  @Str() body: string;
  @ApiProperty({ type: 'object', additionalProperties: true }) data: Record<string, unknown>;
  @Time() createdAt: Date;
  @NullableTime() acknowledgedAt: Date | null;
  @NullableId() acknowledgedById: string | null;
}

export class AlertPageResponse implements AlertPage {
  @List(AlertResponse) items: AlertResponse[];
  @NextCursor() nextCursor: string | null;
  @Int({ description: 'alerts in scope not acknowledged yet' }) unacknowledged: number;
}
