import { Injectable } from '@nestjs/common';
import {
  DEFAULT_PAGE_SIZE,
  ForbiddenError,
  Page,
  RequestContext,
  ValidationError,
  decodeCursor,
  toPage,
} from '@campus/core';
import { Db, SqlParams } from '@campus/database';
import type { AuditEntry, AuditRecordView } from './audit.types';

export interface AuditQuery {
  entityType?: string;
  entityId?: string;
  actorId?: string;
  action?: string;
  from?: string;
  to?: string;
  cursor?: string;
  limit?: number;
}

interface AuditRow {
  id: string;
  at: Date;
  actor_id: string | null;
  actor_role: string | null;
  actor_username: string | null;
  action: string;
  entity_type: string;
  entity_id: string;
  region_id: string | null;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  request_id: string | null;
}

/**
 * The append-only record of staff changes (who, what, before → after, when). Any lib may write to
 * it: `record` joins the caller's transaction, so the change and its audit row commit together.
 * The table refuses UPDATE and DELETE (a trigger), so a row once written stays as written.
 */
@Injectable()
export class AuditService {
  constructor(private readonly db: Db) {}

  async record(ctx: RequestContext, entry: AuditEntry): Promise<void> {
    const p = ctx.principal;
    await this.db.query(
      ctx,
      `INSERT INTO audit_log (actor_id, actor_role, actor_username, action, entity_type, entity_id, region_id,
         before, after, request_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [
        p.kind === 'user' || p.kind === 'customer' ? p.id : null,
        p.role,
        p.username ?? null,
        entry.action,
        entry.entityType,
        entry.entityId,
        entry.regionId ?? null,
        entry.before === undefined || entry.before === null ? null : JSON.stringify(entry.before),
        entry.after === undefined || entry.after === null ? null : JSON.stringify(entry.after),
        ctx.requestId,
      ],
    );
  }

  /** Newest first. Admins see everything; a regional manager sees the rows of their region. */
  async list(ctx: RequestContext, q: AuditQuery): Promise<Page<AuditRecordView>> {
    const params = new SqlParams();
    const where: string[] = [];
    if (ctx.is('regional_manager')) where.push(`region_id = ${params.add(ctx.principal.regionId ?? null)}`);
    else if (!ctx.is('admin', 'system')) throw new ForbiddenError();
    if (q.entityType) where.push(`entity_type = ${params.add(q.entityType)}`);
    if (q.entityId) where.push(`entity_id = ${params.add(q.entityId)}`);
    if (q.actorId) where.push(`actor_id = ${params.add(q.actorId)}`);
    if (q.action) where.push(`action = ${params.add(q.action)}`);
    if (q.from) where.push(`at >= ${params.add(q.from)}::timestamptz`);
    if (q.to) where.push(`at < ${params.add(q.to)}::timestamptz`);
    if (q.cursor) {
      const [last] = decodeCursor(q.cursor, ['string']);
      if (!/^\d{1,18}$/.test(String(last)))
        throw ValidationError.field('cursor', 'is not a cursor this API issued');
      where.push(`id < ${params.add(last)}::bigint`);
    }
    const limit = q.limit ?? DEFAULT_PAGE_SIZE;
    const rows = await this.db.query<AuditRow>(
      ctx,
      `SELECT id::text, at, actor_id, actor_role, actor_username, action, entity_type, entity_id, region_id, before,
              after, request_id
         FROM audit_log ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY id DESC LIMIT ${limit + 1}`,
      params.values,
    );
    const page = toPage(rows, limit, (r) => [r.id]);
    return {
      ...page,
      items: page.items.map((r) => ({
        id: r.id,
        at: r.at,
        actor: { id: r.actor_id, role: r.actor_role, username: r.actor_username },
        action: r.action,
        entityType: r.entity_type,
        entityId: r.entity_id,
        regionId: r.region_id,
        before: r.before,
        after: r.after,
        requestId: r.request_id,
      })),
    };
  }
}
