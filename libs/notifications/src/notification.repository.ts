import { Injectable } from '@nestjs/common';
import type { RequestContext } from '@campus/core';
import { Db, named, Sql, sql } from '@campus/database';
import { OutboxService } from '@campus/queue';
import type { NotificationStatus } from './notification-status';
import type { Language } from './templates';

/** A new `notifications` row as `send` decided it (body rendered, code masked, status chosen). */
export interface NotificationInsert {
  id: string;
  to: string;
  template: string;
  language: string;
  body: string;
  sealedBody: string | null;
  status: NotificationStatus;
  transport: string | null;
  error: string | null;
  orderId: string | null;
  customerId: string | null;
  dedupeKey: string | null;
}

/** A text of an order's timeline as stored (the service masks it). */
export interface OrderTextRow {
  id: string;
  to: string;
  template: string;
  language: string;
  body: string;
  status: NotificationStatus;
  createdAt: Date;
}

/** A text in the message log (the admin list's item). */
export interface NotificationView {
  id: string;
  to: string;
  template: string;
  language: string;
  body: string;
  status: NotificationStatus;
  transport: string | null;
  providerId: string | null;
  error: string | null;
  attempts: number;
  orderId: string | null;
  createdAt: Date;
  updatedAt: Date;
}

/** A row of the message log as the admin list reads it; `cursorAt` keeps PostgreSQL's microseconds. */
export type NotificationListRow = NotificationView & { cursorAt: string };

/** The filters of the message log, resolved by the service (the cursor decoded). */
export interface NotificationFilters {
  to?: string;
  template?: string;
  orderId?: string;
  status?: NotificationStatus;
  from?: string;
  until?: string;
  /** Keyset: created before (created_at text, id). */
  before?: [string, string];
}

/** The staff text's CTEs as the service decided them (see `NotificationsService.notifyStaffSql`). */
export interface StaffTextParts {
  /** The phone as an expression (a parameter or the caller's). */
  to: Sql;
  template: string;
  /** The language asked for, else the recipient's, else zh-CN. */
  language: Language | null;
  /** The text rendered in each language. */
  bodies: { en: string; zhCN: string };
  /** Whether an opted-out recipient gets it suppressed (every text but a one-time code). */
  suppressible: boolean;
  /** The status of a text that is not suppressed, and its attempts. */
  unsuppressed: 'queued' | 'sending';
  attempts: number;
  orderId: string | null;
  customerId: string | null;
  dedupeKey: string;
  /** Guards every write. */
  when: Sql;
  /** Whether a queued text gets its `notification.requested` outbox row (`staff_text_outbox`). */
  outbox: boolean;
  /** The alert's INSERT (`staff_alert`), if any. */
  alert: Sql | null;
}

/** The statements of the message log (`notifications`), delivery reports and SMS preferences. */
@Injectable()
export class NotificationRepository {
  constructor(
    private readonly db: Db,
    private readonly outbox: OutboxService,
  ) {}

  /** Writes the message unless its dedupe key exists; the row written, or undefined. */
  async insert(
    ctx: RequestContext,
    n: NotificationInsert,
  ): Promise<{ id: string; status: NotificationStatus; inserted: boolean } | undefined> {
    const rows = await this.db.query<{ id: string; status: NotificationStatus; inserted: boolean }>(
      ctx,
      sql`INSERT INTO notifications (id, to_phone, template, language, body, sealed_body, status, transport, error,
           order_id, customer_id, dedupe_key)
         VALUES (${n.id}, ${n.to}, ${n.template}, ${n.language}, ${n.body}, ${n.sealedBody}, ${n.status}, ${n.transport}, ${n.error}, ${n.orderId}, ${n.customerId}, ${n.dedupeKey})
         ON CONFLICT (dedupe_key) DO NOTHING RETURNING id, status, true AS inserted`,
    );
    return rows[0];
  }

  async findByDedupeKey(
    ctx: RequestContext,
    dedupeKey: string | undefined,
  ): Promise<{ id: string; status: NotificationStatus }> {
    const rows = await this.db.query<{ id: string; status: NotificationStatus }>(
      ctx,
      sql`SELECT id, status FROM notifications WHERE dedupe_key = ${dedupeKey}`,
    );
    return rows[0];
  }

  /** The staff text as CTEs `staff_pref`, `staff_m`, `staff_text`, `staff_text_outbox`, `staff_alert`. */
  staffTextSql(p: StaffTextParts): Sql {
    const outbox = p.outbox
      ? sql`, staff_text_outbox AS (${sql.raw(
          this.outbox.insertSelectSql(
            'notification.requested',
            `SELECT NULL::uuid, jsonb_build_object('notificationId', n.id) FROM staff_text n WHERE n.status = 'queued'`,
          ),
        )})`
      : sql.empty;
    const alert = p.alert ? sql`, staff_alert AS (${p.alert})` : sql.empty;
    return sql`staff_pref AS (SELECT opted_out, language FROM sms_preferences WHERE phone = ${p.to}),
       staff_m AS (SELECT COALESCE(${p.language}::text, (SELECT language FROM staff_pref), 'zh-CN') AS language,
                          COALESCE((SELECT opted_out FROM staff_pref), false) AND ${p.suppressible}::boolean AS suppressed),
       staff_text AS (
         INSERT INTO notifications (to_phone, template, language, body, status, error, attempts, order_id,
                customer_id, dedupe_key)
         SELECT ${p.to}, ${p.template}::text, m.language,
                CASE WHEN m.language = 'en' THEN ${p.bodies.en}::text
                     ELSE ${p.bodies.zhCN}::text END,
                CASE WHEN m.suppressed THEN 'suppressed' ELSE ${sql.raw(`'${p.unsuppressed}'`)} END,
                CASE WHEN m.suppressed THEN 'recipient opted out' END,
                CASE WHEN m.suppressed THEN 0 ELSE ${p.attempts}::int END,
                ${p.orderId}::uuid, ${p.customerId}::uuid, ${p.dedupeKey}::text
           FROM staff_m m WHERE ${p.when}
         ON CONFLICT (dedupe_key) DO NOTHING
         RETURNING id, to_phone, body, sealed_body, attempts, provider_id, created_at, status)${outbox}${alert}`;
  }

  /** Runs the staff text on its own: the status of the row written (null when none was). */
  async insertStaffText(ctx: RequestContext, p: StaffTextParts): Promise<NotificationStatus | null> {
    const [row] = await this.db.query<{ status: NotificationStatus | null }>(
      ctx,
      sql`WITH ${this.staffTextSql(p)} SELECT (SELECT status FROM staff_text) AS status`,
    );
    return row?.status ?? null;
  }

  /** An order's texts, oldest first (only those to `to` when given). */
  async ofOrder(ctx: RequestContext, orderId: string, to?: string): Promise<OrderTextRow[]> {
    return this.db.query<OrderTextRow>(
      ctx,
      sql`SELECT id, to_phone AS "to", template, language, body, status, created_at AS "createdAt"
         FROM notifications WHERE order_id = ${orderId} ${to ? sql`AND to_phone = ${to}` : sql.empty}
        ORDER BY created_at, id LIMIT 500`,
    );
  }

  /** The status of the message the provider knows by `providerId`, locked for the report. */
  async lockStatusByProviderId(ctx: RequestContext, providerId: string): Promise<NotificationStatus | null> {
    const rows = await this.db.query<{ status: NotificationStatus }>(
      ctx,
      sql`SELECT status FROM notifications WHERE provider_id = ${providerId} FOR UPDATE`,
    );
    return rows[0]?.status ?? null;
  }

  /** Records a delivery report; false when this (message, status) was recorded already. */
  async recordDeliveryReport(
    ctx: RequestContext,
    report: { providerId: string; status: string; errorCode: string | null },
  ): Promise<boolean> {
    const fresh = await this.db.query(
      ctx,
      sql`INSERT INTO sms_delivery_reports (message_sid, status, error_code) VALUES (${report.providerId}, ${report.status}, ${report.errorCode})
         ON CONFLICT DO NOTHING RETURNING message_sid`,
    );
    return fresh.length > 0;
  }

  /** Moves the message to `status`, keeping its error unless one is given. */
  async setStatusByProviderId(
    ctx: RequestContext,
    providerId: string,
    status: NotificationStatus,
    error: string | null,
  ): Promise<void> {
    const { text, values } = named(
      `UPDATE notifications SET status = :status, error = COALESCE(:error, error), updated_at = now() WHERE provider_id = :providerId`,
      { status, error, providerId },
    );
    await this.db.query(ctx, text, values);
  }

  async preference(
    ctx: RequestContext,
    phone: string,
  ): Promise<{ opted_out: boolean; language: Language } | undefined> {
    const rows = await this.db.query<{ opted_out: boolean; language: Language }>(
      ctx,
      sql`SELECT opted_out, language FROM sms_preferences WHERE phone = ${phone}`,
    );
    return rows[0];
  }

  /** Upserts a number's preference; a missing field keeps its stored (or default) value. */
  async upsertPreference(
    ctx: RequestContext,
    phone: string,
    change: { optedOut: boolean | null; language: Language | null },
  ): Promise<void> {
    const { text, values } = named(
      `INSERT INTO sms_preferences (phone, opted_out, language) VALUES (:phone, COALESCE(:optedOut::boolean, false), COALESCE(:language::text, 'zh-CN'))
       ON CONFLICT (phone) DO UPDATE SET opted_out = COALESCE(:optedOut, sms_preferences.opted_out),
         language = COALESCE(:language, sms_preferences.language), updated_at = now()`,
      { phone, optedOut: change.optedOut, language: change.language },
    );
    await this.db.query(ctx, text, values);
  }

  /** The message log, newest first, `take` rows at most. */
  async list(ctx: RequestContext, f: NotificationFilters, take: number): Promise<NotificationListRow[]> {
    const where: Sql[] = [];
    if (f.to) where.push(sql`to_phone = ${f.to}`);
    if (f.template) where.push(sql`template = ${f.template}`);
    if (f.orderId) where.push(sql`order_id = ${f.orderId}`);
    if (f.status) where.push(sql`status = ${f.status}`);
    if (f.from) where.push(sql`created_at >= ${f.from}::timestamptz`);
    if (f.until) where.push(sql`created_at < ${f.until}::timestamptz`);
    if (f.before) where.push(sql`(created_at, id) < (${f.before[0]}::timestamptz, ${f.before[1]}::uuid)`);
    const filter = where.length ? sql`WHERE ${sql.join(where, ' AND ')}` : sql.empty;
    return this.db.query<NotificationListRow>(
      ctx,
      sql`SELECT id, to_phone AS "to", template, language, body, status, transport, provider_id AS "providerId", error,
              attempts, order_id AS "orderId", created_at AS "createdAt", updated_at AS "updatedAt",
              created_at::text AS "cursorAt"
         FROM notifications ${filter}
        ORDER BY created_at DESC, id DESC LIMIT ${sql.raw(String(take))}`,
    );
  }
}
