import { Injectable } from '@nestjs/common';
import { AuditService } from '@campus/audit';
import {
  ConflictError,
  ForbiddenError,
  IllegalTransitionError,
  NotFoundError,
  RequestContext,
} from '@campus/core';
import { Db, roleScopeSql, SqlParams } from '@campus/database';
import { event, OutboxService } from '@campus/queue';
import { MoneyLedgerRepository, NOW } from './money-ledger.repository';
import type { RefundView } from './money.types';
import { OrderMovesService } from './order-moves.service';

/** What the payments context reports after asking the provider to pay a refund back. */
export type RefundOutcomeInput =
  { status: 'succeeded'; providerRef: string | null } | { status: 'failed'; code: string; reason: string };

/**
 * A refund's life after it was written: handed out in cash, retried, or paid (or refused) by the
 * provider. Each change is checked against the refund's state, audited where staff made it, and
 * noted on the order's timeline. Called through MoneyLedgerService.
 */
@Injectable()
export class RefundDeskService {
  constructor(
    private readonly db: Db,
    private readonly repo: MoneyLedgerRepository,
    private readonly moves: OrderMovesService,
    private readonly outbox: OutboxService,
    private readonly audit: AuditService,
  ) {}

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
      await this.moves.note(tx, after.orderId, 'refund_paid_out', {
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
      await this.moves.note(tx, before.orderId, 'refund_retried', { refundId: id });
      return (await this.repo.refund(tx, id))!;
    });
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
        await this.moves.note(tx, refund.orderId, 'refund_succeeded', {
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
        await this.moves.note(tx, refund.orderId, 'refund_failed', {
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
  scopeSql(ctx: RequestContext, params: SqlParams | unknown[]): string {
    if (ctx.is('admin', 'system', 'regional_manager')) {
      return roleScopeSql(ctx, { admin: 'all', system: 'all', regional_manager: 'r.region_id' }, params);
    }
    throw new ForbiddenError('Only finance (admins) and regional managers see refunds');
  }
}
