import { Injectable } from '@nestjs/common';
import { AuditService } from '@campus/audit';
import {
  BusinessRuleError,
  ConflictError,
  decodeCursor,
  DEFAULT_PAGE_SIZE,
  ForbiddenError,
  IllegalTransitionError,
  NotFoundError,
  Page,
  RequestContext,
  toPage,
} from '@campus/core';
import { Db, pgErrorCode, roleScopeSql, SqlParams } from '@campus/database';
import { event, OutboxService } from '@campus/queue';
import { RefundQueryDto } from './dto/refund-query.dto';
import { MoneyLedgerRepository, NOW, refundView } from './money-ledger.repository';
import { decideReceipt, planPartialRefund, refundableCents, refundMethodFor } from './money-policy';
import type { ReceiptInput, ReceiptOutcome, ReceiptView, RefundView } from './money.types';
import { OrderService } from './order.service';
import type { OrderView } from './order.types';

/** What the payments context reports after asking the provider to pay a refund back. */
export type RefundOutcomeInput =
  { status: 'succeeded'; providerRef: string | null } | { status: 'failed'; code: string; reason: string };

/**
 * The order's money ledger: what came in (`payments`) and what is owed back (`refunds`). Provider
 * adapters (the payments context) record receipts here; refunds are written by the order's own moves
 * (OrderService.transition) or here for money an order could not take. Nothing outside `orders`
 * writes these tables: the payments context reports refund outcomes through this service.
 */
@Injectable()
export class MoneyLedgerService {
  constructor(
    private readonly db: Db,
    private readonly orders: OrderService,
    private readonly repo: MoneyLedgerRepository,
    private readonly outbox: OutboxService,
    private readonly audit: AuditService,
  ) {}

  /**
   * Records money received for an order, once per (method, provider reference): a replay is
   * `duplicate`. Locks the order and decides in the same transaction (joining the caller's, e.g. the
   * payment attempt's update): the money pays an unpaid online order (`pay`), prepays an unpaid COD
   * order before delivery when allowed, or — the order cannot take it — is owed back: a refund row
   * (Alipay: executed by the payments queue) and a timeline note. `guard` checks the locked order
   * before anything is written (the generic notice refuses COD orders and other amounts).
   */
  async receive(
    ctx: RequestContext,
    input: ReceiptInput,
    guard?: (order: OrderView) => void,
  ): Promise<ReceiptOutcome> {
    const sys = ctx.asSystem();
    try {
      return await this.db.transaction(sys, async (tx) => {
        const order = await this.orders.find(tx, input.orderId, { lock: true });
        if (!order) throw new NotFoundError('order', input.orderId);
        const seen = await this.repo.findReceipt(tx, input.method, input.providerRef);
        if (seen) {
          if (seen.orderId !== input.orderId || seen.amountCents !== input.amountCents) {
            throw new ConflictError(
              'provider_ref_reused',
              `Payment ${input.providerRef} was already recorded for another order or amount`,
            );
          }
          return {
            status: 'duplicate',
            orderId: order.id,
            orderStatus: order.status,
            paymentId: seen.id,
            refundId: null,
          };
        }
        guard?.(order);
        const decision = decideReceipt(order, input.amountCents, input.allowCodPrepay);
        const paymentId = await this.repo.insertReceipt(tx, {
          orderId: order.id,
          method: input.method,
          providerRef: input.providerRef,
          amountCents: input.amountCents,
          paidAt: input.paidAt,
          outcome: decision.kind === 'refund' ? 'refund_required' : 'applied',
          data: input.data,
        });
        const facts = {
          method: input.method,
          providerRef: input.providerRef,
          amountCents: input.amountCents,
          paidAt: input.paidAt,
          ...input.data,
        };
        if (decision.kind === 'pay') {
          const paid = await this.orders.transition(tx, order.id, 'pay', { data: facts });
          return {
            status: 'applied',
            orderId: order.id,
            orderStatus: paid.status,
            paymentId,
            refundId: null,
          };
        }
        if (decision.kind === 'prepay_cod') {
          await this.orders.recordPrepayment(tx, order.id, facts);
          return {
            status: 'applied',
            orderId: order.id,
            orderStatus: order.status,
            paymentId,
            refundId: null,
          };
        }
        const method = refundMethodFor(input.method);
        const { ids, events } = await this.repo.insertRefunds(
          tx,
          order,
          [
            {
              paymentId,
              amountCents: input.amountCents,
              method,
              status: method === 'alipay' ? 'pending' : 'owed',
              holder: null,
              providerRef: input.providerRef,
            },
          ],
          {
            cause: decision.cause,
            reason:
              decision.cause === 'duplicate_payment'
                ? `paid again: order ${order.number} was already paid`
                : `paid too late: order ${order.number} is ${order.status}`,
          },
        );
        await this.outbox.append(tx, events);
        await this.orders.note(tx, order.id, 'payment_refund_required', {
          ...facts,
          statusWhenPaid: order.status,
          refundId: ids[0],
          refundMethod: method,
        });
        return {
          status: 'refund_required',
          orderId: order.id,
          orderStatus: order.status,
          paymentId,
          refundId: ids[0],
        };
      });
    } catch (err) {
      // The same reference arriving twice at the same moment: the second sees the first's row.
      if (pgErrorCode(err) === '23505' && !ctx.manager) return this.receive(ctx, input, guard);
      throw err;
    }
  }

  /**
   * Money given back to a customer as compensation (an after-sales ticket resolved with a refund):
   * refunds of `amountCents` drawn on the order's receipts the way the money came (Alipay → an Alipay
   * refund the payments queue executes; cash → owed by whoever holds the cash), written on the
   * caller's transaction with their outbox events and a timeline note, so they commit with the change
   * that caused them. The order is locked first; more than its receipts still hold is 422 naming
   * `field`. The caller decides who may compensate and makes the cause happen once.
   */
  async compensate(
    ctx: RequestContext,
    orderId: string,
    input: { amountCents: number; reason: string; field: string; source: Record<string, unknown> },
  ): Promise<string[]> {
    return this.db.transaction(ctx, async (tx) => {
      const sys = tx.asSystem();
      const order = await this.orders.find(sys, orderId, { lock: true });
      if (!order) throw new NotFoundError('order', orderId);
      const balances = await this.repo.balances(sys, orderId);
      const planned = planPartialRefund(balances, input.amountCents);
      if (!planned) {
        const available = refundableCents(balances);
        throw new BusinessRuleError(
          'compensation_exceeds_received',
          `Order ${order.number} holds ${available} fen that could be given back; ${input.amountCents} asked`,
          {
            availableCents: available,
            errors: [{ field: input.field, message: `at most ${available} (what the order received)` }],
          },
        );
      }
      const { ids, events } = await this.repo.insertRefunds(tx, order, planned, {
        cause: 'compensation',
        reason: input.reason,
      });
      await this.outbox.append(tx, events);
      await this.orders.note(tx, orderId, 'compensation_refund', {
        ...input.source,
        amountCents: input.amountCents,
        refundIds: ids,
      });
      return ids;
    });
  }

  /** The money of an order the caller may see (else 404): receipts and refunds. */
  async moneyOf(
    ctx: RequestContext,
    orderId: string,
  ): Promise<{ receipts: ReceiptView[]; refunds: RefundView[] }> {
    await this.orders.get(ctx, orderId);
    const [receipts, refunds] = [
      await this.repo.receiptsOf(ctx, orderId),
      await this.repo.refundsOf(ctx, orderId),
    ];
    return { receipts, refunds };
  }

  /** Refunds for finance, newest first: admins all, regional managers their region. */
  async list(ctx: RequestContext, q: RefundQueryDto): Promise<Page<RefundView>> {
    const params = new SqlParams();
    const where = [this.scopeSql(ctx, params)];
    if (q.status) where.push(`r.status = ${params.add(q.status)}`);
    if (q.method) where.push(`r.method = ${params.add(q.method)}`);
    if (q.holderAgentId) where.push(`r.holder_agent_id = ${params.add(q.holderAgentId)}`);
    if (q.orderId) where.push(`r.order_id = ${params.add(q.orderId)}`);
    if (q.from) where.push(`r.created_at >= ${params.add(q.from)}::timestamptz`);
    if (q.to) where.push(`r.created_at < ${params.add(q.to)}::timestamptz`);
    if (q.cursor) {
      const [at, id] = decodeCursor(q.cursor, ['string', 'string']);
      where.push(`(r.created_at, r.id) < (${params.add(at)}::timestamptz, ${params.add(id)}::uuid)`);
    }
    const limit = q.limit ?? DEFAULT_PAGE_SIZE;
    const rows = (await this.repo.list(ctx, where, params.values, limit)) as (Parameters<
      typeof refundView
    >[0] & {
      cursor_at: string;
    })[];
    const page = toPage(rows, limit, (r) => [r.cursor_at, r.id]);
    return { ...page, items: page.items.map(refundView) };
  }

  /**
   * The cash refunds an agent has handed to customers (`paid_out`), in fen: cash that left the agent's
   * hands (the COD balance composes it). The caller checks the agent is in scope.
   */
  async cashPaidOutBy(ctx: RequestContext, agentId: string): Promise<number> {
    const [row] = await this.db.query<{ total: string }>(
      ctx,
      `SELECT COALESCE(sum(amount_cents), 0) AS total FROM refunds
        WHERE method = 'cash' AND status = 'paid_out' AND holder_agent_id = $1`,
      [agentId],
    );
    return Number(row.total);
  }

  /**
   * A cash refund was handed to the customer (`owed` → `paid_out`), recorded with who and when, with
   * an audit row and a timeline note. Admins and the region's manager; a provider (`manual`) refund
   * only by an admin; Alipay refunds are paid by Alipay (409).
   */
  async markPaidOut(ctx: RequestContext, id: string): Promise<RefundView> {
    return this.db.transaction(ctx, async (tx) => {
      const before = await this.repo.refund(tx, id, { lock: true, scope: (p) => this.scopeSql(ctx, p) });
      if (!before) throw new NotFoundError('refund', id);
      if (before.method === 'alipay') {
        throw new ConflictError('not_a_cash_refund', 'Alipay refunds are paid back by Alipay, not by hand', {
          method: before.method,
        });
      }
      if (before.method === 'manual' && !ctx.is('admin')) {
        throw new ForbiddenError('Only an admin marks a refund through another provider as paid out');
      }
      if (before.status !== 'owed') throw new IllegalTransitionError('refund', before.status, 'paid_out');
      await this.repo.update(
        tx,
        id,
        { status: 'paid_out', paid_out_at: NOW, paid_out_by_id: ctx.actorId },
        'owed',
      );
      const after = (await this.repo.refund(tx, id))!;
      await this.audit.record(tx, {
        action: 'refund.paid_out',
        entityType: 'refund',
        entityId: id,
        regionId: after.regionId,
        before: { status: before.status },
        after: {
          status: after.status,
          paidOutAt: after.paidOutAt,
          amountCents: after.amountCents,
          holder: after.holder,
        },
      });
      await this.orders.note(tx, after.orderId, 'refund_paid_out', {
        refundId: id,
        amountCents: after.amountCents,
        method: after.method,
      });
      return after;
    });
  }

  /** A failed Alipay refund is tried again (`failed` → `pending`), by an admin; the same refund id keeps it single. */
  async retry(ctx: RequestContext, id: string): Promise<RefundView> {
    return this.db.transaction(ctx, async (tx) => {
      const before = await this.repo.refund(tx, id, { lock: true, scope: (p) => this.scopeSql(ctx, p) });
      if (!before) throw new NotFoundError('refund', id);
      if (before.method !== 'alipay' || before.status !== 'failed') {
        throw new IllegalTransitionError('refund', before.status, 'retry');
      }
      await this.repo.update(
        tx,
        id,
        { status: 'pending', failed_at: null, failure_code: null, failure_reason: null },
        'failed',
      );
      const tradeNo = await this.repo.tradeOf(tx, id);
      await this.outbox.append(tx, [
        event(
          'refund.requested',
          {
            refundId: id,
            orderId: before.orderId,
            paymentId: before.paymentId,
            tradeNo: tradeNo ?? '',
            amountCents: before.amountCents,
          },
          { aggregateId: before.orderId },
        ),
      ]);
      await this.audit.record(tx, {
        action: 'refund.retry',
        entityType: 'refund',
        entityId: id,
        regionId: before.regionId,
        before: {
          status: before.status,
          failureCode: before.failureCode,
          failureReason: before.failureReason,
        },
        after: { status: 'pending' },
      });
      await this.orders.note(tx, before.orderId, 'refund_retried', { refundId: id });
      return (await this.repo.refund(tx, id))!;
    });
  }

  /** A refund to execute (system use): its current state and the Alipay trade it pays back. */
  async refundToExecute(
    ctx: RequestContext,
    id: string,
  ): Promise<{ refund: RefundView; tradeNo: string | null } | null> {
    const refund = await this.repo.refund(ctx, id);
    if (!refund) return null;
    return { refund, tradeNo: await this.repo.tradeOf(ctx, id) };
  }

  /**
   * Records what the provider said about a pending refund (system use, once: a refund that is no
   * longer pending is left as it is). Succeeded and failed refunds are noted on the order's timeline.
   */
  async recordRefundOutcome(
    ctx: RequestContext,
    id: string,
    outcome: RefundOutcomeInput,
  ): Promise<RefundView> {
    return this.db.transaction(ctx.asSystem(), async (tx) => {
      const refund = await this.repo.refund(tx, id, { lock: true });
      if (!refund) throw new NotFoundError('refund', id);
      if (refund.status !== 'pending') return refund;
      if (outcome.status === 'succeeded') {
        await this.repo.update(
          tx,
          id,
          {
            status: 'succeeded',
            succeeded_at: NOW,
            provider_ref: outcome.providerRef,
            attempts: refund.attempts + 1,
          },
          'pending',
        );
        await this.orders.note(tx, refund.orderId, 'refund_succeeded', {
          refundId: id,
          amountCents: refund.amountCents,
          providerRef: outcome.providerRef,
        });
      } else {
        await this.repo.update(
          tx,
          id,
          {
            status: 'failed',
            failed_at: NOW,
            failure_code: outcome.code.slice(0, 100),
            failure_reason: outcome.reason.slice(0, 500),
            attempts: refund.attempts + 1,
          },
          'pending',
        );
        await this.orders.note(tx, refund.orderId, 'refund_failed', {
          refundId: id,
          amountCents: refund.amountCents,
          code: outcome.code,
          reason: outcome.reason,
        });
      }
      return (await this.repo.refund(tx, id))!;
    });
  }

  /** Refunds the caller may see (alias `r`): admins and the system all, regional managers their region. */
  private scopeSql(ctx: RequestContext, params: SqlParams | unknown[]): string {
    if (ctx.is('admin', 'system', 'regional_manager')) {
      return roleScopeSql(ctx, { admin: 'all', system: 'all', regional_manager: 'r.region_id' }, params);
    }
    throw new ForbiddenError('Only finance (admins) and regional managers see refunds');
  }
}
