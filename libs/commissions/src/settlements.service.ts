import { Injectable } from '@nestjs/common';
import { AuditService } from '@campus/audit';
import {
  BusinessRuleError,
  Clock,
  decodeCursor,
  DEFAULT_PAGE_SIZE,
  IllegalTransitionError,
  NotFoundError,
  Page,
  RequestContext,
  shanghaiPeriod,
  toPage,
} from '@campus/core';
import { Db } from '@campus/database';
import { NetworkService } from '@campus/network';
import {
  IntegrityReport,
  MoneyTotals,
  SettlementView,
  StatementLinesView,
  StatementView,
} from './commission.types';
import { FourEyesRequiredError, SettlementExistsError, SettlementNotLatestError } from './commissions.errors';
import { SettlementQueryDto } from './dto/commissions.dto';
import { entryView } from './ledger.service';
import { settlementCsv } from './settlement-csv';
import { MoneyRow, SettlementRepository, SettlementRow, StatementRow } from './settlement.repository';

export { coveredBySql } from './settlement.repository';

const moneyOf = (r: MoneyRow): MoneyTotals => ({
  commissionCents: Number(r.commission_cents),
  reversalCents: Number(r.reversal_cents),
  installFeeCents: Number(r.install_fee_cents),
  adjustmentCents: Number(r.adjustment_cents),
  codHeldCents: Number(r.cod_held_cents),
  cashRefundsCents: Number(r.cash_refunds_cents),
  netCents: Number(r.net_cents),
});

const statementView = (r: StatementRow): StatementView => ({
  id: r.id,
  agentId: r.agent_id,
  agentName: r.agent_name,
  campusName: r.campus_name,
  ...moneyOf(r),
  entryCount: r.entry_count,
});

export function totalsOf(statements: readonly MoneyTotals[]): MoneyTotals {
  const t: MoneyTotals = {
    commissionCents: 0,
    reversalCents: 0,
    installFeeCents: 0,
    adjustmentCents: 0,
    codHeldCents: 0,
    cashRefundsCents: 0,
    netCents: 0,
  };
  for (const s of statements) {
    t.commissionCents += s.commissionCents;
    t.reversalCents += s.reversalCents;
    t.installFeeCents += s.installFeeCents;
    t.adjustmentCents += s.adjustmentCents;
    t.codHeldCents += s.codHeldCents;
    t.cashRefundsCents += s.cashRefundsCents;
    t.netCents += s.netCents;
  }
  return t;
}

const settlementHead = (s: SettlementRow) => ({
  id: s.id,
  regionId: s.region_id,
  period: s.period,
  status: s.status,
  createdAt: s.created_at,
  approvedAt: s.approved_at,
  paidAt: s.paid_at,
  paymentReference: s.payment_reference,
  createdById: s.created_by_id,
  approvedById: s.approved_by_id,
});

/**
 * Monthly settlement of a region, claimed by watermark: a draft records the highest ledger ids it
 * covers (`entries_upto`, `cod_upto`), read under the region's settlement lock that every ledger insert
 * takes in shared mode; it takes every entry of the region up to the month (late entries of earlier
 * months roll in) that no earlier settlement covers, one statement per agent, in one statement that
 * reads the ledger once — nothing is written to the ledger. Approval is four-eyes: not by whoever drew
 * the settlement up, unless an admin. Approved statements are immutable: the ledger refuses any change,
 * and any insert below a watermark. Payment clears the COD cash settled. Managers act on their own
 * region only (another region is 404). Every move is in the audit log.
 */
@Injectable()
export class SettlementsService {
  constructor(
    private readonly db: Db,
    private readonly repo: SettlementRepository,
    private readonly network: NetworkService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  /**
   * Creates the draft for (region, period): 409 if one exists; a period after the current month is
   * 422. Under the region's settlement lock: the settlement row with its watermarks, then one
   * statement that aggregates what it covers per agent and writes the agents' statements.
   */
  async create(ctx: RequestContext, regionId: string, period: string): Promise<SettlementView> {
    await this.network.regionInScope(ctx, regionId);
    const current = shanghaiPeriod(this.clock.now());
    if (period > current) {
      throw new BusinessRuleError(
        'period_not_started',
        `Period ${period} has not started (it is ${current})`,
        {
          period,
          currentPeriod: current,
        },
      );
    }
    const id = await this.db.transaction(ctx, async (tx) => {
      await this.repo.lockRegion(tx, regionId);
      const created = await this.repo.insertDraft(tx, regionId, period, ctx.actorId);
      if (!created) {
        throw new SettlementExistsError(regionId, period, (await this.repo.idOf(tx, regionId, period))!);
      }
      await this.repo.writeStatements(tx, created, regionId, period);
      const sum = await this.repo.statementTotals(tx, created.id);
      await this.audit.record(tx, {
        action: 'settlement.create',
        entityType: 'settlement',
        entityId: created.id,
        regionId,
        after: {
          period,
          status: 'draft',
          statements: sum.statements,
          netCents: sum.net_cents,
          entriesUpTo: Number(created.entries_upto),
          codUpTo: Number(created.cod_upto),
          refundsUpTo: Number(created.refunds_upto),
        },
      });
      return created.id;
    });
    return this.get(ctx, id);
  }

  /** Settlements in scope (managers their region's), newest first, with their totals (no statements). */
  async list(ctx: RequestContext, q: SettlementQueryDto): Promise<Page<Omit<SettlementView, 'statements'>>> {
    const limit = q.limit ?? DEFAULT_PAGE_SIZE;
    const before = q.cursor ? (decodeCursor(q.cursor, ['string', 'string']) as [string, string]) : undefined;
    const rows = await this.repo.list(
      ctx,
      { regionId: q.regionId, period: q.period, status: q.status, before },
      limit,
    );
    const page = toPage(rows, limit, (r) => [r.cursor_at, r.id]);
    return { ...page, items: page.items.map((r) => ({ ...settlementHead(r), totals: moneyOf(r) })) };
  }

  async get(ctx: RequestContext, id: string): Promise<SettlementView> {
    const s = await this.find(ctx, id);
    const statements = (await this.repo.statements(ctx, id)).map(statementView);
    return { ...settlementHead(s), statements, totals: totalsOf(statements) };
  }

  /**
   * draft → approved: the statements are final (the ledger refuses any change to what they cover).
   * Four eyes: whoever drew the settlement up may not approve it, unless an admin (422
   * `four_eyes_required`). The move is a conditional update, so of two approvals at once exactly one
   * succeeds; the other is 409 with the current status.
   */
  async approve(ctx: RequestContext, id: string): Promise<SettlementView> {
    await this.db.transaction(ctx, async (tx) => {
      const s = await this.find(tx, id);
      if (s.created_by_id === ctx.actorId && !ctx.is('admin')) throw new FourEyesRequiredError(id);
      if (!(await this.repo.approve(tx, id, ctx.actorId, ctx.role))) await this.refuse(tx, id, 'approve');
      await this.audit.record(tx, {
        action: 'settlement.approve',
        entityType: 'settlement',
        entityId: id,
        regionId: s.region_id,
        before: { period: s.period, status: 'draft', createdById: s.created_by_id },
        after: { period: s.period, status: 'approved', approvedById: ctx.actorId },
      });
    });
    return this.get(ctx, id);
  }

  /**
   * Discards a draft made too early or by mistake: what it covered is unsettled again (the next draft
   * takes it) and the region's month can be drafted anew. Only a draft (approved or paid: 409
   * `illegal_transition`), and only the region's latest settlement (409 `settlement_not_latest`): a
   * later one was drawn up around what this one covers. The row is locked first, so a concurrent
   * approval either wins (this is then 409) or finds nothing to approve.
   */
  async discard(ctx: RequestContext, id: string): Promise<void> {
    await this.db.transaction(ctx, async (tx) => {
      const s = await this.find(tx, id);
      await this.repo.lockRegion(tx, s.region_id);
      const row = await this.repo.lockWithLater(tx, id);
      if (!row) throw new NotFoundError('settlement', id);
      if (row.status !== 'draft') throw new IllegalTransitionError('settlement', row.status, 'discard');
      if (row.later) throw new SettlementNotLatestError(id);
      await this.repo.delete(tx, id);
      await this.audit.record(tx, {
        action: 'settlement.discard',
        entityType: 'settlement',
        entityId: id,
        regionId: s.region_id,
        before: { period: s.period, status: 'draft' },
        after: null,
      });
    });
  }

  /** approved → paid (admin): records the payment and clears the COD cash the statements settled. */
  async markPaid(ctx: RequestContext, id: string, paymentReference?: string): Promise<SettlementView> {
    await this.db.transaction(ctx, async (tx) => {
      const s = await this.find(tx, id);
      const moved = await this.repo.markPaid(tx, id, ctx.actorId, paymentReference ?? null);
      if (!moved) await this.refuse(tx, id, 'mark_paid');
      await this.audit.record(tx, {
        action: 'settlement.mark_paid',
        entityType: 'settlement',
        entityId: id,
        regionId: s.region_id,
        before: { period: s.period, status: 'approved' },
        after: { period: s.period, status: 'paid', paymentReference: paymentReference ?? null },
      });
      await this.repo.clearCovered(tx, s);
    });
    return this.get(ctx, id);
  }

  /** The settlement as CSV for finance: UTF-8 with a BOM, one row per agent, a totals row. */
  async exportCsv(ctx: RequestContext, id: string): Promise<{ filename: string; body: string }> {
    const s = await this.get(ctx, id);
    const code = await this.repo.regionCode(ctx, s.regionId);
    return { filename: `settlement-${code}-${s.period}.csv`, body: settlementCsv(s, code) };
  }

  /**
   * One agent's statement with its lines (entries and COD cash). Managers and admins within scope; an
   * agent sees only their own statement (another agent's is 404).
   */
  async statement(ctx: RequestContext, id: string, agentId: string): Promise<StatementLinesView> {
    const s = await this.repo.find(ctx, id);
    const row = await this.repo.statementInScope(ctx, id, agentId);
    if (!s || !row) throw new NotFoundError('statement');
    const { entries, cod, refunds } = await this.repo.statementLines(ctx, s, agentId, row.id);
    return {
      settlementId: s.id,
      period: s.period,
      status: s.status,
      statement: statementView(row),
      entries: entries.map(entryView),
      cod: cod.map((c) => ({
        id: String(c.id),
        orderId: c.order_id,
        amountCents: Number(c.amount_cents),
        collectedAt: c.collected_at,
        period: c.period,
      })),
      cashRefunds: refunds.map((r) => ({
        refundId: r.refund_id,
        orderId: r.order_id,
        amountCents: Number(r.amount_cents),
        owedAt: r.owed_at,
        period: r.period,
      })),
    };
  }

  /**
   * Verifies the settlements of a period against the ledger: each statement's stored totals equal the
   * sums of the entries and COD rows its settlement covers for that agent (and every covered row of
   * an agent has a statement), so Σ statements = Σ entries settled − COD; COD is cleared exactly when
   * its settlement is paid. Which settlement covers a row is derived from the watermarks, so a row is
   * in one settlement by construction; the ledger's trigger keeps anything from joining a range later.
   */
  async integrity(ctx: RequestContext, period: string): Promise<IntegrityReport> {
    const problems: string[] = [];
    const compared = await this.repo.compareWithLedger(ctx, period);
    for (const m of compared.filter((r) => r.what !== '')) {
      problems.push(
        m.statement_id
          ? `statement ${m.statement_id} (agent ${m.agent_id}): ${m.what} differ from its lines`
          : `settlement ${m.settlement_id} covers rows of agent ${m.agent_id} but has ${m.what}`,
      );
    }
    for (const m of await this.repo.misCleared(ctx, period)) problems.push(`${m.id} is ${m.why}`);
    const sum = await this.repo.periodSums(ctx, period);
    const entries = compared.reduce((n, r) => n + r.n, 0);
    const entriesNet = compared.reduce((n, r) => n + Number(r.derived_net), 0);
    if (Number(sum.net) !== entriesNet) {
      problems.push(`statements net ${sum.net} ≠ entries settled minus COD plus cash refunds ${entriesNet}`);
    }
    if (sum.links !== entries) {
      problems.push(`statements count ${sum.links} entries but ${entries} entries are settled`);
    }
    return {
      period,
      ok: problems.length === 0,
      settlements: sum.settlements,
      statements: sum.statements,
      entries,
      statementsNetCents: Number(sum.net),
      entriesNetCents: entriesNet,
      problems,
    };
  }

  private async find(ctx: RequestContext, id: string): Promise<SettlementRow> {
    const row = await this.repo.findInScope(ctx, id);
    if (!row) throw new NotFoundError('settlement', id);
    return row;
  }

  private async refuse(ctx: RequestContext, id: string, action: string): Promise<never> {
    throw new IllegalTransitionError('settlement', await this.repo.status(ctx, id), action);
  }
}
