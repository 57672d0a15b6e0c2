import { Injectable } from '@nestjs/common';
import {
  BusinessRuleError,
  ConflictError,
  DEFAULT_PAGE_SIZE,
  NotFoundError,
  Page,
  RequestContext,
  toPage,
} from '@campus/core';
import { Db, pgErrorCode } from '@campus/database';
import { OutboxService } from '@campus/queue';
import { RefundQueryDto } from './dto/refund-query.dto';
import { MoneyLedgerRepository, refundView } from './money-ledger.repository';
import { decideReceipt, planPartialRefund, refundableCents, refundMethodFor } from './money-policy';
import type { ReceiptInput, ReceiptOutcome, ReceiptView, RefundView } from './money.types';
import { OrderService } from './order.service';
import { RefundDeskService, RefundOutcomeInput } from './refund-desk.service';
import type { OrderView } from './order.types';

export type { RefundOutcomeInput } from './refund-desk.service';

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
    private readonly desk: RefundDeskService,
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
    const limit = q.limit ?? DEFAULT_PAGE_SIZE;
    const rows = await this.repo.list(ctx, q, (p) => this.desk.scopeSql(ctx, p), limit);
    const page = toPage(rows, limit, (r) => [r.cursor_at, r.id]);
    return { ...page, items: page.items.map(refundView) };
  }

  /**
   * The cash refunds an agent has handed to customers (`paid_out`), in fen: cash that left the agent's
   * hands (the COD balance composes it). The caller checks the agent is in scope.
   */
  cashPaidOutBy(ctx: RequestContext, agentId: string): Promise<number> {
    return this.repo.cashPaidOutBy(ctx, agentId);
  }

  /**
   * A cash refund was handed to the customer (`owed` → `paid_out`), recorded with who and when, with
   * an audit row and a timeline note. Admins and the region's manager; a provider (`manual`) refund
   * only by an admin; Alipay refunds are paid by Alipay (409).
   */
  markPaidOut(ctx: RequestContext, id: string): Promise<RefundView> {
    return this.desk.markPaidOut(ctx, id);
  }

  /** A failed Alipay refund is tried again (`failed` → `pending`), by an admin; the same refund id keeps it single. */
  retry(ctx: RequestContext, id: string): Promise<RefundView> {
    return this.desk.retry(ctx, id);
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
  recordRefundOutcome(ctx: RequestContext, id: string, outcome: RefundOutcomeInput): Promise<RefundView> {
    return this.desk.recordRefundOutcome(ctx, id, outcome);
  }
}
