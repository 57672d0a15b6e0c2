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

/** For `before`/`after`: only the fields of `after` whose values differ from `before`. */
export function changedFields(
  before: Record<string, unknown>,
  after: Record<string, unknown>,
): { before: Record<string, unknown>; after: Record<string, unknown> } {
  const b: Record<string, unknown> = {};
  const a: Record<string, unknown> = {};
  for (const key of Object.keys(after)) {
    if (JSON.stringify(before[key]) !== JSON.stringify(after[key])) {
      b[key] = before[key];
      a[key] = after[key];
    }
  }
  return { before: b, after: a };
}
