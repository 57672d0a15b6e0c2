import { Injectable } from '@nestjs/common';
import {
  AppConfig,
  decodeCursor,
  DEFAULT_PAGE_SIZE,
  InjectConfig,
  maskPhone,
  maskPhonesInText,
  newId,
  Page,
  phoneCountry,
  RequestContext,
  toPage,
} from '@campus/core';
import { Db, Sql, sql, SqlParams } from '@campus/database';
import { event, OutboxService } from '@campus/queue';
import { AlertsService, RaiseAlert } from './alerts.service';
import { CODE_MASK, sealText } from './code-seal';
import {
  Language,
  MessageKind,
  render,
  renderMasked,
  secretParams,
  TEMPLATES,
  TemplateName,
  templateKind,
} from './templates';
import type { NotificationStatus } from './notification-status';

export interface OutboundMessage {
  to: string;
  template: TemplateName;
  params: Record<string, string | number | null | undefined>;
  /** Overrides the recipient's stored language (e.g. the language of the request). */
  language?: Language;
  orderId?: string | null;
  customerId?: string | null;
  /** Same key → the same message, written once (consumers pass their job key). */
  dedupeKey?: string;
}

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

/** A text as it appears on an order's timeline: recipient and one-time codes masked. */
export interface OrderTextView {
  id: string;
  to: string;
  template: string;
  language: string;
  body: string;
  status: NotificationStatus;
  createdAt: Date;
}

/**
 * A logged text made fit for other eyes: phone numbers masked, and the one-time code of a code
 * text (pickup, sign-in, installation) replaced, so reading a timeline never opens a compartment.
 */
export function maskedText(template: string, body: string): string {
  const masked = maskPhonesInText(body);
  const kind = (TEMPLATES as Record<string, { kind: MessageKind } | undefined>)[template]?.kind;
  // A code stands alone ("取件码123456，", "code 123456."); digits inside a locker code or an order
  // number (letters, dashes or more digits around them) are left as they are.
  // Code texts are stored with the code masked already (******, issue 17.2); older rows are masked here.
  return kind === 'code'
    ? masked.replace(/(?<![\w-])\d{6}(?![\w-])/g, '••••••').replaceAll(CODE_MASK, '••••••')
    : masked;
}

/** Twilio's message statuses in our terms; earlier ones ("queued", "sending") are already implied. */
const PROVIDER_STATUS: Record<string, NotificationStatus | undefined> = {
  sent: 'sent',
  delivered: 'delivered',
  read: 'delivered',
  undelivered: 'undelivered',
  failed: 'failed',
  canceled: 'failed',
};

/** How far along a message is; a report may only move it forward. */
const STATUS_RANK: Record<NotificationStatus, number> = {
  suppressed: 0,
  queued: 1,
  sending: 2,
  sent: 3,
  delivered: 4,
  undelivered: 4,
  failed: 4,
};

/** Internal recipients (role inboxes) are recorded in the log and never texted. */
export const ADMIN_INBOX = 'role:admin';

/**
 * The message log and the way into it. `send` writes the message (rendered in the recipient's
 * language) and its outbox event in the caller's transaction: the text goes out only if the change
 * that caused it commits. Opted-out numbers get only one-time codes; the rest is logged as suppressed.
 * A one-time code is never stored in clear: the log keeps the text with the code masked, and the
 * full text travels to the sender sealed with a key the database never sees (code-seal.ts). Codes go
 * only to numbers of SMS_ALLOWED_COUNTRIES; any other is logged as suppressed.
 */
@Injectable()
export class NotificationsService {
  constructor(
    private readonly db: Db,
    private readonly outbox: OutboxService,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  async send(ctx: RequestContext, msg: OutboundMessage): Promise<{ id: string; status: NotificationStatus }> {
    return this.db.transaction(ctx, async (tx) => {
      const internal = msg.to.startsWith('role:');
      const pref = internal ? undefined : await this.preference(tx, msg.to);
      const language = msg.language ?? pref?.language ?? 'zh-CN';
      const kind: MessageKind = templateKind(msg.template);
      const why =
        pref?.optedOut === true && kind !== 'code'
          ? 'recipient opted out'
          : kind === 'code' && !internal && !this.mayReceiveCodes(msg.to)
            ? 'codes are not texted to this country (SMS_ALLOWED_COUNTRIES)'
            : null;
      const status: NotificationStatus = internal ? 'sent' : why ? 'suppressed' : 'queued';
      const id = newId();
      const secret = secretParams(msg.template).length > 0;
      const body = secret
        ? renderMasked(msg.template, language, msg.params, CODE_MASK)
        : render(msg.template, language, msg.params);
      // Only a text that will be sent carries its sealed original.
      const sealed =
        secret && status === 'queued'
          ? sealText(this.config, id, render(msg.template, language, msg.params))
          : null;
      const rows = await this.db.query<{ id: string; status: NotificationStatus; inserted: boolean }>(
        tx,
        `INSERT INTO notifications (id, to_phone, template, language, body, sealed_body, status, transport, error,
           order_id, customer_id, dedupe_key)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
         ON CONFLICT (dedupe_key) DO NOTHING RETURNING id, status, true AS inserted`,
        [
          id,
          msg.to,
          msg.template,
          language,
          body,
          sealed,
          status,
          internal ? 'internal' : null,
          why,
          msg.orderId ?? null,
          msg.customerId ?? null,
          msg.dedupeKey ?? null,
        ],
      );
      if (!rows[0]) {
        const existing = await this.db.query<{ id: string; status: NotificationStatus }>(
          tx,
          `SELECT id, status FROM notifications WHERE dedupe_key = $1`,
          [msg.dedupeKey],
        );
        return existing[0];
      }
      if (status === 'queued') {
        await this.outbox.append(tx, [event('notification.requested', { notificationId: rows[0].id })]);
      }
      return { id: rows[0].id, status };
    });
  }

  /**
   * A text to a staff member (an agent told of new work), with its alert, in ONE statement on the
   * caller's transaction: the recipient's preference (STOP is honoured: the text is logged as
   * suppressed, the alert is still written), the message rendered in their language, its outbox row,
   * and the alert. `dedupeKey` makes it once per cause however often the cause is replayed.
   */
  async notifyStaff(
    ctx: RequestContext,
    msg: OutboundMessage & { dedupeKey: string; alert?: RaiseAlert },
  ): Promise<{ status: NotificationStatus | null }> {
    const [row] = await this.db.query<{ status: NotificationStatus | null }>(
      ctx,
      sql`WITH ${this.notifyStaffSql(msg)} SELECT (SELECT status FROM staff_text) AS status`,
    );
    return { status: row?.status ?? null };
  }

  /**
   * `notifyStaff` as CTEs for the caller's own statement (issue 18: the assignment writes the agent's
   * text with the order's move, no round trip of its own). `when` guards every write (e.g. "the
   * move matched"). Two ways to send it:
   * - `queued` (default): the row waits (`queued`) with its `notification.requested` outbox row;
   * - `claimed`: the row is written already claimed for sending (`sending`, one attempt) and no outbox
   *   row: the caller hands it to `TextDelivery.deliver` after its transaction committed, and when
   *   its job runs again, `TextDelivery.resend(dedupeKey)` picks it up (queued after a transient
   *   failure, or `sending` gone stale: the provider is asked first). Saves the relay's share and the
   *   claim of a second job.
   * CTEs: `staff_pref`, `staff_m`, `staff_text` (the row written, as `ClaimedText` + `status`; none
   * when it existed already or `when` is false), `staff_text_outbox`, `staff_alert`.
   */
  notifyStaffSql(
    msg: Omit<OutboundMessage, 'to'> & {
      /** The phone, or an expression of the caller's statement. */
      to: string | Sql;
      dedupeKey: string;
      /** `userId`/`data` of the alert as expressions of the caller's statement (see `AlertsService.insertWhenSql`). */
      alert?: RaiseAlert & { userIdSql?: Sql; dataSql?: Sql };
    },
    opts: { when?: Sql; mode?: 'queued' | 'claimed' } = {},
  ): Sql {
    const to = typeof msg.to === 'string' ? sql`${msg.to}::text` : msg.to;
    const internal = typeof msg.to === 'string' && msg.to.startsWith('role:');
    const when = opts.when ?? sql.raw('TRUE');
    const claimed = opts.mode === 'claimed';
    const code = templateKind(msg.template) === 'code';
    if (claimed && (code || secretParams(msg.template).length || internal)) {
      throw new Error(`a claimed staff text is plain and to a phone, not ${msg.template}`);
    }
    const unsuppressed = sql.raw(claimed ? `'sending'` : `'queued'`);
    const outbox = claimed
      ? sql.empty
      : sql`, staff_text_outbox AS (${sql.raw(
          this.outbox.insertSelectSql(
            'notification.requested',
            `SELECT NULL::uuid, jsonb_build_object('notificationId', n.id) FROM staff_text n WHERE n.status = 'queued'`,
          ),
        )})`;
    const alert = msg.alert
      ? sql`, staff_alert AS (${AlertsService.insertWhenSql(msg.alert, when, {
          userId: msg.alert.userIdSql,
          data: msg.alert.dataSql,
        })})`
      : sql.empty;
    return sql`staff_pref AS (SELECT opted_out, language FROM sms_preferences WHERE phone = ${to}),
       staff_m AS (SELECT COALESCE(${msg.language ?? null}::text, (SELECT language FROM staff_pref), 'zh-CN') AS language,
                          COALESCE((SELECT opted_out FROM staff_pref), false) AND ${!code}::boolean AS suppressed),
       staff_text AS (
         INSERT INTO notifications (to_phone, template, language, body, status, error, attempts, order_id,
                customer_id, dedupe_key)
         SELECT ${to}, ${msg.template}::text, m.language,
                CASE WHEN m.language = 'en' THEN ${render(msg.template, 'en', msg.params)}::text
                     ELSE ${render(msg.template, 'zh-CN', msg.params)}::text END,
                CASE WHEN m.suppressed THEN 'suppressed' ELSE ${unsuppressed} END,
                CASE WHEN m.suppressed THEN 'recipient opted out' END,
                CASE WHEN m.suppressed THEN 0 ELSE ${claimed ? 1 : 0}::int END,
                ${msg.orderId ?? null}::uuid, ${msg.customerId ?? null}::uuid, ${msg.dedupeKey}::text
           FROM staff_m m WHERE ${when}
         ON CONFLICT (dedupe_key) DO NOTHING
         RETURNING id, to_phone, body, sealed_body, attempts, provider_id, created_at, status)${outbox}${alert}`;
  }

  /**
   * The texts sent about an order, oldest first, masked for display (see `maskedText`). With `to`,
   * only those sent to that number (a customer sees their own texts, not the agent's).
   */
  async textsForOrder(
    ctx: RequestContext,
    orderId: string,
    opts: { to?: string } = {},
  ): Promise<OrderTextView[]> {
    const params: unknown[] = [orderId];
    if (opts.to) params.push(opts.to);
    const rows = await this.db.query<OrderTextView>(
      ctx,
      `SELECT id, to_phone AS "to", template, language, body, status, created_at AS "createdAt"
         FROM notifications WHERE order_id = $1 ${opts.to ? 'AND to_phone = $2' : ''}
        ORDER BY created_at, id LIMIT 500`,
      params,
    );
    return rows.map((r) => ({
      ...r,
      to: r.to.startsWith('role:') ? r.to : maskPhone(r.to),
      body: maskedText(r.template, r.body),
    }));
  }

  /**
   * Applies a provider delivery report. Reports are de-duplicated on (message, status) and a status
   * never moves backwards (a late "sent" after "delivered" changes nothing). Returns whether it applied.
   */
  async applyDeliveryReport(
    ctx: RequestContext,
    report: { providerId: string; status: string; errorCode?: string | null },
  ): Promise<{ applied: boolean; status: NotificationStatus | null }> {
    const mapped = PROVIDER_STATUS[report.status.toLowerCase()];
    return this.db.transaction(ctx, async (tx) => {
      const current = await this.db.query<{ status: NotificationStatus }>(
        tx,
        `SELECT status FROM notifications WHERE provider_id = $1 FOR UPDATE`,
        [report.providerId],
      );
      const now = current[0]?.status ?? null;
      // Unknown message (or not stored yet): record nothing, so a repeat of this report still counts.
      if (!now) return { applied: false, status: null };
      const fresh = await this.db.query(
        tx,
        `INSERT INTO sms_delivery_reports (message_sid, status, error_code) VALUES ($1, $2, $3)
         ON CONFLICT DO NOTHING RETURNING message_sid`,
        [report.providerId, report.status.toLowerCase(), report.errorCode ?? null],
      );
      if (!fresh.length || !mapped || STATUS_RANK[mapped] <= STATUS_RANK[now])
        return { applied: false, status: now };
      await this.db.query(
        tx,
        `UPDATE notifications SET status = $2, error = COALESCE($3, error), updated_at = now() WHERE provider_id = $1`,
        [report.providerId, mapped, report.errorCode ? `Twilio ${report.errorCode}` : null],
      );
      return { applied: true, status: mapped };
    });
  }

  /** Whether one-time codes may be texted to this number (its country is in SMS_ALLOWED_COUNTRIES). */
  mayReceiveCodes(phone: string): boolean {
    const country = phoneCountry(phone);
    return country !== null && this.config.smsAllowedCountries.includes(country);
  }

  async preference(
    ctx: RequestContext,
    phone: string,
  ): Promise<{ optedOut: boolean; language: Language } | undefined> {
    const rows = await this.db.query<{ opted_out: boolean; language: Language }>(
      ctx,
      `SELECT opted_out, language FROM sms_preferences WHERE phone = $1`,
      [phone],
    );
    return rows[0] ? { optedOut: rows[0].opted_out, language: rows[0].language } : undefined;
  }

  /** Records STOP/START and the language a number writes in. */
  async setPreference(
    ctx: RequestContext,
    phone: string,
    change: { optedOut?: boolean; language?: Language },
  ): Promise<void> {
    await this.db.query(
      ctx,
      `INSERT INTO sms_preferences (phone, opted_out, language) VALUES ($1, COALESCE($2::boolean, false), COALESCE($3::text, 'zh-CN'))
       ON CONFLICT (phone) DO UPDATE SET opted_out = COALESCE($2, sms_preferences.opted_out),
         language = COALESCE($3, sms_preferences.language), updated_at = now()`,
      [phone, change.optedOut ?? null, change.language ?? null],
    );
  }

  async list(
    ctx: RequestContext,
    q: {
      to?: string;
      type?: string;
      orderId?: string;
      status?: NotificationStatus;
      from?: string;
      until?: string;
      limit?: number;
      cursor?: string;
    },
  ): Promise<Page<NotificationView>> {
    const params = new SqlParams([]);
    const where: string[] = [];
    if (q.to) {
      where.push(`to_phone = ${params.add(q.to)}`);
    }
    if (q.type) {
      where.push(`template = ${params.add(q.type)}`);
    }
    if (q.orderId) {
      where.push(`order_id = ${params.add(q.orderId)}`);
    }
    if (q.status) {
      where.push(`status = ${params.add(q.status)}`);
    }
    if (q.from) {
      where.push(`created_at >= ${params.add(q.from)}::timestamptz`);
    }
    if (q.until) {
      where.push(`created_at < ${params.add(q.until)}::timestamptz`);
    }
    if (q.cursor) {
      const [at, id] = decodeCursor(q.cursor, ['string', 'string']);
      where.push(`(created_at, id) < (${params.add(at)}::timestamptz, ${params.add(id)}::uuid)`);
    }
    const limit = q.limit ?? DEFAULT_PAGE_SIZE;
    // The cursor keeps PostgreSQL's microseconds: a JS Date would round them off and skip rows.
    const rows = await this.db.query<NotificationView & { cursorAt: string }>(
      ctx,
      `SELECT id, to_phone AS "to", template, language, body, status, transport, provider_id AS "providerId", error,
              attempts, order_id AS "orderId", created_at AS "createdAt", updated_at AS "updatedAt",
              created_at::text AS "cursorAt"
         FROM notifications ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY created_at DESC, id DESC LIMIT ${limit + 1}`,
      params,
    );
    const page = toPage(rows, limit, (n) => [n.cursorAt, n.id]);
    return { ...page, items: page.items.map(({ cursorAt: _, ...n }) => n) };
  }
}
