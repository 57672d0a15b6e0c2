import { Injectable } from '@nestjs/common';
import { LedgerService } from '@campus/commissions';
import { Page, RequestContext } from '@campus/core';
import { CodBalanceView, CodEntryView, CodLedgerService } from '@campus/fulfilment';
import { MoneyLedgerService } from '@campus/orders';

export interface AgentCashView extends CodBalanceView {
  /** Cash handed in: the COD cash of paid settlements, less the cash refunds they credited back. */
  settledCents: number;
  /** Cash refunds the agent handed to customers. */
  refundsPaidOutCents: number;
  entries?: never;
  items: (CodEntryView & { settled: boolean })[];
}

/**
 * The cash an agent still holds (issue 17.10): what they collected on delivery (fulfilment's COD
 * ledger), minus what they handed in — the COD cash of the settlements that were paid, less the cash
 * refunds those settlements credited back to them (commissions) — minus the cash refunds they handed
 * to customers (orders' refund ledger, `paid_out`). Three contexts' ledgers; the API composes them.
 */
@Injectable()
export class AgentCashService {
  constructor(
    private readonly cod: CodLedgerService,
    private readonly ledger: LedgerService,
    private readonly money: MoneyLedgerService,
  ) {}

  async balance(
    ctx: RequestContext,
    agentId: string,
    q: { limit?: number; cursor?: string },
  ): Promise<AgentCashView> {
    const collected = await this.cod.balance(ctx, agentId, q);
    const { settledCents, settledRefundsCents, settledOrderIds } = await this.ledger.codSettled(
      ctx,
      agentId,
      collected.items.map((e) => e.orderId),
    );
    const refundsPaidOutCents = await this.money.cashPaidOutBy(ctx, agentId);
    const settled = new Set(settledOrderIds);
    const page: Page<CodEntryView & { settled: boolean }> = {
      items: collected.items.map((e) => ({ ...e, settled: settled.has(e.orderId) })),
      nextCursor: collected.nextCursor,
    };
    return {
      ...collected,
      ...page,
      settledCents: settledCents - settledRefundsCents,
      refundsPaidOutCents,
      heldCents: collected.collectedCents - (settledCents - settledRefundsCents) - refundsPaidOutCents,
    };
  }
}
