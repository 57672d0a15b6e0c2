import type { AuditRecordView } from '@campus/audit';
import { Page } from '@campus/core';
import { Json, List, NextCursor, NullableId, NullableStr, Obj, Str, Time } from '../common/view-props';

export class AuditActorView {
  @NullableId() id: string | null;
  @NullableStr() role: string | null;
  @NullableStr() username: string | null;
}

export class AuditRecordResponse implements AuditRecordView {
  @Str({ description: 'increasing with time' }) id: string;
  @Time() at: Date;
  @Obj(AuditActorView) actor: AuditActorView;
  @Str({ example: 'product.update' }) action: string;
  @Str({ example: 'product' }) entityType: string;
  @Str() entityId: string;
  @NullableId() regionId: string | null;
  @Json({ description: 'the fields that changed, as they were (null for a creation)' })
  before: Record<string, unknown> | null;
  @Json({ description: 'the fields that changed, as they became' })
  after: Record<string, unknown> | null;
  @NullableStr() requestId: string | null;
}

export class AuditPage implements Page<AuditRecordResponse> {
  @List(AuditRecordResponse) items: AuditRecordResponse[];
  @NextCursor() nextCursor: string | null;
}
