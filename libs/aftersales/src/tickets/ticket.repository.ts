import { Injectable } from '@nestjs/common';
import { RequestContext } from '@campus/core';
import { Db, SqlParams } from '@campus/database';
import type { TicketKind, TicketMessageView, TicketOutcome, TicketStatus } from './ticket.types';

export interface TicketRow {
  id: string;
  kind: TicketKind;
  status: TicketStatus;
  customer_id: string | null;
  customer_phone: string;
  order_id: string | null;
  order_number: string | null;
  region_id: string | null;
  campus_id: string | null;
  body: string;
  created_by_role: string;
  created_at: Date;
  due_at: Date;
  first_reply_at: Date | null;
  outcome: TicketOutcome | null;
  resolution_note: string | null;
  compensation_cents: string | null;
  refund_ids: string[];
  resolved_at: Date | null;
  updated_at: Date;
}

const COLUMNS = `tk.id, tk.kind, tk.status, tk.customer_id, tk.customer_phone, tk.order_id, tk.order_number, tk.region_id,
  tk.campus_id, tk.body, tk.created_by_role, tk.created_at, tk.due_at, tk.first_reply_at, tk.outcome, tk.resolution_note,
  tk.compensation_cents, tk.refund_ids, tk.resolved_at, tk.updated_at`;

/**
 * The tickets the caller may see (alias `tk`): admins and the call centre all, a regional manager
 * their region's (tickets about an order of the region), a customer their own (by id, or by their
 * phone number for tickets the call centre keyed before the number had an account). Others none.
 */
export function ticketScopeSql(ctx: RequestContext, params: unknown[]): string {
  const p = ctx.principal;
  const add = (v: unknown) => SqlParams.of(params).add(v);
  switch (p.role) {
    case 'admin':
    case 'call_center':
    case 'system':
      return 'TRUE';
    case 'regional_manager':
      return `tk.region_id = ${add(p.regionId ?? null)}`;
    case 'customer':
      return `(tk.customer_id = ${add(p.id)} OR (tk.customer_id IS NULL AND tk.customer_phone = ${add(p.phone ?? null)}))`;
    default:
      return 'FALSE';
  }
}

export interface NewTicketRow {
  kind: TicketKind;
  customerId: string | null;
  customerPhone: string;
  orderId: string | null;
  orderNumber: string | null;
  regionId: string | null;
  campusId: string | null;
  body: string;
  createdAt: Date;
  dueAt: Date;
}

/** The SQL of `tickets` and `ticket_messages` (aftersales owns both); always on the caller's transaction. */
@Injectable()
export class TicketRepository {
  constructor(private readonly db: Db) {}

  async insert(ctx: RequestContext, t: NewTicketRow): Promise<string> {
    const [row] = await this.db.query<{ id: string }>(
      ctx,
      `INSERT INTO tickets (kind, customer_id, customer_phone, order_id, order_number, region_id, campus_id, body,
         created_by_id, created_by_role, created_at, due_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id`,
      [
        t.kind,
        t.customerId,
        t.customerPhone,
        t.orderId,
        t.orderNumber,
        t.regionId,
        t.campusId,
        t.body,
        ctx.principal.kind === 'system' ? null : ctx.actorId,
        ctx.role,
        t.createdAt,
        t.dueAt,
      ],
    );
    return row.id;
  }

  /** One ticket within the caller's scope (optionally locked), or null. */
  async find(ctx: RequestContext, id: string, opts: { lock?: boolean } = {}): Promise<TicketRow | null> {
    const params: unknown[] = [id];
    const scope = ticketScopeSql(ctx, params);
    const rows = await this.db.query<TicketRow>(
      ctx,
      `SELECT ${COLUMNS} FROM tickets tk WHERE tk.id = $1 AND ${scope}${opts.lock ? ' FOR UPDATE' : ''}`,
      params,
    );
    return rows[0] ?? null;
  }

  /** A page of tickets: `where` are conditions on `tk` using `params`; newest first. */
  async list(
    ctx: RequestContext,
    where: string[],
    params: unknown[],
    limit: number,
  ): Promise<(TicketRow & { cursor_at: string })[]> {
    return this.db.query(
      ctx,
      `SELECT ${COLUMNS}, tk.created_at::text AS cursor_at FROM tickets tk WHERE ${where.join(' AND ')}
        ORDER BY tk.created_at DESC, tk.id DESC LIMIT ${limit + 1}`,
      params,
    );
  }

  async messages(ctx: RequestContext, ticketId: string): Promise<TicketMessageView[]> {
    const rows = await this.db.query<{
      id: string;
      author: 'customer' | 'staff';
      author_role: string;
      body: string;
      notification_id: string | null;
      created_at: Date;
    }>(
      ctx,
      `SELECT id, author, author_role, body, notification_id, created_at FROM ticket_messages
        WHERE ticket_id = $1 ORDER BY id`,
      [ticketId],
    );
    return rows.map((r) => ({
      id: String(r.id),
      author: r.author,
      authorRole: r.author_role,
      body: r.body,
      notificationId: r.notification_id,
      createdAt: r.created_at,
    }));
  }

  async addMessage(
    ctx: RequestContext,
    m: { ticketId: string; author: 'customer' | 'staff'; body: string; notificationId: string | null },
  ): Promise<void> {
    await this.db.query(
      ctx,
      `INSERT INTO ticket_messages (ticket_id, author, author_id, author_role, body, notification_id)
       VALUES ($1, $2, $3, $4, $5, $6)`,
      [m.ticketId, m.author, ctx.actorId, ctx.role, m.body, m.notificationId],
    );
  }

  /** The first staff answer (reply or resolution) stops the SLA clock; later ones leave it. */
  async markFirstReply(ctx: RequestContext, id: string, at: Date): Promise<void> {
    await this.db.query(
      ctx,
      `UPDATE tickets SET first_reply_at = COALESCE(first_reply_at, $2),
         first_reply_by_id = COALESCE(first_reply_by_id, $3), updated_at = now() WHERE id = $1`,
      [id, at, ctx.actorId],
    );
  }

  /** open → resolved, only from open (the caller holds the lock). */
  async resolve(
    ctx: RequestContext,
    id: string,
    r: {
      outcome: TicketOutcome;
      note: string | null;
      compensationCents: number | null;
      refundIds: string[];
      at: Date;
    },
  ): Promise<boolean> {
    const rows = await this.db.query(
      ctx,
      `UPDATE tickets SET status = 'resolved', outcome = $2, resolution_note = $3, compensation_cents = $4,
         refund_ids = $5::uuid[], resolved_at = $6, resolved_by_id = $7, updated_at = now()
        WHERE id = $1 AND status = 'open' RETURNING id`,
      [id, r.outcome, r.note, r.compensationCents, r.refundIds, r.at, ctx.actorId],
    );
    return rows.length === 1;
  }
}
