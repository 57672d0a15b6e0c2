import { Injectable } from '@nestjs/common';
import { AuditService } from '@campus/audit';
import {
  AppConfig,
  Clock,
  decodeCursor,
  DEFAULT_PAGE_SIZE,
  IllegalTransitionError,
  InjectConfig,
  NotFoundError,
  Page,
  RequestContext,
  toPage,
  ValidationError,
} from '@campus/core';
import { Db, SqlParams } from '@campus/database';
import { NotificationsService } from '@campus/notifications';
import { MoneyLedgerService, OrderService } from '@campus/orders';
import { CreateTicketDto, ReplyTicketDto, ResolveTicketDto, TicketQueryDto } from './dto/ticket.dto';
import { checkResolution, isOverdue, replyDueAt, ticketRef } from './ticket-policy';
import { TicketRepository, TicketRow, ticketScopeSql } from './ticket.repository';
import type { TicketDetail, TicketView } from './ticket.types';

const STAFF_ROLES = ['call_center', 'regional_manager', 'admin'] as const;

/**
 * After-sales tickets (complaints, enquiries, repairs): opened by the customer in the shop or keyed by
 * the call centre, about an order when there is one. Staff replies are texted to the customer (through
 * the outbox, after commit); the first staff answer must come within TICKET_SLA_HOURS, measured on the
 * app's Clock. A resolution may give money back: refunds in the order's money ledger, written in the
 * same transaction as the resolution (which happens once: the ticket is locked and must be open).
 */
@Injectable()
export class TicketsService {
  constructor(
    private readonly db: Db,
    private readonly repo: TicketRepository,
    private readonly orders: OrderService,
    private readonly ledger: MoneyLedgerService,
    private readonly notifications: NotificationsService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  /**
   * Opens a ticket. A customer's order must be their own (else 404) and the ticket is theirs; the call
   * centre names an order (any) or, without one, the customer's phone number (400 when neither). The
   * customer is texted the reference and when to expect an answer.
   */
  async create(ctx: RequestContext, dto: CreateTicketDto): Promise<TicketDetail> {
    const order = dto.orderId ? await this.orders.get(ctx, dto.orderId) : null;
    let customer: { id: string | null; phone: string };
    if (ctx.is('customer')) {
      customer = { id: ctx.principal.id, phone: order?.customer.phone ?? ctx.principal.phone ?? '' };
    } else if (order) {
      customer = { id: order.customer.id, phone: order.customer.phone };
    } else if (dto.customerPhone) {
      customer = { id: null, phone: dto.customerPhone };
    } else {
      throw ValidationError.field('customerPhone', 'is required for a ticket without an order');
    }
    if (!customer.phone) throw ValidationError.field('customerPhone', 'is required');
    const now = this.clock.now();
    return this.db.transaction(ctx, async (tx) => {
      const id = await this.repo.insert(tx, {
        kind: dto.kind,
        customerId: customer.id,
        customerPhone: customer.phone,
        orderId: order?.id ?? null,
        orderNumber: order?.number ?? null,
        regionId: order?.regionId ?? null,
        campusId: order?.campusId ?? null,
        body: dto.body,
        createdAt: now,
        dueAt: replyDueAt(now, this.config.ticketSlaHours),
      });
      await this.repo.addMessage(tx, {
        ticketId: id,
        author: 'customer',
        body: dto.body,
        notificationId: null,
      });
      await this.notifications.send(tx, {
        to: customer.phone,
        template: 'ticket_opened',
        params: {
          ref: ticketRef(id),
          kind: dto.kind,
          number: order?.number ?? null,
          hours: this.config.ticketSlaHours,
        },
        orderId: order?.id ?? null,
        customerId: customer.id,
        dedupeKey: `ticket_opened:${id}`,
      });
      return this.detail(tx, id);
    });
  }

  /** Tickets in the caller's scope, newest first; `overdue=true` is the managers' list of late first replies. */
  async list(ctx: RequestContext, q: TicketQueryDto): Promise<Page<TicketView>> {
    const params: unknown[] = [];
    const add = (v: unknown) => SqlParams.of(params).add(v);
    const where = [ticketScopeSql(ctx, params)];
    if (q.status) where.push(`tk.status = ${add(q.status)}`);
    if (q.kind) where.push(`tk.kind = ${add(q.kind)}`);
    if (q.orderId) where.push(`tk.order_id = ${add(q.orderId)}`);
    if (q.overdue !== undefined) {
      const overdue = `(tk.status = 'open' AND tk.first_reply_at IS NULL AND tk.due_at <= ${add(this.clock.now())}::timestamptz)`;
      where.push(q.overdue ? overdue : `NOT ${overdue}`);
    }
    if (q.cursor) {
      const [at, id] = decodeCursor(q.cursor, ['string', 'string']);
      where.push(`(tk.created_at, tk.id) < (${add(at)}::timestamptz, ${add(id)}::uuid)`);
    }
    const limit = q.limit ?? DEFAULT_PAGE_SIZE;
    const rows = await this.repo.list(ctx, where, params, limit);
    const page = toPage(rows, limit, (r) => [r.cursor_at, r.id]);
    return { ...page, items: page.items.map((r) => this.view(r)) };
  }

  /** One ticket with its conversation (out of scope: 404). */
  async get(ctx: RequestContext, id: string): Promise<TicketDetail> {
    return this.detail(ctx, id);
  }

  /**
   * A reply on an open ticket (resolved: 409). A staff reply is texted to the customer (its message
   * log id kept with the reply) and the first one stops the SLA clock; a customer's reply is kept for
   * staff to read.
   */
  async reply(ctx: RequestContext, id: string, dto: ReplyTicketDto): Promise<TicketDetail> {
    return this.db.transaction(ctx, async (tx) => {
      const ticket = await this.lock(tx, id);
      if (ticket.status !== 'open') throw new IllegalTransitionError('ticket', ticket.status, 'reply');
      const staff = ctx.is(...STAFF_ROLES);
      let notificationId: string | null = null;
      if (staff) {
        const sent = await this.notifications.send(tx, {
          to: ticket.customer_phone,
          template: 'ticket_reply',
          params: { ref: ticketRef(id), body: dto.body },
          orderId: ticket.order_id,
          customerId: ticket.customer_id,
        });
        notificationId = sent.id;
        await this.repo.markFirstReply(tx, id, this.clock.now());
      }
      await this.repo.addMessage(tx, {
        ticketId: id,
        author: staff ? 'staff' : 'customer',
        body: dto.body,
        notificationId,
      });
      return this.detail(tx, id);
    });
  }

  /**
   * Staff close a ticket with an outcome (answered, repair arranged, compensated, no fault) and tell
   * the customer. Compensation is money back to the customer: refunds drawn on the order's receipts
   * (MoneyLedgerService.compensate) in this same transaction, by a regional manager or an admin, at
   * most what the order still holds (422). A resolved ticket cannot be resolved again (409), so the
   * money goes back once however often the request is repeated.
   */
  async resolve(ctx: RequestContext, id: string, dto: ResolveTicketDto): Promise<TicketDetail> {
    return this.db.transaction(ctx, async (tx) => {
      const ticket = await this.lock(tx, id);
      if (ticket.status !== 'open') throw new IllegalTransitionError('ticket', ticket.status, 'resolve');
      checkResolution(dto, { orderId: ticket.order_id }, ctx.role);
      const compensation = dto.outcome === 'compensated' ? dto.compensationCents! : null;
      const refundIds = compensation
        ? await this.ledger.compensate(tx, ticket.order_id!, {
            amountCents: compensation,
            reason: `ticket ${ticketRef(id)} (${ticket.kind}) compensation${dto.note ? `: ${dto.note}` : ''}`,
            field: 'compensationCents',
            source: { ticketId: id },
          })
        : [];
      const now = this.clock.now();
      await this.repo.resolve(tx, id, {
        outcome: dto.outcome,
        note: dto.note ?? null,
        compensationCents: compensation,
        refundIds,
        at: now,
      });
      await this.repo.markFirstReply(tx, id, now);
      await this.notifications.send(tx, {
        to: ticket.customer_phone,
        template: 'ticket_resolved',
        params: { ref: ticketRef(id), note: dto.note ?? null, compensationCents: compensation ?? 0 },
        orderId: ticket.order_id,
        customerId: ticket.customer_id,
        dedupeKey: `ticket_resolved:${id}`,
      });
      await this.audit.record(tx, {
        action: 'ticket.resolve',
        entityType: 'ticket',
        entityId: id,
        regionId: ticket.region_id,
        before: { status: ticket.status },
        after: { status: 'resolved', outcome: dto.outcome, compensationCents: compensation, refundIds },
      });
      return this.detail(tx, id);
    });
  }

  private async lock(ctx: RequestContext, id: string): Promise<TicketRow> {
    const row = await this.repo.find(ctx, id, { lock: true });
    if (!row) throw new NotFoundError('ticket', id);
    return row;
  }

  private async detail(ctx: RequestContext, id: string): Promise<TicketDetail> {
    const row = await this.repo.find(ctx, id);
    if (!row) throw new NotFoundError('ticket', id);
    return { ...this.view(row), messages: await this.repo.messages(ctx, id) };
  }

  private view(r: TicketRow): TicketView {
    return {
      id: r.id,
      ref: ticketRef(r.id),
      kind: r.kind,
      status: r.status,
      customer: { id: r.customer_id, phone: r.customer_phone },
      orderId: r.order_id,
      orderNumber: r.order_number,
      regionId: r.region_id,
      campusId: r.campus_id,
      body: r.body,
      createdByRole: r.created_by_role,
      createdAt: r.created_at,
      dueAt: r.due_at,
      firstReplyAt: r.first_reply_at,
      overdue: isOverdue(
        { status: r.status, firstReplyAt: r.first_reply_at, dueAt: r.due_at },
        this.clock.now(),
      ),
      outcome: r.outcome,
      resolutionNote: r.resolution_note,
      compensationCents: r.compensation_cents === null ? null : Number(r.compensation_cents),
      refundIds: r.refund_ids ?? [],
      resolvedAt: r.resolved_at,
      updatedAt: r.updated_at,
    };
  }
}
