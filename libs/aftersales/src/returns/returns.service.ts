import { Injectable } from '@nestjs/common';
import { AuditService } from '@campus/audit';
import {
  AppConfig,
  Clock,
  decodeCursor,
  DEFAULT_PAGE_SIZE,
  ForbiddenError,
  IllegalTransitionError,
  InjectConfig,
  newId,
  NotFoundError,
  Page,
  RequestContext,
  toPage,
  ValidationError,
} from '@campus/core';
import { Db, pgErrorCode, SqlParams } from '@campus/database';
import { allocateReturn, OrderService } from '@campus/orders';
import type { EventPayloads } from '@campus/queue';
import { TasksService } from '@campus/tasks';
import {
  CreateReturnRequestDto,
  DecideReturnRequestDto,
  ReturnRequestQueryDto,
} from './dto/return-request.dto';
import { withinReturnWindow } from './return-policy';
import type { ReturnRequestView } from './return-request.types';
import { ReturnAlreadyPendingError, ReturnWindowClosedError } from './returns.errors';
import { ReturnsRepository } from './returns.repository';

/**
 * Return requests (issue 16): a customer (or the call centre for them) asks to return some lines or
 * units of a delivered order within RETURN_WINDOW_DAYS; the region's manager approves (an agent
 * collects the goods through a `return_pickup` task, or the customer drops them off) or rejects, with
 * a note; when the goods are back the order books the return (stock, refund, commission reversal
 * of those lines only, through `OrderService.returnLines`). One pending request per order.
 */
@Injectable()
export class ReturnsService {
  constructor(
    private readonly db: Db,
    private readonly repo: ReturnsRepository,
    private readonly orders: OrderService,
    private readonly tasks: TasksService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  /**
   * Opens a request for a delivered (or completed) order the caller may see (else 404): its owner or
   * the call centre. Refused after the window (422 `return_window_closed`), for units not in the
   * order or already returned (400 naming the line), and while another request of the order is
   * pending (409 `return_already_pending`).
   */
  async create(
    ctx: RequestContext,
    orderId: string,
    dto: CreateReturnRequestDto,
  ): Promise<ReturnRequestView> {
    try {
      return await this.db.transaction(ctx, async (tx) => {
        const order = await this.orders.find(tx, orderId, { lock: true });
        if (!order) throw new NotFoundError('order', orderId);
        if ((order.status !== 'delivered' && order.status !== 'completed') || !order.deliveredAt) {
          throw new IllegalTransitionError('order', order.status, 'return_request');
        }
        if (!withinReturnWindow(order.deliveredAt, this.clock.now(), this.config.returnRequestDays)) {
          throw new ReturnWindowClosedError(order.deliveredAt, this.config.returnRequestDays);
        }
        const pending = await this.repo.pendingOf(tx, orderId);
        if (pending) throw new ReturnAlreadyPendingError(pending);
        const allocation = allocateReturn(order.lines, dto.lines);
        if (!allocation.ok) throw new ValidationError(allocation.errors);
        const id = newId();
        await this.repo.insert(tx, {
          id,
          orderId,
          orderNumber: order.number,
          regionId: order.regionId,
          campusId: order.campusId,
          customerId: order.customer.id,
          channel: order.channel,
          reason: dto.reason,
          lines: allocation.lines,
        });
        await this.orders.note(tx, orderId, 'return_requested', {
          returnId: id,
          lines: allocation.lines.map((l) => ({ sku: l.sku, quantity: l.quantity })),
          reason: dto.reason,
        });
        return (await this.repo.find(tx, id))!;
      });
    } catch (err) {
      // Two requests for one order at the same moment: the partial unique index lets one through.
      if (pgErrorCode(err) === '23505') throw new ReturnAlreadyPendingError(null);
      throw err;
    }
  }

  async get(ctx: RequestContext, id: string): Promise<ReturnRequestView> {
    const r = await this.repo.find(ctx, id, { scope: (p) => this.scopeSql(ctx, p) });
    if (!r) throw new NotFoundError('return_request', id);
    return r;
  }

  /** Requests in scope, newest first: customers their own, managers their region's, admins and the call centre all. */
  async list(ctx: RequestContext, q: ReturnRequestQueryDto): Promise<Page<ReturnRequestView>> {
    const params: unknown[] = [];
    const add = (v: unknown) => SqlParams.of(params).add(v);
    const where = [this.scopeSql(ctx, params)];
    if (q.status) where.push(`rr.status = ${add(q.status)}`);
    if (q.orderId) where.push(`rr.order_id = ${add(q.orderId)}`);
    if (q.cursor) {
      const [at, id] = decodeCursor(q.cursor, ['string', 'string']);
      where.push(`(rr.created_at, rr.id) < (${add(at)}::timestamptz, ${add(id)}::uuid)`);
    }
    const limit = q.limit ?? DEFAULT_PAGE_SIZE;
    const rows = await this.repo.list(ctx, where, params, limit);
    const page = toPage(rows, limit, (r) => [r.cursorAt, r.id]);
    return { ...page, items: page.items.map(({ cursorAt: _c, ...r }) => r) };
  }

  /**
   * The region's manager (or an admin) approves an open request with a note. Collected by an agent
   * (default): a `return_pickup` task goes to the agent who delivered the order (if still active on
   * its campus; else it waits `open` for the manager to assign). `drop_off`: no task, the goods are
   * received at a pickup point (`receive`). Audited, and noted on the order's timeline.
   */
  async approve(ctx: RequestContext, id: string, dto: DecideReturnRequestDto): Promise<ReturnRequestView> {
    return this.db.transaction(ctx, async (tx) => {
      const before = await this.lockOpen(tx, id);
      const collection = dto.collection ?? 'agent';
      let taskId: string | null = null;
      if (collection === 'agent') {
        const order = (await this.orders.find(tx.asSystem(), before.orderId))!;
        const task = await this.tasks.openReturnPickup(tx, {
          orderId: before.orderId,
          agentId: order.assignedAgentId,
          items: before.lines.map((l) => ({ sku: l.sku, name: l.name, quantity: l.quantity })),
          description: `return ${before.orderNumber}: ${before.reason}`.slice(0, 500),
        });
        taskId = task.id;
      }
      await this.repo.decide(tx, id, { status: 'approved', note: dto.note, collection, taskId });
      return this.recordDecision(tx, before, 'approved', { note: dto.note, collection, taskId });
    });
  }

  /** The region's manager (or an admin) rejects an open request, with a note the customer sees. */
  async reject(ctx: RequestContext, id: string, dto: DecideReturnRequestDto): Promise<ReturnRequestView> {
    return this.db.transaction(ctx, async (tx) => {
      const before = await this.lockOpen(tx, id);
      await this.repo.decide(tx, id, {
        status: 'rejected',
        note: dto.note,
        collection: before.collection,
        taskId: null,
      });
      return this.recordDecision(tx, before, 'rejected', { note: dto.note });
    });
  }

  /**
   * The goods of an approved request were handed in at a pickup point or to the manager (staff of the
   * order's pickup point, the region's manager, an admin): the return is booked at once. A pickup
   * task still open for it is cancelled (the agent need not go). Agents confirm their pickups by
   * completing the task with the customer's code instead (`onPickupDone`).
   */
  async receive(ctx: RequestContext, id: string, note?: string): Promise<ReturnRequestView> {
    return this.db.transaction(ctx, async (tx) => {
      const request = await this.repo.find(tx, id, { lock: true, scope: (p) => this.scopeSql(ctx, p) });
      if (!request) throw new NotFoundError('return_request', id);
      if (request.status !== 'approved')
        throw new IllegalTransitionError('return_request', request.status, 'receive');
      if (request.taskId) {
        const task = await this.tasks.find(tx, request.taskId);
        if (task && task.status !== 'done' && task.status !== 'cancelled') {
          await this.tasks.move(tx.asSystem(), task.id, 'cancel', {
            reason: 'the goods were handed in',
            data: { returnId: id },
          });
        }
      }
      return this.book(tx, request, { via: 'hand_in', note: note ?? null });
    });
  }

  /**
   * A `return_pickup` task was completed with the customer's code (`task.completed`): the goods are
   * with the agent, the return is booked. Idempotent by state: a request already received (a
   * redelivered event) is left alone.
   */
  async onPickupDone(ctx: RequestContext, t: EventPayloads['task.completed']): Promise<void> {
    if (t.kind !== 'return_pickup') return;
    await this.db.transaction(ctx.asSystem(), async (tx) => {
      const id = await this.repo.findByTask(tx, t.taskId);
      if (!id) return;
      const request = (await this.repo.find(tx, id, { lock: true }))!;
      if (request.status !== 'approved') return;
      await this.book(tx, request, { via: 'pickup_task', taskId: t.taskId, agentId: t.agentId });
    });
  }

  /** Books a received request on its order and records the refunds against it. */
  private async book(
    tx: RequestContext,
    request: ReturnRequestView,
    facts: Record<string, unknown>,
  ): Promise<ReturnRequestView> {
    const result = await this.orders.returnLines(tx.asSystem(), request.orderId, {
      returnId: request.id,
      lines: request.lines.map((l) => ({ sku: l.sku, quantity: l.quantity })),
      reason: request.reason,
    });
    await this.repo.received(tx, request.id, {
      refundCents: result.refundCents,
      refundIds: result.refunds.map((r) => r.id),
      lines: result.lines.map((l) => ({ lineIndex: l.lineIndex, refundCents: l.refundCents })),
    });
    await this.audit.record(tx, {
      action: 'return_request.received',
      entityType: 'return_request',
      entityId: request.id,
      regionId: request.regionId,
      before: { status: request.status },
      after: {
        status: 'received',
        refundCents: result.refundCents,
        fullyReturned: result.fullyReturned,
        ...facts,
      },
    });
    return (await this.repo.find(tx, request.id))!;
  }

  private async lockOpen(tx: RequestContext, id: string): Promise<ReturnRequestView> {
    if (!tx.is('regional_manager', 'admin'))
      throw new ForbiddenError('Only managers and admins decide returns');
    const request = await this.repo.find(tx, id, { lock: true, scope: (p) => this.scopeSql(tx, p) });
    if (!request) throw new NotFoundError('return_request', id);
    if (request.status !== 'open')
      throw new IllegalTransitionError('return_request', request.status, 'decide');
    return request;
  }

  private async recordDecision(
    tx: RequestContext,
    before: ReturnRequestView,
    status: 'approved' | 'rejected',
    data: Record<string, unknown>,
  ): Promise<ReturnRequestView> {
    await this.audit.record(tx, {
      action: `return_request.${status === 'approved' ? 'approve' : 'reject'}`,
      entityType: 'return_request',
      entityId: before.id,
      regionId: before.regionId,
      before: { status: before.status },
      after: { status, ...data },
    });
    await this.orders.note(tx, before.orderId, `return_${status}`, { returnId: before.id, ...data });
    return (await this.repo.find(tx, before.id))!;
  }

  /**
   * Requests the caller may see (alias `rr`): admins, the call centre and the system all; managers
   * their region's; customers their own; pickup staff those of their point's orders.
   */
  private scopeSql(ctx: RequestContext, params: unknown[]): string {
    const p = ctx.principal;
    const add = (v: unknown) => SqlParams.of(params).add(v);
    if (ctx.is('admin', 'call_center', 'system')) return 'TRUE';
    if (ctx.is('regional_manager')) return `rr.region_id = ${add(p.regionId ?? null)}`;
    if (ctx.is('customer')) return `rr.customer_id = ${add(p.id)}`;
    if (ctx.is('pickup_staff')) {
      return `rr.order_id IN (SELECT o.id FROM orders o WHERE o.pickup_point_id = ${add(p.pickupPointId ?? null)})`;
    }
    return 'FALSE';
  }
}
