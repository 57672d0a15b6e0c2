import { Injectable } from '@nestjs/common';
import { AuditService } from '@campus/audit';
import {
  BusinessRuleError,
  Clock,
  decodeCursor,
  IllegalTransitionError,
  NotFoundError,
  Page,
  RequestContext,
  shanghaiPeriod,
  toPage,
} from '@campus/core';
import { Db } from '@campus/database';
import { NetworkService } from '@campus/network';
import { entryScopeSql, settlementScopeSql } from './commission-scope';
import {
  IntegrityReport,
  MoneyTotals,
  SettlementStatus,
  SettlementView,
  StatementLinesView,
  StatementView,
} from './commission.types';
import { SettlementExistsError } from './commissions.errors';
import { SettlementQueryDto } from './dto/commissions.dto';
import { EntryRow, entryView } from './ledger.service';
import { settlementCsv } from './settlement-csv';

interface SettlementRow {
  id: string;
  region_id: string;
  period: string;
  status: SettlementStatus;
  created_at: Date;
  approved_at: Date | null;
  paid_at: Date | null;
  payment_reference: string | null;
}

interface StatementRow extends MoneyRow {
  id: string;
  agent_id: string;
  agent_name: string;
  campus_name: string;
  entry_count: number;
}

interface MoneyRow {
  commission_cents: string;
  reversal_cents: string;
  install_fee_cents: string;
  adjustment_cents: string;
  cod_held_cents: string;
  cash_refunds_cents: string;
  net_cents: string;
}

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

/**
 * Monthly settlement of a region: a draft takes every unsettled entry of the region up to the month
 * (late entries of earlier months roll in) and the COD cash collected up to the month, one statement
 * per agent; approval locks the entries (the table's trigger refuses any later change); payment clears
 * the COD cash settled. Managers act on their own region only (another region is 404).
 */
@Injectable()
export class SettlementsService {
  constructor(
    private readonly db: Db,
    private readonly network: NetworkService,
    private readonly clock: Clock,
    private readonly audit: AuditService,
  ) {}

  /**
   * Creates the draft for (region, period): 409 if one exists; a period after the current month is
   * 422. Everything happens in set-based statements (no per-agent round trips), under a lock per
   * region so two drafts of one region never race for the same entries.
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
      await this.db.query(tx, `SELECT pg_advisory_xact_lock(hashtext($1))`, [`settlement:${regionId}`]);
      const [created] = await this.db.query<{ id: string }>(
        tx,
        `INSERT INTO settlements (region_id, period, created_by_id) VALUES ($1, $2, $3)
         ON CONFLICT (region_id, period) DO NOTHING RETURNING id`,
        [regionId, period, ctx.actorId],
      );
      if (!created) {
        const [existing] = await this.db.query<{ id: string }>(
          tx,
          `SELECT id FROM settlements WHERE region_id = $1 AND period = $2`,
          [regionId, period],
        );
        throw new SettlementExistsError(regionId, period, existing.id);
      }
      await this.db.query(
        tx,
        `INSERT INTO settlement_statements (settlement_id, agent_id, agent_name, campus_name)
         SELECT $1, x.agent_id, a.display_name, c.name
           FROM (SELECT agent_id FROM commission_entries
                  WHERE region_id = $2 AND period <= $3 AND statement_id IS NULL
                 UNION
                 SELECT agent_id FROM commission_cod
                  WHERE region_id = $2 AND period <= $3 AND statement_id IS NULL AND agent_id IS NOT NULL
                 UNION
                 SELECT agent_id FROM commission_cash_refunds
                  WHERE region_id = $2 AND period <= $3 AND statement_id IS NULL AND agent_id IS NOT NULL) x
           JOIN agents a ON a.id = x.agent_id JOIN campuses c ON c.id = a.campus_id`,
        [created.id, regionId, period],
      );
      await this.db.query(
        tx,
        `UPDATE commission_entries e SET statement_id = s.id
           FROM settlement_statements s
          WHERE s.settlement_id = $1 AND e.agent_id = s.agent_id
            AND e.region_id = $2 AND e.period <= $3 AND e.statement_id IS NULL`,
        [created.id, regionId, period],
      );
      await this.db.query(
        tx,
        `UPDATE commission_cod d SET statement_id = s.id
           FROM settlement_statements s
          WHERE s.settlement_id = $1 AND d.agent_id = s.agent_id
            AND d.region_id = $2 AND d.period <= $3 AND d.statement_id IS NULL`,
        [created.id, regionId, period],
      );
      await this.db.query(
        tx,
        `UPDATE commission_cash_refunds d SET statement_id = s.id
           FROM settlement_statements s
          WHERE s.settlement_id = $1 AND d.agent_id = s.agent_id
            AND d.region_id = $2 AND d.period <= $3 AND d.statement_id IS NULL`,
        [created.id, regionId, period],
      );
      await this.db.query(
        tx,
        `UPDATE settlement_statements s SET
            commission_cents = t.commission, reversal_cents = t.reversal, install_fee_cents = t.install_fee,
            adjustment_cents = t.adjustment, cod_held_cents = t.cod, cash_refunds_cents = t.refunds, entry_count = t.n,
            net_cents = t.commission + t.reversal + t.install_fee + t.adjustment - t.cod + t.refunds
           FROM (SELECT s2.id,
                        COALESCE(e.commission, 0) AS commission, COALESCE(e.reversal, 0) AS reversal,
                        COALESCE(e.install_fee, 0) AS install_fee, COALESCE(e.adjustment, 0) AS adjustment,
                        COALESCE(e.n, 0) AS n, COALESCE(d.cod, 0) AS cod, COALESCE(cr.refunds, 0) AS refunds
                   FROM settlement_statements s2
                   LEFT JOIN (SELECT statement_id,
                                     sum(amount_cents) FILTER (WHERE kind = 'order_commission') AS commission,
                                     sum(amount_cents) FILTER (WHERE kind = 'reversal') AS reversal,
                                     sum(amount_cents) FILTER (WHERE kind = 'install_fee') AS install_fee,
                                     sum(amount_cents) FILTER (WHERE kind = 'adjustment') AS adjustment,
                                     count(*)::int AS n
                                FROM commission_entries e
                                JOIN settlement_statements s3 ON s3.id = e.statement_id AND s3.settlement_id = $1
                               GROUP BY statement_id) e ON e.statement_id = s2.id
                   LEFT JOIN (SELECT statement_id, sum(amount_cents) AS cod
                                FROM commission_cod d
                                JOIN settlement_statements s3 ON s3.id = d.statement_id AND s3.settlement_id = $1
                               GROUP BY statement_id) d ON d.statement_id = s2.id
                   LEFT JOIN (SELECT statement_id, sum(amount_cents) AS refunds
                                FROM commission_cash_refunds d
                                JOIN settlement_statements s3 ON s3.id = d.statement_id AND s3.settlement_id = $1
                               GROUP BY statement_id) cr ON cr.statement_id = s2.id
                  WHERE s2.settlement_id = $1) t
          WHERE s.id = t.id`,
        [created.id],
      );
      const [sum] = await this.db.query<{ statements: number; net_cents: number }>(
        tx,
        `SELECT count(*)::int AS statements, COALESCE(sum(net_cents), 0)::int AS net_cents
           FROM settlement_statements WHERE settlement_id = $1`,
        [created.id],
      );
      await this.audit.record(tx, {
        action: 'settlement.create',
        entityType: 'settlement',
        entityId: created.id,
        regionId,
        after: { period, status: 'draft', statements: sum.statements, netCents: sum.net_cents },
      });
      return created.id;
    });
    return this.get(ctx, id);
  }

  /** Settlements in scope (managers their region's), newest first, with their totals (no statements). */
  async list(ctx: RequestContext, q: SettlementQueryDto): Promise<Page<Omit<SettlementView, 'statements'>>> {
    const params: unknown[] = [];
    const add = (v: unknown) => {
      params.push(v);
      return `$${params.length}`;
    };
    const where = [settlementScopeSql(ctx, 's', params)];
    if (q.regionId) where.push(`s.region_id = ${add(q.regionId)}`);
    if (q.period) where.push(`s.period = ${add(q.period)}`);
    if (q.status) where.push(`s.status = ${add(q.status)}`);
    if (q.cursor) {
      const [at, id] = decodeCursor(q.cursor, ['string', 'string']);
      where.push(`(s.created_at, s.id) < (${add(at)}::timestamptz, ${add(id)}::uuid)`);
    }
    const limit = q.limit ?? 50;
    const rows = await this.db.query<SettlementRow & MoneyRow & { cursor_at: string }>(
      ctx,
      `SELECT s.*, s.created_at::text AS cursor_at,
              COALESCE(sum(st.commission_cents), 0) AS commission_cents,
              COALESCE(sum(st.reversal_cents), 0) AS reversal_cents,
              COALESCE(sum(st.install_fee_cents), 0) AS install_fee_cents,
              COALESCE(sum(st.adjustment_cents), 0) AS adjustment_cents,
              COALESCE(sum(st.cod_held_cents), 0) AS cod_held_cents,
              COALESCE(sum(st.cash_refunds_cents), 0) AS cash_refunds_cents,
              COALESCE(sum(st.net_cents), 0) AS net_cents
         FROM settlements s LEFT JOIN settlement_statements st ON st.settlement_id = s.id
        WHERE ${where.join(' AND ')}
        GROUP BY s.id ORDER BY s.created_at DESC, s.id DESC LIMIT ${limit + 1}`,
      params,
    );
    const page = toPage(rows, limit, (r) => [r.cursor_at, r.id]);
    return {
      ...page,
      items: page.items.map((r) => ({
        id: r.id,
        regionId: r.region_id,
        period: r.period,
        status: r.status,
        totals: moneyOf(r),
        createdAt: r.created_at,
        approvedAt: r.approved_at,
        paidAt: r.paid_at,
        paymentReference: r.payment_reference,
      })),
    };
  }

  async get(ctx: RequestContext, id: string): Promise<SettlementView> {
    const s = await this.find(ctx, id);
    const rows = await this.db.query<StatementRow>(
      ctx,
      `SELECT * FROM settlement_statements WHERE settlement_id = $1 ORDER BY agent_name, agent_id`,
      [id],
    );
    const statements = rows.map(statementView);
    return {
      id: s.id,
      regionId: s.region_id,
      period: s.period,
      status: s.status,
      statements,
      totals: totalsOf(statements),
      createdAt: s.created_at,
      approvedAt: s.approved_at,
      paidAt: s.paid_at,
      paymentReference: s.payment_reference,
    };
  }

  /**
   * draft → approved, and the settlement's entries are locked for good. The move is a conditional
   * update, so of two approvals at once exactly one succeeds; the other is 409 with the current status.
   */
  async approve(ctx: RequestContext, id: string): Promise<SettlementView> {
    await this.db.transaction(ctx, async (tx) => {
      const s = await this.find(tx, id);
      const moved = await this.db.query(
        tx,
        `UPDATE settlements SET status = 'approved', approved_at = now(), approved_by_id = $2
          WHERE id = $1 AND status = 'draft' RETURNING id`,
        [id, ctx.actorId],
      );
      if (moved.length === 0) await this.refuse(tx, id, 'approve');
      await this.audit.record(tx, {
        action: 'settlement.approve',
        entityType: 'settlement',
        entityId: id,
        regionId: s.region_id,
        before: { period: s.period, status: 'draft' },
        after: { period: s.period, status: 'approved' },
      });
      await this.db.query(
        tx,
        `UPDATE commission_entries e SET locked_at = now()
           FROM settlement_statements s WHERE s.settlement_id = $1 AND e.statement_id = s.id`,
        [id],
      );
    });
    return this.get(ctx, id);
  }

  /**
   * Discards a draft made too early or by mistake: its entries and COD cash go back to unsettled (the
   * next draft takes them again) and the region's month can be drafted anew. Only a draft: an approved
   * or paid settlement is 409. The row is locked first, so a concurrent approval either wins (this is
   * then 409) or finds nothing to approve.
   */
  async discard(ctx: RequestContext, id: string): Promise<void> {
    await this.db.transaction(ctx, async (tx) => {
      const s = await this.find(tx, id);
      const [row] = await this.db.query<{ status: string }>(
        tx,
        `SELECT status FROM settlements WHERE id = $1 FOR UPDATE`,
        [id],
      );
      if (!row) throw new NotFoundError('settlement', id);
      if (row.status !== 'draft') throw new IllegalTransitionError('settlement', row.status, 'discard');
      const released = `statement_id IN (SELECT id FROM settlement_statements WHERE settlement_id = $1)`;
      await this.db.query(tx, `UPDATE commission_entries SET statement_id = NULL WHERE ${released}`, [id]);
      await this.db.query(tx, `UPDATE commission_cod SET statement_id = NULL WHERE ${released}`, [id]);
      await this.db.query(tx, `UPDATE commission_cash_refunds SET statement_id = NULL WHERE ${released}`, [
        id,
      ]);
      await this.db.query(tx, `DELETE FROM settlement_statements WHERE settlement_id = $1`, [id]);
      await this.db.query(tx, `DELETE FROM settlements WHERE id = $1`, [id]);
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
      const moved = await this.db.query(
        tx,
        `UPDATE settlements SET status = 'paid', paid_at = now(), paid_by_id = $2, payment_reference = $3
          WHERE id = $1 AND status = 'approved' RETURNING id`,
        [id, ctx.actorId, paymentReference ?? null],
      );
      if (moved.length === 0) await this.refuse(tx, id, 'mark_paid');
      await this.audit.record(tx, {
        action: 'settlement.mark_paid',
        entityType: 'settlement',
        entityId: id,
        regionId: s.region_id,
        before: { period: s.period, status: 'approved' },
        after: { period: s.period, status: 'paid', paymentReference: paymentReference ?? null },
      });
      await this.db.query(
        tx,
        `UPDATE commission_cod d SET cleared_at = now()
           FROM settlement_statements s WHERE s.settlement_id = $1 AND d.statement_id = s.id`,
        [id],
      );
      await this.db.query(
        tx,
        `UPDATE commission_cash_refunds d SET cleared_at = now()
           FROM settlement_statements s WHERE s.settlement_id = $1 AND d.statement_id = s.id`,
        [id],
      );
    });
    return this.get(ctx, id);
  }

  /** The settlement as CSV for finance: UTF-8 with a BOM, one row per agent, a totals row. */
  async exportCsv(ctx: RequestContext, id: string): Promise<{ filename: string; body: string }> {
    const s = await this.get(ctx, id);
    const [region] = await this.db.query<{ code: string }>(ctx, `SELECT code FROM regions WHERE id = $1`, [
      s.regionId,
    ]);
    return {
      filename: `settlement-${region.code}-${s.period}.csv`,
      body: settlementCsv(s, region.code),
    };
  }

  /**
   * One agent's statement with its lines (entries and COD cash). Managers and admins within scope; an
   * agent sees only their own statement (another agent's is 404).
   */
  async statement(ctx: RequestContext, id: string, agentId: string): Promise<StatementLinesView> {
    const [s] = await this.db.query<SettlementRow>(ctx, `SELECT * FROM settlements WHERE id = $1`, [id]);
    const params: unknown[] = [id, agentId];
    const scope = ctx.is('agent') ? entryScopeSql(ctx, 'st', params) : settlementScopeSql(ctx, 'se', params);
    const [row] = await this.db.query<StatementRow>(
      ctx,
      `SELECT st.* FROM settlement_statements st JOIN settlements se ON se.id = st.settlement_id
        WHERE st.settlement_id = $1 AND st.agent_id = $2 AND ${scope}`,
      params,
    );
    if (!s || !row) throw new NotFoundError('statement');
    const entries = await this.db.query<EntryRow>(
      ctx,
      `SELECT * FROM commission_entries WHERE statement_id = $1 ORDER BY id`,
      [row.id],
    );
    const cod = await this.db.query<{
      id: string;
      order_id: string;
      amount_cents: string;
      collected_at: Date;
      period: string;
    }>(
      ctx,
      `SELECT id, order_id, amount_cents, collected_at, period FROM commission_cod WHERE statement_id = $1 ORDER BY id`,
      [row.id],
    );
    const refunds = await this.db.query<{
      refund_id: string;
      order_id: string;
      amount_cents: string;
      owed_at: Date;
      period: string;
    }>(
      ctx,
      `SELECT refund_id, order_id, amount_cents, owed_at, period FROM commission_cash_refunds
        WHERE statement_id = $1 ORDER BY id`,
      [row.id],
    );
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
   * Verifies the settlements of a period: each statement's stored totals equal the sums of its entries
   * and COD rows (so the sum of statements equals the sum of entries settled), every settled entry
   * belongs to its statement's agent and region and to the period or earlier, an entry is locked
   * exactly when its settlement is approved or paid, and COD is cleared exactly when paid. An entry has
   * one statement column, so it cannot be in two statements; the check also counts per statement.
   */
  async integrity(ctx: RequestContext, period: string): Promise<IntegrityReport> {
    const problems: string[] = [];
    const mismatched = await this.db.query<{ id: string; agent_id: string; what: string }>(
      ctx,
      `WITH st AS (
         SELECT s.* FROM settlement_statements s JOIN settlements se ON se.id = s.settlement_id WHERE se.period = $1),
       sums AS (
         SELECT st.id, st.agent_id,
                st.commission_cents, st.reversal_cents, st.install_fee_cents, st.adjustment_cents, st.cod_held_cents,
                st.net_cents, st.entry_count,
                COALESCE((SELECT sum(amount_cents) FROM commission_entries WHERE statement_id = st.id AND kind = 'order_commission'), 0) AS c,
                COALESCE((SELECT sum(amount_cents) FROM commission_entries WHERE statement_id = st.id AND kind = 'reversal'), 0) AS r,
                COALESCE((SELECT sum(amount_cents) FROM commission_entries WHERE statement_id = st.id AND kind = 'install_fee'), 0) AS i,
                COALESCE((SELECT sum(amount_cents) FROM commission_entries WHERE statement_id = st.id AND kind = 'adjustment'), 0) AS a,
                COALESCE((SELECT sum(amount_cents) FROM commission_cod WHERE statement_id = st.id), 0) AS d,
                COALESCE((SELECT sum(amount_cents) FROM commission_cash_refunds WHERE statement_id = st.id), 0) AS f,
                st.cash_refunds_cents,
                (SELECT count(*) FROM commission_entries WHERE statement_id = st.id) AS n
           FROM st)
       SELECT id, agent_id, concat_ws(', ',
                CASE WHEN commission_cents <> c THEN 'commission' END,
                CASE WHEN reversal_cents <> r THEN 'reversal' END,
                CASE WHEN install_fee_cents <> i THEN 'install fee' END,
                CASE WHEN adjustment_cents <> a THEN 'adjustment' END,
                CASE WHEN cod_held_cents <> d THEN 'COD held' END,
                CASE WHEN cash_refunds_cents <> f THEN 'cash refunds' END,
                CASE WHEN net_cents <> c + r + i + a - d + f THEN 'net' END,
                CASE WHEN entry_count <> n THEN 'entry count' END) AS what
         FROM sums
        WHERE (commission_cents, reversal_cents, install_fee_cents, adjustment_cents, cod_held_cents, cash_refunds_cents,
               net_cents, entry_count)
              IS DISTINCT FROM (c, r, i, a, d, f, c + r + i + a - d + f, n)`,
      [period],
    );
    for (const m of mismatched)
      problems.push(`statement ${m.id} (agent ${m.agent_id}): ${m.what} differ from its lines`);
    const misplaced = await this.db.query<{ id: string; why: string }>(
      ctx,
      `SELECT e.id::text AS id,
              CASE WHEN e.agent_id <> st.agent_id THEN 'another agent''s statement'
                   WHEN e.region_id <> se.region_id THEN 'another region''s settlement'
                   WHEN e.period > se.period THEN 'a later period than its settlement'
                   WHEN (e.locked_at IS NOT NULL) <> (se.status <> 'draft') THEN 'lock does not match the settlement status'
              END AS why
         FROM commission_entries e
         JOIN settlement_statements st ON st.id = e.statement_id
         JOIN settlements se ON se.id = st.settlement_id
        WHERE se.period = $1
          AND (e.agent_id <> st.agent_id OR e.region_id <> se.region_id OR e.period > se.period
               OR (e.locked_at IS NOT NULL) <> (se.status <> 'draft'))
       UNION ALL
       SELECT 'cod ' || d.id::text,
              CASE WHEN d.agent_id IS DISTINCT FROM st.agent_id THEN 'another agent''s statement'
                   ELSE 'cleared does not match the settlement status' END
         FROM commission_cod d
         JOIN settlement_statements st ON st.id = d.statement_id
         JOIN settlements se ON se.id = st.settlement_id
        WHERE se.period = $1
          AND (d.agent_id IS DISTINCT FROM st.agent_id OR (d.cleared_at IS NOT NULL) <> (se.status = 'paid'))
       UNION ALL
       SELECT 'cash refund ' || d.refund_id::text,
              CASE WHEN d.agent_id IS DISTINCT FROM st.agent_id THEN 'another agent''s statement'
                   ELSE 'cleared does not match the settlement status' END
         FROM commission_cash_refunds d
         JOIN settlement_statements st ON st.id = d.statement_id
         JOIN settlements se ON se.id = st.settlement_id
        WHERE se.period = $1
          AND (d.agent_id IS DISTINCT FROM st.agent_id OR (d.cleared_at IS NOT NULL) <> (se.status = 'paid'))`,
      [period],
    );
    for (const m of misplaced) problems.push(`entry ${m.id} is in ${m.why}`);
    const [sum] = await this.db.query<{
      settlements: number;
      statements: number;
      net: string;
      entries: number;
      entries_net: string;
      links: number;
    }>(
      ctx,
      `SELECT (SELECT count(*)::int FROM settlements WHERE period = $1) AS settlements,
              count(*)::int AS statements,
              COALESCE(sum(st.net_cents), 0) AS net,
              COALESCE(sum(st.entry_count), 0)::int AS links,
              (SELECT count(*)::int FROM commission_entries e JOIN settlement_statements s ON s.id = e.statement_id
                 JOIN settlements se ON se.id = s.settlement_id WHERE se.period = $1) AS entries,
              (SELECT COALESCE(sum(e.amount_cents), 0) FROM commission_entries e JOIN settlement_statements s ON s.id = e.statement_id
                 JOIN settlements se ON se.id = s.settlement_id WHERE se.period = $1)
              - (SELECT COALESCE(sum(d.amount_cents), 0) FROM commission_cod d JOIN settlement_statements s ON s.id = d.statement_id
                 JOIN settlements se ON se.id = s.settlement_id WHERE se.period = $1)
              + (SELECT COALESCE(sum(d.amount_cents), 0) FROM commission_cash_refunds d
                   JOIN settlement_statements s ON s.id = d.statement_id
                 JOIN settlements se ON se.id = s.settlement_id WHERE se.period = $1) AS entries_net
         FROM settlement_statements st JOIN settlements se ON se.id = st.settlement_id WHERE se.period = $1`,
      [period],
    );
    if (Number(sum.net) !== Number(sum.entries_net)) {
      problems.push(
        `statements net ${sum.net} ≠ entries settled minus COD plus cash refunds ${sum.entries_net}`,
      );
    }
    if (sum.links !== sum.entries) {
      problems.push(`statements count ${sum.links} entries but ${sum.entries} entries are settled`);
    }
    return {
      period,
      ok: problems.length === 0,
      settlements: sum.settlements,
      statements: sum.statements,
      entries: sum.entries,
      statementsNetCents: Number(sum.net),
      entriesNetCents: Number(sum.entries_net),
      problems,
    };
  }

  private async find(ctx: RequestContext, id: string): Promise<SettlementRow> {
    const params: unknown[] = [id];
    const scope = settlementScopeSql(ctx, 's', params);
    const [row] = await this.db.query<SettlementRow>(
      ctx,
      `SELECT s.* FROM settlements s WHERE s.id = $1 AND ${scope}`,
      params,
    );
    if (!row) throw new NotFoundError('settlement', id);
    return row;
  }

  private async refuse(ctx: RequestContext, id: string, action: string): Promise<never> {
    const [row] = await this.db.query<{ status: string }>(
      ctx,
      `SELECT status FROM settlements WHERE id = $1`,
      [id],
    );
    throw new IllegalTransitionError('settlement', row.status, action);
  }
}
