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
import { Db, SqlParams } from '@campus/database';
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
import { FourEyesRequiredError, SettlementExistsError, SettlementNotLatestError } from './commissions.errors';
import { SettlementQueryDto } from './dto/commissions.dto';
import { EntryRow, entryView, SETTLEMENT_LOCK_KEY } from './ledger.service';
import { settlementCsv } from './settlement-csv';

interface SettlementRow {
  id: string;
  region_id: string;
  period: string;
  status: SettlementStatus;
  seq: string;
  entries_upto: string;
  cod_upto: string;
  refunds_upto: string;
  created_by_id: string;
  created_at: Date;
  approved_at: Date | null;
  approved_by_id: string | null;
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
 * The ledger rows (alias `x` of `table`) of region `$region`, month ≤ `$period`, that a settlement
 * with sequence `seq` and watermark `upto` covers: not beyond its watermark, and beyond the watermark
 * of every earlier settlement of the region whose month is not before the row's (those took it).
 * `uptoCol` is `entries_upto` or `cod_upto`. Parameters are SQL expressions.
 */
/** The watermark of each ledger a settlement covers. */
type UptoColumn = 'entries_upto' | 'cod_upto' | 'refunds_upto';

export function coveredBySql(
  x: string,
  p: { region: string; period: string; seq: string; upto: string; uptoCol: UptoColumn },
): string {
  return `${x}.region_id = ${p.region} AND ${x}.period <= ${p.period} AND ${x}.id <= ${p.upto}
    AND ${x}.id > COALESCE((SELECT max(e_.${p.uptoCol}) FROM settlements e_
                             WHERE e_.region_id = ${p.region} AND e_.seq < ${p.seq} AND e_.period >= ${x}.period), 0)`;
}

/**
 * The same coverage for one new settlement (`$2` region, `$4` its sequence) as a CTE `name` of bands:
 * for each range of months between the periods of the region's earlier settlements, the id up to
 * which they took rows (the highest watermark of those with a period not before the range). A row is
 * the new settlement's when its month falls in a band and its id is above the band's `after_id` (and
 * not above the new watermark). The earlier settlements are few (one a month), so this is a handful of
 * id-range scans of the ledger instead of a lookup per row.
 */
function coverageBandsSql(name: string, uptoCol: UptoColumn): string {
  return `${name}_prior AS (
      SELECT period, ${uptoCol} AS upto FROM settlements WHERE region_id = $2 AND seq < $4::bigint
    ), ${name} AS (
      SELECT lead(period) OVER (ORDER BY period DESC) AS lo, period AS hi,
             max(upto) OVER (ORDER BY period DESC ROWS UNBOUNDED PRECEDING) AS after_id
        FROM ${name}_prior
      UNION ALL SELECT max(period), NULL, 0 FROM ${name}_prior
    )`;
}

/** Row `x` falls in band `b` (months in (lo, hi], id above after_id). */
function inBandSql(x: string, b: string): string {
  return `(${b}.lo IS NULL OR ${x}.period > ${b}.lo) AND (${b}.hi IS NULL OR ${x}.period <= ${b}.hi)
    AND ${x}.id > ${b}.after_id`;
}

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
      await this.db.query(tx, `SELECT pg_advisory_xact_lock(${SETTLEMENT_LOCK_KEY('$1')})`, [regionId]);
      const [created] = await this.db.query<{
        id: string;
        seq: string;
        entries_upto: string;
        cod_upto: string;
        refunds_upto: string;
      }>(
        tx,
        `INSERT INTO settlements (region_id, period, created_by_id, entries_upto, cod_upto, refunds_upto)
         VALUES ($1, $2, $3, COALESCE(pg_sequence_last_value('commission_entries_id_seq'), 0),
                 COALESCE(pg_sequence_last_value('commission_cod_id_seq'), 0),
                 COALESCE(pg_sequence_last_value('commission_cash_refunds_id_seq'), 0))
         ON CONFLICT (region_id, period) DO NOTHING RETURNING id, seq, entries_upto, cod_upto, refunds_upto`,
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
        `WITH ${coverageBandsSql('eb', 'entries_upto')}, ${coverageBandsSql('db', 'cod_upto')},
         ${coverageBandsSql('rb', 'refunds_upto')},
         e AS (
           SELECT agent_id,
                  COALESCE(sum(amount_cents) FILTER (WHERE kind = 'order_commission'), 0) AS commission,
                  COALESCE(sum(amount_cents) FILTER (WHERE kind = 'reversal'), 0) AS reversal,
                  COALESCE(sum(amount_cents) FILTER (WHERE kind = 'install_fee'), 0) AS install_fee,
                  COALESCE(sum(amount_cents) FILTER (WHERE kind = 'adjustment'), 0) AS adjustment,
                  count(*)::int AS n
             FROM commission_entries e JOIN eb ON ${inBandSql('e', 'eb')}
            WHERE e.region_id = $2 AND e.period <= $3 AND e.id <= $5::bigint
            GROUP BY agent_id
         ), d AS (
           SELECT agent_id, sum(amount_cents) AS cod
             FROM commission_cod d JOIN db ON ${inBandSql('d', 'db')}
            WHERE d.region_id = $2 AND d.period <= $3 AND d.id <= $6::bigint AND d.agent_id IS NOT NULL
            GROUP BY agent_id
         ), r AS (
           SELECT agent_id, sum(amount_cents) AS refunds
             FROM commission_cash_refunds r JOIN rb ON ${inBandSql('r', 'rb')}
            WHERE r.region_id = $2 AND r.period <= $3 AND r.id <= $7::bigint AND r.agent_id IS NOT NULL
            GROUP BY agent_id
         ), t AS (
           SELECT COALESCE(e.agent_id, d.agent_id, r.agent_id) AS agent_id, COALESCE(e.commission, 0) AS commission,
                  COALESCE(e.reversal, 0) AS reversal, COALESCE(e.install_fee, 0) AS install_fee,
                  COALESCE(e.adjustment, 0) AS adjustment, COALESCE(e.n, 0) AS n, COALESCE(d.cod, 0) AS cod,
                  COALESCE(r.refunds, 0) AS refunds
           FROM e FULL JOIN d ON d.agent_id = e.agent_id
                  FULL JOIN r ON r.agent_id = COALESCE(e.agent_id, d.agent_id)
         )
         INSERT INTO settlement_statements (settlement_id, agent_id, agent_name, campus_name, commission_cents,
           reversal_cents, install_fee_cents, adjustment_cents, cod_held_cents, cash_refunds_cents, entry_count,
           net_cents)
         SELECT $1, t.agent_id, a.display_name, c.name, t.commission, t.reversal, t.install_fee, t.adjustment,
                t.cod, t.refunds, t.n, t.commission + t.reversal + t.install_fee + t.adjustment - t.cod + t.refunds
           FROM t JOIN agents a ON a.id = t.agent_id JOIN campuses c ON c.id = a.campus_id`,
        [
          created.id,
          regionId,
          period,
          created.seq,
          created.entries_upto,
          created.cod_upto,
          created.refunds_upto,
        ],
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
    const params = new SqlParams();
    const where = [settlementScopeSql(ctx, 's', params)];
    if (q.regionId) where.push(`s.region_id = ${params.add(q.regionId)}`);
    if (q.period) where.push(`s.period = ${params.add(q.period)}`);
    if (q.status) where.push(`s.status = ${params.add(q.status)}`);
    if (q.cursor) {
      const [at, id] = decodeCursor(q.cursor, ['string', 'string']);
      where.push(`(s.created_at, s.id) < (${params.add(at)}::timestamptz, ${params.add(id)}::uuid)`);
    }
    const limit = q.limit ?? DEFAULT_PAGE_SIZE;
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
      params.values,
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
        createdById: r.created_by_id,
        approvedById: r.approved_by_id,
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
      createdById: s.created_by_id,
      approvedById: s.approved_by_id,
    };
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
      const moved = await this.db.query(
        tx,
        `UPDATE settlements SET status = 'approved', approved_at = now(), approved_by_id = $2, approved_by_role = $3
          WHERE id = $1 AND status = 'draft' RETURNING id`,
        [id, ctx.actorId, ctx.role],
      );
      if (moved.length === 0) await this.refuse(tx, id, 'approve');
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
      await this.db.query(tx, `SELECT pg_advisory_xact_lock(${SETTLEMENT_LOCK_KEY('$1')})`, [s.region_id]);
      const [row] = await this.db.query<{ status: string; later: boolean }>(
        tx,
        `SELECT status, EXISTS (SELECT 1 FROM settlements l WHERE l.region_id = s.region_id AND l.seq > s.seq) AS later
           FROM settlements s WHERE id = $1 FOR UPDATE`,
        [id],
      );
      if (!row) throw new NotFoundError('settlement', id);
      if (row.status !== 'draft') throw new IllegalTransitionError('settlement', row.status, 'discard');
      if (row.later) throw new SettlementNotLatestError(id);
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
          WHERE d.agent_id IS NOT NULL AND d.cleared_at IS NULL
            AND ${coveredBySql('d', { region: '$1::uuid', period: '$2', seq: '$3::bigint', upto: '$4::bigint', uptoCol: 'cod_upto' })}`,
        [s.region_id, s.period, s.seq, s.cod_upto],
      );
      await this.db.query(
        tx,
        `UPDATE commission_cash_refunds d SET cleared_at = now()
          WHERE d.agent_id IS NOT NULL AND d.cleared_at IS NULL
            AND ${coveredBySql('d', { region: '$1::uuid', period: '$2', seq: '$3::bigint', upto: '$4::bigint', uptoCol: 'refunds_upto' })}`,
        [s.region_id, s.period, s.seq, s.refunds_upto],
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
    const scopeOf = (x: string, uptoCol: UptoColumn, upto: string) =>
      coveredBySql(x, { region: '$2', period: '$3', seq: '$4::bigint', upto, uptoCol });
    const entries = await this.db.query<EntryRow>(
      ctx,
      `SELECT e.*, $5::uuid AS statement_id, $6::text AS settlement_status FROM commission_entries e
        WHERE e.agent_id = $1 AND ${scopeOf('e', 'entries_upto', '$7::bigint')} ORDER BY e.id`,
      [agentId, s.region_id, s.period, s.seq, row.id, s.status, s.entries_upto],
    );
    const cod = await this.db.query<{
      id: string;
      order_id: string;
      amount_cents: string;
      collected_at: Date;
      period: string;
    }>(
      ctx,
      `SELECT d.id, d.order_id, d.amount_cents, d.collected_at, d.period FROM commission_cod d
        WHERE d.agent_id = $1 AND ${scopeOf('d', 'cod_upto', '$5::bigint')} ORDER BY d.id`,
      [agentId, s.region_id, s.period, s.seq, s.cod_upto],
    );
    const refunds = await this.db.query<{
      refund_id: string;
      order_id: string;
      amount_cents: string;
      owed_at: Date;
      period: string;
    }>(
      ctx,
      `SELECT d.refund_id, d.order_id, d.amount_cents, d.owed_at, d.period FROM commission_cash_refunds d
        WHERE d.agent_id = $1 AND ${scopeOf('d', 'refunds_upto', '$5::bigint')} ORDER BY d.id`,
      [agentId, s.region_id, s.period, s.seq, s.refunds_upto],
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
   * Verifies the settlements of a period against the ledger: each statement's stored totals equal the
   * sums of the entries and COD rows its settlement covers for that agent (and every covered row of
   * an agent has a statement), so Σ statements = Σ entries settled − COD; COD is cleared exactly when
   * its settlement is paid. Which settlement covers a row is derived from the watermarks, so a row is
   * in one settlement by construction; the ledger's trigger keeps anything from joining a range later.
   */
  async integrity(ctx: RequestContext, period: string): Promise<IntegrityReport> {
    const problems: string[] = [];
    const covered = (x: string, uptoCol: UptoColumn) =>
      coveredBySql(x, {
        region: 'se.region_id',
        period: 'se.period',
        seq: 'se.seq',
        upto: `se.${uptoCol}`,
        uptoCol,
      });
    const compared = await this.db.query<{
      settlement_id: string;
      agent_id: string;
      statement_id: string | null;
      what: string;
      net: string | null;
      derived_net: string;
      n: number;
    }>(
      ctx,
      `WITH se AS (SELECT * FROM settlements WHERE period = $1),
       e AS (
         SELECT se.id AS settlement_id, e.agent_id,
                COALESCE(sum(e.amount_cents) FILTER (WHERE e.kind = 'order_commission'), 0) AS c,
                COALESCE(sum(e.amount_cents) FILTER (WHERE e.kind = 'reversal'), 0) AS r,
                COALESCE(sum(e.amount_cents) FILTER (WHERE e.kind = 'install_fee'), 0) AS i,
                COALESCE(sum(e.amount_cents) FILTER (WHERE e.kind = 'adjustment'), 0) AS a,
                count(*)::int AS n
           FROM se JOIN commission_entries e ON ${covered('e', 'entries_upto')}
          GROUP BY se.id, e.agent_id),
       d AS (
         SELECT se.id AS settlement_id, d.agent_id, sum(d.amount_cents) AS d
           FROM se JOIN commission_cod d ON d.agent_id IS NOT NULL AND ${covered('d', 'cod_upto')}
          GROUP BY se.id, d.agent_id),
       f AS (
         SELECT se.id AS settlement_id, f.agent_id, sum(f.amount_cents) AS f
           FROM se JOIN commission_cash_refunds f ON f.agent_id IS NOT NULL AND ${covered('f', 'refunds_upto')}
          GROUP BY se.id, f.agent_id),
       ed AS (
         SELECT COALESCE(e.settlement_id, d.settlement_id) AS settlement_id, COALESCE(e.agent_id, d.agent_id) AS agent_id,
                COALESCE(e.c, 0) AS c, COALESCE(e.r, 0) AS r, COALESCE(e.i, 0) AS i, COALESCE(e.a, 0) AS a,
                COALESCE(e.n, 0) AS n, COALESCE(d.d, 0) AS d
           FROM e FULL JOIN d ON d.settlement_id = e.settlement_id AND d.agent_id = e.agent_id),
       derived AS (
         SELECT COALESCE(ed.settlement_id, f.settlement_id) AS settlement_id, COALESCE(ed.agent_id, f.agent_id) AS agent_id,
                COALESCE(ed.c, 0) AS c, COALESCE(ed.r, 0) AS r, COALESCE(ed.i, 0) AS i, COALESCE(ed.a, 0) AS a,
                COALESCE(ed.n, 0) AS n, COALESCE(ed.d, 0) AS d, COALESCE(f.f, 0) AS f
           FROM ed FULL JOIN f ON f.settlement_id = ed.settlement_id AND f.agent_id = ed.agent_id),
       st AS (SELECT st.* FROM settlement_statements st JOIN se ON se.id = st.settlement_id)
       SELECT COALESCE(st.settlement_id, x.settlement_id) AS settlement_id, COALESCE(st.agent_id, x.agent_id) AS agent_id,
              st.id AS statement_id, st.net_cents AS net,
              COALESCE(x.c + x.r + x.i + x.a - x.d + x.f, 0) AS derived_net, COALESCE(x.n, 0) AS n,
              CASE WHEN st.id IS NULL THEN 'no statement for the rows it covers'
                   ELSE concat_ws(', ',
                     CASE WHEN st.commission_cents <> COALESCE(x.c, 0) THEN 'commission' END,
                     CASE WHEN st.reversal_cents <> COALESCE(x.r, 0) THEN 'reversal' END,
                     CASE WHEN st.install_fee_cents <> COALESCE(x.i, 0) THEN 'install fee' END,
                     CASE WHEN st.adjustment_cents <> COALESCE(x.a, 0) THEN 'adjustment' END,
                     CASE WHEN st.cod_held_cents <> COALESCE(x.d, 0) THEN 'COD held' END,
                     CASE WHEN st.cash_refunds_cents <> COALESCE(x.f, 0) THEN 'cash refunds' END,
                     CASE WHEN st.net_cents <> COALESCE(x.c + x.r + x.i + x.a - x.d + x.f, 0) THEN 'net' END,
                     CASE WHEN st.entry_count <> COALESCE(x.n, 0) THEN 'entry count' END) END AS what
         FROM st FULL JOIN derived x ON x.settlement_id = st.settlement_id AND x.agent_id = st.agent_id`,
      [period],
    );
    for (const m of compared.filter((r) => r.what !== '')) {
      problems.push(
        m.statement_id
          ? `statement ${m.statement_id} (agent ${m.agent_id}): ${m.what} differ from its lines`
          : `settlement ${m.settlement_id} covers rows of agent ${m.agent_id} but has ${m.what}`,
      );
    }
    const uncleared = await this.db.query<{ id: string; why: string }>(
      ctx,
      `SELECT 'cod ' || d.id::text AS id,
              CASE WHEN se.status = 'paid' THEN 'not cleared though its settlement is paid'
                   ELSE 'cleared though its settlement is not paid' END AS why
         FROM settlements se JOIN commission_cod d ON d.agent_id IS NOT NULL AND ${covered('d', 'cod_upto')}
        WHERE se.period = $1 AND (d.cleared_at IS NOT NULL) <> (se.status = 'paid')
       UNION ALL
       SELECT 'cash refund ' || d.refund_id::text,
              CASE WHEN se.status = 'paid' THEN 'not cleared though its settlement is paid'
                   ELSE 'cleared though its settlement is not paid' END
         FROM settlements se JOIN commission_cash_refunds d ON d.agent_id IS NOT NULL AND ${covered('d', 'refunds_upto')}
        WHERE se.period = $1 AND (d.cleared_at IS NOT NULL) <> (se.status = 'paid')`,
      [period],
    );
    for (const m of uncleared) problems.push(`${m.id} is ${m.why}`);
    const [sum] = await this.db.query<{
      settlements: number;
      statements: number;
      net: string;
      links: number;
    }>(
      ctx,
      `SELECT (SELECT count(*)::int FROM settlements WHERE period = $1) AS settlements, count(*)::int AS statements,
              COALESCE(sum(st.net_cents), 0) AS net, COALESCE(sum(st.entry_count), 0)::int AS links
         FROM settlement_statements st JOIN settlements se ON se.id = st.settlement_id WHERE se.period = $1`,
      [period],
    );
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
