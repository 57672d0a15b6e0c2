import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { AuditService } from '@campus/audit';
import {
  Clock,
  decodeCursor,
  DEFAULT_PAGE_SIZE,
  Page,
  RequestContext,
  shanghaiPeriod,
  toPage,
  ValidationError,
} from '@campus/core';
import { Db, SqlParams } from '@campus/database';
import { AgentsService } from '@campus/network';
import { OrderService } from '@campus/orders';
import type { EventPayloads } from '@campus/queue';
import { LineCommission, orderCommission, partialReversal } from './commission-policy';
import { entryScopeSql } from './commission-scope';
import { EarningsView, EntryKind, EntryView } from './commission.types';
import { CreateAdjustmentDto, EntryQueryDto } from './dto/commissions.dto';
import { CommissionRulesService } from './rules.service';

/** A ledger row as written; `source_id` + `kind` is unique, so a repeated write inserts nothing. */
interface NewEntry {
  agentId: string;
  regionId: string;
  kind: EntryKind;
  amountCents: number;
  sourceId: string;
  orderId: string | null;
  earnedAt: Date;
  ruleIds?: string[];
  tierId?: string | null;
  description: string;
  detail?: Record<string, unknown>;
  reason?: string | null;
}

export interface EntryRow {
  id: string;
  agent_id: string;
  region_id: string;
  kind: EntryKind;
  amount_cents: string;
  source_id: string;
  order_id: string | null;
  period: string;
  earned_at: Date;
  rule_ids: string[];
  tier_id: string | null;
  rule_description: string;
  detail: { lines?: LineCommission[] };
  reason: string | null;
  created_by_id: string;
  created_by_role: string;
  created_at: Date;
  /** Derived: the statement of the settlement that covers the entry (see `COVERAGE_SQL`). */
  statement_id?: string | null;
  settlement_status?: string | null;
}

/**
 * The settlement (and the agent's statement in it) that covers entries of alias `e`: the first
 * settlement of the entry's region, in drawing order, whose period is not before the entry's and whose
 * watermark reaches its id.
 */
export const ENTRY_COVERAGE_JOIN = (e: string) => `
  LEFT JOIN LATERAL (
    SELECT st.id AS statement_id, s.status AS settlement_status
      FROM (SELECT id, status FROM settlements s
             WHERE s.region_id = ${e}.region_id AND s.period >= ${e}.period AND s.entries_upto >= ${e}.id
             ORDER BY s.seq LIMIT 1) s
      LEFT JOIN settlement_statements st ON st.settlement_id = s.id AND st.agent_id = ${e}.agent_id) cov ON true`;

export function entryView(r: EntryRow): EntryView {
  return {
    id: String(r.id),
    agentId: r.agent_id,
    regionId: r.region_id,
    kind: r.kind,
    amountCents: Number(r.amount_cents),
    sourceId: r.source_id,
    orderId: r.order_id,
    period: r.period,
    earnedAt: r.earned_at,
    ruleIds: r.rule_ids,
    tierId: r.tier_id,
    rule: r.rule_description,
    lines: r.detail.lines ?? null,
    reason: r.reason,
    createdBy: { id: r.created_by_id, role: r.created_by_role },
    createdAt: r.created_at,
    statementId: r.statement_id ?? null,
    locked: r.settlement_status === 'approved' || r.settlement_status === 'paid',
  };
}

/**
 * Every ledger insert first takes its region's settlement lock in shared mode (in the same statement,
 * before its id is drawn); drawing a settlement up takes it exclusively. So when a settlement reads
 * the ledger's highest id as its watermark, no insert of the region with a smaller id is still in
 * flight, and every later one gets a larger id: what the watermark covers can never grow.
 */
export const SETTLEMENT_LOCK_KEY = (regionParam: string) =>
  `hashtext('settlement:' || ${regionParam}::uuid::text)`;
const SHARED_SETTLEMENT_LOCK = (regionParam: string) =>
  `SELECT pg_advisory_xact_lock_shared(${SETTLEMENT_LOCK_KEY(regionParam)})`;

/** Thrown by a consumer when what it depends on is not visible yet; the queue retries it. */
export class NotYetBookedError extends Error {}

/**
 * The append-only commission ledger. Consumers book what the other contexts report (completions,
 * returns, install fees, COD cash) and admins add adjustments; nothing is ever updated or deleted
 * (the table's trigger refuses it), and which settlement took an entry is derived from the
 * settlements' watermarks. Each booking is keyed by its source and kind, so at-least-once delivery
 * books once.
 */
@Injectable()
export class LedgerService {
  private readonly log = new Logger(LedgerService.name);

  constructor(
    private readonly db: Db,
    private readonly orders: OrderService,
    private readonly agents: AgentsService,
    private readonly rules: CommissionRulesService,
    private readonly clock: Clock,
    private readonly audit: AuditService,
  ) {}

  /**
   * An order completed: its attributed agent earns the commission of its lines under the rules valid
   * at completion, plus the region's tier bonus for the order's rank among the agent's completed
   * orders of that month. The rank is counted under a lock per (agent, month), so two completions
   * processed at once get ranks n and n+1. Returns the entry, or null when there is nothing to book.
   */
  async bookOrderCommission(
    ctx: RequestContext,
    facts: { orderId: string; agentId: string | null; regionId: string },
  ): Promise<EntryView | null> {
    if (!facts.agentId) return null;
    const agentId = facts.agentId;
    return this.db.transaction(ctx, async (tx) => {
      const existing = await this.findEntry(tx, facts.orderId, 'order_commission');
      if (existing) return existing;
      const order = await this.orders.find(tx.asSystem(), facts.orderId);
      if (!order?.completedAt) {
        this.log.warn(`order ${facts.orderId} has no completion time; no commission booked`);
        return null;
      }
      const at = order.completedAt;
      const period = shanghaiPeriod(at);
      await this.db.query(tx, `SELECT pg_advisory_xact_lock(hashtext($1))`, [
        `commission:${agentId}:${period}`,
      ]);
      const [count] = await this.db.query<{ n: number }>(
        tx,
        `SELECT count(*)::int AS n FROM commission_entries
          WHERE agent_id = $1 AND period = $2 AND kind = 'order_commission'`,
        [agentId, period],
      );
      const lines = await this.orders.linesWithCategory(tx, facts.orderId);
      const rules = await this.rules.rulesFor(
        tx,
        [...new Set(lines.map((l) => l.sku))],
        [...new Set(lines.map((l) => l.category))],
      );
      const tiers = await this.rules.tiersOf(tx, order.regionId);
      const c = orderCommission({ lines, rules, tiers, rank: count.n + 1, at });
      const entry = await this.insert(tx, {
        agentId,
        regionId: order.regionId,
        kind: 'order_commission',
        amountCents: c.amountCents,
        sourceId: facts.orderId,
        orderId: facts.orderId,
        earnedAt: at,
        ruleIds: c.ruleIds,
        tierId: c.tierId,
        description: `order ${order.number}: ${c.description}`,
        detail: { rank: c.rank, lines: c.lines },
      });
      // Lines returned before this booking ran are reversed now (their own events found no commission).
      await this.bookPartialReversals(tx, facts.orderId);
      return entry;
    });
  }

  /**
   * A completed order was returned: its commission is reversed, exactly the amount booked, for the same
   * agent, in the month of the return (a settled commission is thus clawed back in a later statement).
   * If the commission is not visible yet (its job is still running), this throws so the queue retries.
   */
  async bookReversal(
    ctx: RequestContext,
    facts: { orderId: string; agentId: string | null; reason: string | null },
  ): Promise<EntryView | null> {
    return this.db.transaction(ctx, async (tx) => {
      await this.lockReversals(tx, facts.orderId);
      const existing = await this.findEntry(tx, facts.orderId, 'reversal');
      if (existing) return existing;
      const earned = await this.findEntry(tx, facts.orderId, 'order_commission');
      if (!earned) {
        if (!facts.agentId) return null;
        throw new NotYetBookedError(`the commission of order ${facts.orderId} is not booked yet`);
      }
      const order = await this.orders.find(tx.asSystem(), facts.orderId);
      const at = order?.returnedAt ?? this.clock.now();
      // Lines returned earlier were reversed on their own (keyed by their return): only the rest is
      // reversed now, so the reversals of an order never exceed what it earned.
      const [partial] = await this.db.query<{ total: string }>(
        tx,
        `SELECT COALESCE(sum(amount_cents), 0) AS total FROM commission_entries
          WHERE order_id = $1 AND kind = 'reversal' AND source_id <> $1`,
        [facts.orderId],
      );
      const left = earned.amountCents + Number(partial.total);
      return this.insert(tx, {
        agentId: earned.agentId,
        regionId: earned.regionId,
        kind: 'reversal',
        amountCents: -Math.max(left, 0),
        sourceId: facts.orderId,
        orderId: facts.orderId,
        earnedAt: at,
        ruleIds: earned.ruleIds,
        tierId: earned.tierId,
        description: `return of order ${order?.number ?? facts.orderId}: reverses entry ${earned.id}`,
        detail: { reverses: earned.id, earlierPartialCents: Number(partial.total) },
        reason: facts.reason,
      });
    });
  }

  /**
   * Some lines of an order came back (`order.lines_returned`), or its commission was just booked:
   * every partial return of the order not reversed yet gets its reversal — for those lines only, the
   * returned units' share of each line's commission (cumulative proration, rounded half-up once, so
   * the parts of a line add up exactly) — keyed by the return, so a replay books nothing. Nothing
   * while the commission is not booked (its booking catches up) or once the whole order was reversed
   * (that reversal took what was left). Under the order's reversal lock, like the whole reversal.
   */
  async bookPartialReversals(ctx: RequestContext, orderId: string): Promise<EntryView[]> {
    return this.db.transaction(ctx, async (tx) => {
      await this.lockReversals(tx, orderId);
      const earned = await this.findEntry(tx, orderId, 'order_commission');
      if (!earned || !earned.lines) return [];
      if (await this.findEntry(tx, orderId, 'reversal')) return [];
      const out: EntryView[] = [];
      for (const r of await this.orders.lineReturns(tx.asSystem(), orderId)) {
        if (r.fullyReturned) continue;
        const c = partialReversal(earned.lines, r.lines);
        if (c.amountCents <= 0) continue;
        const entry = await this.insert(tx, {
          agentId: earned.agentId,
          regionId: earned.regionId,
          kind: 'reversal',
          amountCents: -c.amountCents,
          sourceId: r.returnId,
          orderId,
          earnedAt: r.at,
          ruleIds: earned.ruleIds,
          tierId: earned.tierId,
          description: `partial return ${r.returnId} of order ${orderId}: reverses part of entry ${earned.id}`,
          detail: { reverses: earned.id, returnId: r.returnId, lines: c.lines },
          reason: 'partial return',
        });
        if (entry) out.push(entry);
      }
      return out;
    });
  }

  /** Reversals of one order are decided one at a time (partial ones and the whole one). */
  private async lockReversals(tx: RequestContext, orderId: string): Promise<void> {
    await this.db.query(tx, `SELECT pg_advisory_xact_lock(hashtext($1))`, [`reversal:${orderId}`]);
  }

  /** A task was done: its fee is the agent's (nothing for a task without a fee). */
  async bookInstallFee(ctx: RequestContext, t: EventPayloads['task.completed']): Promise<EntryView | null> {
    if (t.installFeeCents <= 0) return null;
    return this.insert(ctx, {
      agentId: t.agentId,
      regionId: t.regionId,
      kind: 'install_fee',
      amountCents: t.installFeeCents,
      sourceId: t.taskId,
      orderId: t.orderId,
      earnedAt: new Date(t.completedAt),
      description: `${t.kind} task ${t.taskId}: fee ${t.installFeeCents}`,
      detail: { taskId: t.taskId, kind: t.kind },
    });
  }

  /** Cash collected on delivery, held by an agent (or a pickup point) until a settlement clears it. */
  async recordCod(ctx: RequestContext, c: EventPayloads['cod.collected']): Promise<void> {
    const at = new Date(c.collectedAt);
    await this.db.query(
      ctx,
      `WITH settling AS MATERIALIZED (${SHARED_SETTLEMENT_LOCK('$4')})
       INSERT INTO commission_cod (order_id, agent_id, pickup_point_id, region_id, amount_cents, collected_at, period)
       SELECT $1, $2, $3, $4, $5, $6, $7 FROM settling ON CONFLICT (order_id) DO NOTHING`,
      [
        c.orderId,
        c.agentId,
        c.agentId ? null : c.pickupPointId,
        c.regionId,
        c.amountCents,
        at,
        shanghaiPeriod(at),
      ],
    );
  }

  /**
   * A cash refund owed to a customer by the holder of the COD cash (`refund.cash_owed`): counted in the
   * holder agent's next statement (it reduces what they owe) until a paid settlement clears it.
   * Pickup-point refunds are kept too but belong to no agent statement. Replays insert nothing.
   */
  async recordCashRefund(ctx: RequestContext, r: EventPayloads['refund.cash_owed']): Promise<void> {
    const at = new Date(r.owedAt);
    await this.db.query(
      ctx,
      `WITH settling AS MATERIALIZED (${SHARED_SETTLEMENT_LOCK('$5')})
       INSERT INTO commission_cash_refunds (refund_id, order_id, agent_id, pickup_point_id, region_id, amount_cents,
         owed_at, period)
       SELECT $1, $2, $3, $4, $5, $6, $7, $8 FROM settling ON CONFLICT (refund_id) DO NOTHING`,
      [
        r.refundId,
        r.orderId,
        r.agentId,
        r.agentId ? null : r.pickupPointId,
        r.regionId,
        r.amountCents,
        at,
        shanghaiPeriod(at),
      ],
    );
  }

  /** An admin's correction: a new signed entry for the agent in the current month, with a reason. */
  async adjust(ctx: RequestContext, dto: CreateAdjustmentDto): Promise<EntryView> {
    if (dto.amountCents === 0) throw ValidationError.field('amountCents', 'must not be zero');
    const agent = await this.agents.get(ctx, dto.agentId);
    return this.db.transaction(ctx, async (tx) => {
      const entry = (await this.insert(tx, {
        agentId: agent.id,
        regionId: agent.regionId,
        kind: 'adjustment',
        amountCents: dto.amountCents,
        sourceId: randomUUID(),
        orderId: null,
        earnedAt: this.clock.now(),
        description: `adjustment by ${ctx.principal.username ?? ctx.actorId}`,
        reason: dto.reason,
      }))!;
      await this.audit.record(tx, {
        action: 'commission.adjust',
        entityType: 'commission_entry',
        entityId: entry.id,
        regionId: agent.regionId,
        after: { agentId: agent.id, amountCents: dto.amountCents, reason: dto.reason, period: entry.period },
      });
      return entry;
    });
  }

  /** Entries in the caller's scope (agents their own, managers their region's), newest first. */
  async list(ctx: RequestContext, q: EntryQueryDto): Promise<Page<EntryView>> {
    const params = new SqlParams();
    const where = [entryScopeSql(ctx, 'e', params)];
    if (q.agentId) {
      let agentId = q.agentId;
      if (agentId === 'me') {
        if (!ctx.principal.agentId) throw ValidationError.field('agentId', '"me" is only for agents');
        agentId = ctx.principal.agentId;
      }
      where.push(`e.agent_id = ${params.add(agentId)}`);
    }
    if (q.period) where.push(`e.period = ${params.add(q.period)}`);
    if (q.kind) where.push(`e.kind = ${params.add(q.kind)}`);
    if (q.cursor) {
      const [id] = decodeCursor(q.cursor, ['string']);
      if (!/^\d{1,18}$/.test(String(id)))
        throw ValidationError.field('cursor', 'is not a cursor this API issued');
      where.push(`e.id < ${params.add(id)}::bigint`);
    }
    const limit = q.limit ?? DEFAULT_PAGE_SIZE;
    const rows = await this.db.query<EntryRow>(
      ctx,
      `SELECT e.*, cov.statement_id, cov.settlement_status
         FROM commission_entries e ${ENTRY_COVERAGE_JOIN('e')}
        WHERE ${where.join(' AND ')} ORDER BY e.id DESC LIMIT ${limit + 1}`,
      params.values,
    );
    const page = toPage(rows, limit, (r) => [String(r.id)]);
    return { ...page, items: page.items.map(entryView) };
  }

  /**
   * An agent's money for a month: the entries of that month by kind, and the COD cash they hold now
   * (collected and not yet cleared by a paid settlement). Agents see only themselves (else 404),
   * managers their region's agents.
   */
  async earnings(ctx: RequestContext, agentId: string, period?: string): Promise<EarningsView> {
    await this.agents.get(ctx, agentId);
    const p = period ?? shanghaiPeriod(this.clock.now());
    const [row] = await this.db.query<{
      commission: string;
      reversal: string;
      install_fee: string;
      adjustment: string;
      n: number;
      cod: string;
      refunds: string;
    }>(
      ctx,
      `SELECT COALESCE(sum(amount_cents) FILTER (WHERE kind = 'order_commission'), 0) AS commission,
              COALESCE(sum(amount_cents) FILTER (WHERE kind = 'reversal'), 0) AS reversal,
              COALESCE(sum(amount_cents) FILTER (WHERE kind = 'install_fee'), 0) AS install_fee,
              COALESCE(sum(amount_cents) FILTER (WHERE kind = 'adjustment'), 0) AS adjustment,
              count(*)::int AS n,
              (SELECT COALESCE(sum(amount_cents), 0) FROM commission_cod
                WHERE agent_id = $1 AND cleared_at IS NULL) AS cod,
              (SELECT COALESCE(sum(amount_cents), 0) FROM commission_cash_refunds
                WHERE agent_id = $1 AND cleared_at IS NULL) AS refunds
         FROM commission_entries WHERE agent_id = $1 AND period = $2`,
      [agentId, p],
    );
    const totals = {
      commissionCents: Number(row.commission),
      reversalCents: Number(row.reversal),
      installFeeCents: Number(row.install_fee),
      adjustmentCents: Number(row.adjustment),
      codHeldCents: Number(row.cod),
      cashRefundsCents: Number(row.refunds),
    };
    return {
      agentId,
      period: p,
      ...totals,
      netCents:
        totals.commissionCents +
        totals.reversalCents +
        totals.installFeeCents +
        totals.adjustmentCents -
        totals.codHeldCents +
        totals.cashRefundsCents,
      entryCount: row.n,
    };
  }

  /**
   * The COD cash of an agent that paid settlements took (`cleared_at`): what the agent has handed in;
   * and the cash refunds those settlements credited back to the agent (the agent keeps that cash to
   * pay the customers). With `orderIds`, which of those orders' cash it was. The caller checks scope.
   */
  async codSettled(
    ctx: RequestContext,
    agentId: string,
    orderIds: string[] = [],
  ): Promise<{ settledCents: number; settledRefundsCents: number; settledOrderIds: string[] }> {
    const [row] = await this.db.query<{ settled: string; refunds: string; orders: string[] }>(
      ctx,
      `SELECT COALESCE(sum(amount_cents) FILTER (WHERE cleared_at IS NOT NULL), 0) AS settled,
              COALESCE(array_agg(order_id) FILTER (WHERE cleared_at IS NOT NULL AND order_id = ANY($2::uuid[])), '{}') AS orders,
              (SELECT COALESCE(sum(amount_cents), 0) FROM commission_cash_refunds
                WHERE agent_id = $1 AND cleared_at IS NOT NULL) AS refunds
         FROM commission_cod WHERE agent_id = $1`,
      [agentId, orderIds],
    );
    return {
      settledCents: Number(row.settled),
      settledRefundsCents: Number(row.refunds),
      settledOrderIds: row.orders,
    };
  }

  private async findEntry(ctx: RequestContext, sourceId: string, kind: EntryKind): Promise<EntryView | null> {
    const rows = await this.db.query<EntryRow>(
      ctx,
      `SELECT e.*, cov.statement_id, cov.settlement_status
         FROM commission_entries e ${ENTRY_COVERAGE_JOIN('e')} WHERE e.source_id = $1 AND e.kind = $2`,
      [sourceId, kind],
    );
    return rows[0] ? entryView(rows[0]) : null;
  }

  /** Inserts an entry unless its (source, kind) exists; returns the entry either way. */
  private async insert(ctx: RequestContext, e: NewEntry): Promise<EntryView | null> {
    const rows = await this.db.query<EntryRow>(
      ctx,
      `WITH settling AS MATERIALIZED (${SHARED_SETTLEMENT_LOCK('$2')})
       INSERT INTO commission_entries (agent_id, region_id, kind, amount_cents, source_id, order_id, period, earned_at,
         rule_ids, tier_id, rule_description, detail, reason, created_by_id, created_by_role)
       SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9::uuid[], $10, $11, $12::jsonb, $13, $14, $15 FROM settling
       ON CONFLICT (source_id, kind) DO NOTHING
       RETURNING *`,
      [
        e.agentId,
        e.regionId,
        e.kind,
        e.amountCents,
        e.sourceId,
        e.orderId,
        shanghaiPeriod(e.earnedAt),
        e.earnedAt,
        e.ruleIds ?? [],
        e.tierId ?? null,
        e.description,
        JSON.stringify(e.detail ?? {}),
        e.reason ?? null,
        ctx.actorId,
        ctx.role,
      ],
    );
    return rows[0] ? entryView(rows[0]) : this.findEntry(ctx, e.sourceId, e.kind);
  }
}
