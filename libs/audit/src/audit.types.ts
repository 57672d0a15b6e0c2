/** One staff change as the audit log records it. `before`/`after` hold only the fields that matter. */
export interface AuditEntry {
  /** What was done, `<thing>.<verb>`: `product.update`, `user.password_reset`, `settlement.approve`. */
  action: string;
  entityType: string;
  entityId: string;
  /** The region the change belongs to (managers see their region's rows); null for global things. */
  regionId?: string | null;
  before?: Record<string, unknown> | null;
  after?: Record<string, unknown> | null;
}

export interface AuditRecordView {
  id: string;
  at: Date;
  actor: { id: string | null; role: string | null; username: string | null };
  action: string;
  entityType: string;
  entityId: string;
  regionId: string | null;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  requestId: string | null;
}
