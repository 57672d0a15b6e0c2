import { Injectable } from '@nestjs/common';
import { LedgerService } from '@campus/commissions';
import { Page, RequestContext } from '@campus/core';
import { CodBalanceView, CodEntryView, CodLedgerService } from '@campus/fulfilment';

export interface AgentCashView extends CodBalanceView {
  /** Cash handed in: the COD cash of paid settlements. */
  settledCents: number;
  entries?: never;
  items: (CodEntryView & { settled: boolean })[];
}

/**
 * The cash an agent still holds (issue 17.10): what they collected on delivery (fulfilment's COD
 * ledger) minus what they handed in — the COD cash of the settlements that were paid (commissions'
 * `commission_cod.cleared_at`). The two ledgers belong to two contexts; the API composes them.
 * (Cash refunds an agent pays out at the door, once that ledger exists, come off here too.)
 */
@Injectable()
export class AgentCashService {
  constructor(
    private readonly cod: CodLedgerService,
    private readonly ledger: LedgerService,
  ) {}

  async balance(
    ctx: RequestContext,
    agentId: string,
    q: { limit?: number; cursor?: string },
  ): Promise<AgentCashView> {
    const collected = await this.cod.balance(ctx, agentId, q);
    const { settledCents, settledOrderIds } = await this.ledger.codSettled(
      ctx,
      agentId,
      collected.items.map((e) => e.orderId),
    );
    const settled = new Set(settledOrderIds);
    const page: Page<CodEntryView & { settled: boolean }> = {
      items: collected.items.map((e) => ({ ...e, settled: settled.has(e.orderId) })),
      nextCursor: collected.nextCursor,
    };
    return {
      ...collected,
      ...page,
      settledCents,
      heldCents: collected.collectedCents - settledCents,
    };
  }
}
