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
import { Db } from '@campus/database';
import { AgentsService } from '@campus/network';
import { OrderService } from '@campus/orders';
import type { EventPayloads } from '@campus/queue';
import { orderCommission, partialReversal } from './commission-policy';
import { EarningsView, EntryKind, EntryView } from './commission.types';
import { CreateAdjustmentDto, EntryQueryDto } from './dto/commissions.dto';
import { EntryRow, LedgerRepository, NewEntry } from './ledger.repository';
import { CommissionRulesService } from './rules.service';

export { ENTRY_COVERAGE_JOIN, SETTLEMENT_LOCK_KEY } from './ledger.repository';
export type { EntryRow } from './ledger.repository';

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
    private readonly ledger: LedgerRepository,
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
      await this.ledger.lockAgentMonth(tx, agentId, period);
      const earlier = await this.ledger.countOrderCommissions(tx, agentId, period);
      const lines = await this.orders.linesWithCategory(tx, facts.orderId);
      const rules = await this.rules.rulesFor(
        tx,
        [...new Set(lines.map((l) => l.sku))],
        [...new Set(lines.map((l) => l.category))],
      );
      const tiers = await this.rules.tiersOf(tx, order.regionId);
      const c = orderCommission({ lines, rules, tiers, rank: earlier + 1, at });
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
      await this.ledger.lockReversals(tx, facts.orderId);
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
      const partial = await this.ledger.partialReversalsTotal(tx, facts.orderId);
      const left = earned.amountCents + partial;
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
        detail: { reverses: earned.id, earlierPartialCents: partial },
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
      await this.ledger.lockReversals(tx, orderId);
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
    await this.ledger.insertCod(ctx, c);
  }

  /**
   * A cash refund owed to a customer by the holder of the COD cash (`refund.cash_owed`): counted in the
   * holder agent's next statement (it reduces what they owe) until a paid settlement clears it.
   * Pickup-point refunds are kept too but belong to no agent statement. Replays insert nothing.
   */
  async recordCashRefund(ctx: RequestContext, r: EventPayloads['refund.cash_owed']): Promise<void> {
    await this.ledger.insertCashRefund(ctx, r);
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
    let agentId = q.agentId;
    if (agentId === 'me') {
      if (!ctx.principal.agentId) throw ValidationError.field('agentId', '"me" is only for agents');
      agentId = ctx.principal.agentId;
    }
    let beforeId: string | undefined;
    if (q.cursor) {
      const [id] = decodeCursor(q.cursor, ['string']);
      if (!/^\d{1,18}$/.test(String(id)))
        throw ValidationError.field('cursor', 'is not a cursor this API issued');
      beforeId = String(id);
    }
    const limit = q.limit ?? DEFAULT_PAGE_SIZE;
    const rows = await this.ledger.list(ctx, { agentId, period: q.period, kind: q.kind, beforeId }, limit);
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
    const row = await this.ledger.earnings(ctx, agentId, p);
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
    const row = await this.ledger.codSettled(ctx, agentId, orderIds);
    return {
      settledCents: Number(row.settled),
      settledRefundsCents: Number(row.refunds),
      settledOrderIds: row.orders,
    };
  }

  private async findEntry(ctx: RequestContext, sourceId: string, kind: EntryKind): Promise<EntryView | null> {
    const row = await this.ledger.findEntry(ctx, sourceId, kind);
    return row ? entryView(row) : null;
  }

  /** Inserts an entry unless its (source, kind) exists; returns the entry either way. */
  private async insert(ctx: RequestContext, e: NewEntry): Promise<EntryView | null> {
    const row = await this.ledger.insert(ctx, e);
    return row ? entryView(row) : this.findEntry(ctx, e.sourceId, e.kind);
  }
}
