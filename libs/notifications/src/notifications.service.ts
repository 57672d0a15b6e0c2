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
import { Db, Sql, sql } from '@campus/database';
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
import { NotificationRepository, NotificationView, StaffTextParts } from './notification.repository';

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

export type { NotificationView } from './notification.repository';

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

/** A staff text as `notifyStaffSql` takes it. */
export type StaffMessage = Omit<OutboundMessage, 'to'> & {
  /** The phone, or an expression of the caller's statement. */
  to: string | Sql;
  dedupeKey: string;
  /** `userId`/`data` of the alert as expressions of the caller's statement (see `AlertsService.insertWhenSql`). */
  alert?: RaiseAlert & { userIdSql?: Sql; dataSql?: Sql };
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
    private readonly notifications: NotificationRepository,
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
      const written = await this.notifications.insert(tx, {
        id,
        to: msg.to,
        template: msg.template,
        language,
        body,
        sealedBody: sealed,
        status,
        transport: internal ? 'internal' : null,
        error: why,
        orderId: msg.orderId ?? null,
        customerId: msg.customerId ?? null,
        dedupeKey: msg.dedupeKey ?? null,
      });
      // The dedupe key was written before (a replayed job): the message that exists is the answer.
      if (!written) return this.notifications.findByDedupeKey(tx, msg.dedupeKey);
      if (status === 'queued') {
        await this.outbox.append(tx, [event('notification.requested', { notificationId: written.id })]);
      }
      return { id: written.id, status };
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
    return { status: await this.notifications.insertStaffText(ctx, this.staffText(msg)) };
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
  notifyStaffSql(msg: StaffMessage, opts: { when?: Sql; mode?: 'queued' | 'claimed' } = {}): Sql {
    return this.notifications.staffTextSql(this.staffText(msg, opts));
  }

  /** The decisions of a staff text: who, in which words, sent how, guarded by what. */
  private staffText(
    msg: StaffMessage,
    opts: { when?: Sql; mode?: 'queued' | 'claimed' } = {},
  ): StaffTextParts {
    const to = typeof msg.to === 'string' ? sql`${msg.to}::text` : msg.to;
    const internal = typeof msg.to === 'string' && msg.to.startsWith('role:');
    const when = opts.when ?? sql.raw('TRUE');
    const claimed = opts.mode === 'claimed';
    const code = templateKind(msg.template) === 'code';
    if (claimed && (code || secretParams(msg.template).length || internal)) {
      throw new Error(`a claimed staff text is plain and to a phone, not ${msg.template}`);
    }
    return {
      to,
      template: msg.template,
      language: msg.language ?? null,
      bodies: { en: render(msg.template, 'en', msg.params), zhCN: render(msg.template, 'zh-CN', msg.params) },
      suppressible: !code,
      unsuppressed: claimed ? 'sending' : 'queued',
      attempts: claimed ? 1 : 0,
      orderId: msg.orderId ?? null,
      customerId: msg.customerId ?? null,
      dedupeKey: msg.dedupeKey,
      when,
      outbox: !claimed,
      alert: msg.alert
        ? AlertsService.insertWhenSql(msg.alert, when, {
            userId: msg.alert.userIdSql,
            data: msg.alert.dataSql,
          })
        : null,
    };
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
    const rows = await this.notifications.ofOrder(ctx, orderId, opts.to);
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
      const now = await this.notifications.lockStatusByProviderId(tx, report.providerId);
      // Unknown message (or not stored yet): record nothing, so a repeat of this report still counts.
      if (!now) return { applied: false, status: null };
      const fresh = await this.notifications.recordDeliveryReport(tx, {
        providerId: report.providerId,
        status: report.status.toLowerCase(),
        errorCode: report.errorCode ?? null,
      });
      if (!fresh || !mapped || STATUS_RANK[mapped] <= STATUS_RANK[now])
        return { applied: false, status: now };
      await this.notifications.setStatusByProviderId(
        tx,
        report.providerId,
        mapped,
        report.errorCode ? `Twilio ${report.errorCode}` : null,
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
    const row = await this.notifications.preference(ctx, phone);
    return row ? { optedOut: row.opted_out, language: row.language } : undefined;
  }

  /** Records STOP/START and the language a number writes in. */
  async setPreference(
    ctx: RequestContext,
    phone: string,
    change: { optedOut?: boolean; language?: Language },
  ): Promise<void> {
    await this.notifications.upsertPreference(ctx, phone, {
      optedOut: change.optedOut ?? null,
      language: change.language ?? null,
    });
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
    const before = q.cursor ? (decodeCursor(q.cursor, ['string', 'string']) as [string, string]) : undefined;
    const limit = q.limit ?? DEFAULT_PAGE_SIZE;
    const rows = await this.notifications.list(
      ctx,
      {
        to: q.to,
        template: q.type,
        orderId: q.orderId,
        status: q.status,
        from: q.from,
        until: q.until,
        before,
      },
      limit + 1,
    );
    const page = toPage(rows, limit, (n) => [n.cursorAt, n.id]);
    return { ...page, items: page.items.map(({ cursorAt: _, ...n }) => n) };
  }
}
