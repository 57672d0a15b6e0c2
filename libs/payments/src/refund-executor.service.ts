import { Injectable, Logger } from '@nestjs/common';
import type { RequestContext } from '@campus/core';
import { MoneyLedgerService } from '@campus/orders';
import { AlipayGateway } from './alipay/alipay-gateway';
import { ProviderRefusedError, ProviderUnavailableError } from './payments.errors';

/**
 * Pays an Alipay refund back (after the commit that wrote it, from `refund.requested`). The refund's
 * id is the `out_request_no`, so however often this runs — a retry after a lost answer, a replayed
 * job — Alipay refunds it once. Transient trouble is thrown (the queue retries with backoff); a
 * refusal, or the last retry still failing, is recorded as `failed` with Alipay's sub_code and
 * sub_msg, visible to the customer and to finance (an admin may retry it).
 */
@Injectable()
export class RefundExecutorService {
  private readonly log = new Logger('Refunds');

  constructor(
    private readonly ledger: MoneyLedgerService,
    private readonly gateway: AlipayGateway,
  ) {}

  async execute(ctx: RequestContext, refundId: string, lastAttempt: boolean): Promise<void> {
    const found = await this.ledger.refundToExecute(ctx, refundId);
    if (!found || found.refund.status !== 'pending' || found.refund.method !== 'alipay') return;
    const { refund, tradeNo } = found;
    if (!tradeNo) {
      await this.ledger.recordRefundOutcome(ctx, refundId, {
        status: 'failed',
        code: 'no_trade',
        reason: 'the money was not received through Alipay',
      });
      return;
    }
    try {
      const done = await this.gateway.refund({
        tradeNo,
        amountCents: refund.amountCents,
        outRequestNo: refund.id,
        reason: refund.reason,
      });
      await this.ledger.recordRefundOutcome(ctx, refundId, {
        status: 'succeeded',
        providerRef: done.providerRef,
      });
    } catch (err) {
      if (err instanceof ProviderRefusedError) {
        this.log.warn(`refund ${refundId} refused by Alipay: ${err.subCode} ${err.subMsg}`);
        await this.ledger.recordRefundOutcome(ctx, refundId, {
          status: 'failed',
          code: err.subCode,
          reason: err.subMsg || err.subCode,
        });
        return;
      }
      if (err instanceof ProviderUnavailableError && lastAttempt) {
        await this.ledger.recordRefundOutcome(ctx, refundId, {
          status: 'failed',
          code: 'provider_unavailable',
          reason: 'Alipay could not be reached after several tries; retry the refund',
        });
        return;
      }
      throw err;
    }
  }
}
