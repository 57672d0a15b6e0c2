import { Injectable } from '@nestjs/common';
import { decodeCursor, DEFAULT_PAGE_SIZE, NotFoundError, Page, RequestContext, toPage } from '@campus/core';
import { Db, Sql, sql, SqlParams } from '@campus/database';

/**
 * Who an alert is for: every admin (`admins`), the managers of one region (`region`, admins see it
 * too), or one staff user (`user`: an agent told of new work; admins see it too).
 */
export type AlertAudience = 'admins' | 'region' | 'user';
export const ALERT_AUDIENCES: readonly AlertAudience[] = ['admins', 'region', 'user'];

export interface RaiseAlert {
  /** A stable machine name (`low_stock`, `order_assigned`, `task_assigned`, `otp_budget`, …). */
  kind: string;
  audience: AlertAudience;
  /** Required for `region`; for `user` alerts the user's region, so its manager's filters find it. */
  regionId?: string | null;
  /** Required for `user`. */
  userId?: string | null;
  /** Short text shown in lists (zh-CN; the console renders known kinds from `data` in the reader's language). */
  subject: string;
  body: string;
  /** The facts behind the alert (ids, numbers): what the console renders from. */
  data?: Record<string, unknown>;
  /** Same key → one alert, however often it is raised (consumers pass their event id). */
  dedupeKey?: string | null;
}

export interface AlertView {
  id: string;
  kind: string;
  audience: AlertAudience;
  regionId: string | null;
  userId: string | null;
  subject: string;
  body: string;
  data: Record<string, unknown>;
  createdAt: Date;
  acknowledgedAt: Date | null;
  acknowledgedById: string | null;
}

export interface AlertPage extends Page<AlertView> {
  /** Alerts in the caller's scope (and filters other than `acknowledged`) nobody has acknowledged yet. */
  unacknowledged: number;
}

const ALERT_COLUMNS = `a.id, a.kind, a.audience, a.region_id AS "regionId", a.user_id AS "userId", a.subject, a.body,
  a.data, a.created_at AS "createdAt", a.acknowledged_at AS "acknowledgedAt", a.acknowledged_by_id AS "acknowledgedById"`;

/**
 * Staff alerts: one row per thing staff should know about (low stock, new work for an agent, a
 * budget exceeded), scoped like everything else — admins see all, a regional manager the alerts of
 * their region and their own, every other staff member only their own. Raising is idempotent by
 * `dedupeKey` and joins the caller's transaction, so an alert exists exactly when its cause committed.
 */
@Injectable()
export class AlertsService {
  constructor(private readonly db: Db) {}

  /** Writes an alert (once per `dedupeKey`). Returns its id and whether it was new. */
  async raise(ctx: RequestContext, alert: RaiseAlert): Promise<{ id: string; created: boolean }> {
    const [kind, audience, regionId, userId, subject, body, data, dedupeKey] = AlertsService.values(alert);
    const rows = await this.db.query<{ id: string }>(
      ctx,
      sql`INSERT INTO alerts (kind, audience, region_id, user_id, subject, body, data, dedupe_key)
        VALUES (${kind}, ${audience}, ${regionId}::uuid, ${userId}::uuid, ${subject}, ${body}, ${data}::jsonb, ${dedupeKey})
        ON CONFLICT (dedupe_key) DO NOTHING RETURNING id`,
    );
    if (rows[0]) return { id: rows[0].id, created: true };
    const [existing] = await this.db.query<{ id: string }>(
      ctx,
      `SELECT id FROM alerts WHERE dedupe_key = $1`,
      [alert.dedupeKey],
    );
    return { id: existing.id, created: false };
  }

  /**
   * The alert's INSERT as a fragment built with the SQL builder, written only when `when` holds (a
   * condition on the caller's other CTEs, e.g. "the move matched"). `over` takes facts only known
   * inside the caller's statement: the user (an expression) and a jsonb merged into `data`.
   */
  static insertWhenSql(alert: RaiseAlert, when: Sql, over: { userId?: Sql; data?: Sql } = {}): Sql {
    const [kind, audience, regionId, userId, subject, body, data, dedupeKey] = AlertsService.values(
      over.userId && alert.audience === 'user' ? { ...alert, userId: alert.userId ?? 'set in SQL' } : alert,
    );
    const user = over.userId && audience === 'user' ? over.userId : sql`${userId}::uuid`;
    const facts = over.data ? sql`${data}::jsonb || ${over.data}` : sql`${data}::jsonb`;
    return sql`INSERT INTO alerts (kind, audience, region_id, user_id, subject, body, data, dedupe_key)
        SELECT ${kind}::text, ${audience}::text, ${regionId}::uuid, ${user}, ${subject}::text, ${body}::text,
               ${facts}, ${dedupeKey}::text
         WHERE ${when}
        ON CONFLICT (dedupe_key) DO NOTHING`;
  }

  /** The columns of one alert, in INSERT order. Inconsistent audiences are a programming error. */
  private static values(alert: RaiseAlert): unknown[] {
    if (!ALERT_AUDIENCES.includes(alert.audience))
      throw new Error(`unknown alert audience ${alert.audience}`);
    if (alert.audience === 'region' && !alert.regionId) throw new Error('a region alert needs regionId');
    if (alert.audience === 'user' && !alert.userId) throw new Error('a user alert needs userId');
    return [
      alert.kind,
      alert.audience,
      alert.regionId ?? null,
      alert.audience === 'user' ? alert.userId : null,
      alert.subject,
      alert.body,
      JSON.stringify(alert.data ?? {}),
      alert.dedupeKey ?? null,
    ];
  }

  /** Alerts in the caller's scope, newest first, with how many are still unacknowledged. */
  async list(
    ctx: RequestContext,
    q: { kind?: string; acknowledged?: boolean; limit?: number; cursor?: string },
  ): Promise<AlertPage> {
    const params = new SqlParams();
    const where = [this.scope(ctx, params)];
    if (q.kind) where.push(`a.kind = ${params.add(q.kind)}`);
    const [{ n }] = await this.db.query<{ n: number }>(
      ctx,
      `SELECT count(*)::int AS n FROM alerts a WHERE ${where.join(' AND ')} AND a.acknowledged_at IS NULL`,
      params,
    );
    if (q.acknowledged !== undefined) {
      where.push(q.acknowledged ? `a.acknowledged_at IS NOT NULL` : `a.acknowledged_at IS NULL`);
    }
    if (q.cursor) {
      const [at, id] = decodeCursor(q.cursor, ['string', 'string']);
      where.push(`(a.created_at, a.id) < (${params.add(at)}::timestamptz, ${params.add(id)}::uuid)`);
    }
    const limit = q.limit ?? DEFAULT_PAGE_SIZE;
    // The cursor keeps PostgreSQL's microseconds: a JS Date would round them off and skip rows.
    const rows = await this.db.query<AlertView & { cursorAt: string }>(
      ctx,
      `SELECT ${ALERT_COLUMNS}, a.created_at::text AS "cursorAt" FROM alerts a WHERE ${where.join(' AND ')}
        ORDER BY a.created_at DESC, a.id DESC LIMIT ${limit + 1}`,
      params,
    );
    const page = toPage(rows, limit, (a) => [a.cursorAt, a.id]);
    return { ...page, items: page.items.map(({ cursorAt: _, ...a }) => a), unacknowledged: n };
  }

  /** Marks an alert in scope acknowledged (by the caller); acknowledging it again changes nothing. */
  async acknowledge(ctx: RequestContext, id: string): Promise<AlertView> {
    const params: unknown[] = [id, ctx.actorId];
    const scope = this.scope(ctx, params);
    const [updated] = await this.db.query<AlertView>(
      ctx,
      `UPDATE alerts a SET acknowledged_at = now(), acknowledged_by_id = $2
        WHERE a.id = $1 AND a.acknowledged_at IS NULL AND ${scope} RETURNING ${ALERT_COLUMNS}`,
      params,
    );
    if (updated) return updated;
    const readParams: unknown[] = [id];
    const readScope = this.scope(ctx, readParams);
    const [row] = await this.db.query<AlertView>(
      ctx,
      `SELECT ${ALERT_COLUMNS} FROM alerts a WHERE a.id = $1 AND ${readScope}`,
      readParams,
    );
    if (!row) throw new NotFoundError('alert', id);
    return row;
  }

  /** Admins: everything; managers: their region's and their own; other staff: their own. */
  private scope(ctx: RequestContext, params: SqlParams | unknown[]): string {
    const bound = SqlParams.of(params);
    const p = ctx.principal;
    if (p.role === 'admin' || p.role === 'system') return 'TRUE';
    if (p.kind !== 'user') return 'FALSE';
    const mine = `a.user_id = ${bound.add(p.id)}`;
    if (p.role === 'regional_manager') {
      return `((a.audience = 'region' AND a.region_id = ${bound.add(p.regionId)}) OR ${mine})`;
    }
    return mine;
  }
}
