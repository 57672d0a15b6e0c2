import { Injectable } from '@nestjs/common';
import { decodeCursor, DEFAULT_PAGE_SIZE, Page, RequestContext, toPage, ValidationError } from '@campus/core';
import { Db } from '@campus/database';
import { AgentsService } from '@campus/network';
import { event, OutboxService } from '@campus/queue';

export interface CodEntryView {
  id: string;
  orderId: string;
  orderNumber: string;
  amountCents: number;
  expectedCents: number;
  overrideReason: string | null;
  recordedBy: { id: string; role: string };
  recordedAt: Date;
}

export interface CodBalanceView extends Page<CodEntryView> {
  agentId: string;
  /** All cash this agent ever collected on delivery (this ledger alone cannot say what was handed in). */
  collectedCents: number;
  /** Collected minus what was handed in; the API composes it with the settlements (see agent-cash). */
  heldCents: number;
  entryCount: number;
}

/**
 * The cash collected on delivery: one append-only row per order (the table refuses updates and
 * deletes), held by the delivering agent or, for parcels paid at a counter, by the pickup point.
 * Each row publishes `cod.collected` in the same transaction, so the commissions ledger (which settles
 * the cash with the agent) learns of it exactly when it is committed.
 */
@Injectable()
export class CodLedgerService {
  constructor(
    private readonly db: Db,
    private readonly agents: AgentsService,
    private readonly outbox: OutboxService,
  ) {}

  /** Records cash collected for an order and publishes `cod.collected`, inside the caller's transaction. */
  async record(
    ctx: RequestContext,
    entry: {
      orderId: string;
      holder: { agentId: string } | { pickupPointId: string };
      amountCents: number;
      expectedCents: number;
      overrideReason: string | null;
    },
  ): Promise<void> {
    const [row] = await this.db.query<{ created_at: Date; region_id: string }>(
      ctx,
      `INSERT INTO cod_ledger (order_id, agent_id, pickup_point_id, amount_cents, expected_cents, override_reason,
         recorded_by_id, recorded_by_role)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       RETURNING created_at, (SELECT region_id FROM orders WHERE id = $1) AS region_id`,
      [
        entry.orderId,
        'agentId' in entry.holder ? entry.holder.agentId : null,
        'pickupPointId' in entry.holder ? entry.holder.pickupPointId : null,
        entry.amountCents,
        entry.expectedCents,
        entry.overrideReason,
        ctx.actorId,
        ctx.role,
      ],
    );
    await this.outbox.append(ctx, [
      event(
        'cod.collected',
        {
          orderId: entry.orderId,
          agentId: 'agentId' in entry.holder ? entry.holder.agentId : null,
          pickupPointId: 'pickupPointId' in entry.holder ? entry.holder.pickupPointId : null,
          regionId: row.region_id,
          amountCents: entry.amountCents,
          collectedAt: row.created_at.toISOString(),
        },
        { aggregateId: entry.orderId },
      ),
    ]);
  }

  /** An agent's COD-held balance and its entries, newest first (agents see only their own: else 404). */
  async balance(
    ctx: RequestContext,
    agentId: string,
    q: { limit?: number; cursor?: string },
  ): Promise<CodBalanceView> {
    await this.agents.get(ctx, agentId);
    const [sum] = await this.db.query<{ held: string; n: number }>(
      ctx,
      `SELECT COALESCE(sum(amount_cents), 0)::bigint AS held, count(*)::int AS n FROM cod_ledger WHERE agent_id = $1`,
      [agentId],
    );
    const params: unknown[] = [agentId];
    let where = `c.agent_id = $1`;
    if (q.cursor) {
      const [id] = decodeCursor(q.cursor, ['string']);
      if (!/^\d{1,18}$/.test(String(id)))
        throw ValidationError.field('cursor', 'is not a cursor this API issued');
      params.push(id);
      where += ` AND c.id < $2::bigint`;
    }
    const limit = q.limit ?? DEFAULT_PAGE_SIZE;
    const rows = await this.db.query<{
      id: string;
      order_id: string;
      number: string;
      amount_cents: string;
      expected_cents: string;
      override_reason: string | null;
      recorded_by_id: string;
      recorded_by_role: string;
      created_at: Date;
    }>(
      ctx,
      `SELECT c.id, c.order_id, o.number, c.amount_cents, c.expected_cents, c.override_reason, c.recorded_by_id,
              c.recorded_by_role, c.created_at
         FROM cod_ledger c JOIN orders o ON o.id = c.order_id
        WHERE ${where} ORDER BY c.id DESC LIMIT ${limit + 1}`,
      params,
    );
    const page = toPage(
      rows.map((r): CodEntryView => ({
        id: String(r.id),
        orderId: r.order_id,
        orderNumber: r.number,
        amountCents: Number(r.amount_cents),
        expectedCents: Number(r.expected_cents),
        overrideReason: r.override_reason,
        recordedBy: { id: r.recorded_by_id, role: r.recorded_by_role },
        recordedAt: r.created_at,
      })),
      limit,
      (last) => [last.id],
    );
    return {
      agentId,
      collectedCents: Number(sum.held),
      heldCents: Number(sum.held),
      entryCount: sum.n,
      ...page,
    };
  }
}
