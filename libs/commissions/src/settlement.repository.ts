import { Injectable } from '@nestjs/common';
import { RequestContext } from '@campus/core';
import { Db, SqlParams } from '@campus/database';
import { entryScopeSql, settlementScopeSql } from './commission-scope';
import { SettlementStatus } from './commission.types';
import { EntryRow, SETTLEMENT_LOCK_KEY } from './ledger.repository';

export interface SettlementRow {
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

export interface StatementRow extends MoneyRow {
  id: string;
  agent_id: string;
  agent_name: string;
  campus_name: string;
  entry_count: number;
}

export interface MoneyRow {
  commission_cents: string;
  reversal_cents: string;
  install_fee_cents: string;
  adjustment_cents: string;
  cod_held_cents: string;
  cash_refunds_cents: string;
  net_cents: string;
}

/** The watermarks a new draft took and its place in the region's sequence. */
export interface DraftRow {
  id: string;
  seq: string;
  entries_upto: string;
  cod_upto: string;
  refunds_upto: string;
}

export interface CodLineRow {
  id: string;
  order_id: string;
  amount_cents: string;
  collected_at: Date;
  period: string;
}

export interface CashRefundLineRow {
  refund_id: string;
  order_id: string;
  amount_cents: string;
  owed_at: Date;
  period: string;
}

/** One (settlement, agent) of a period: the stored statement against the sums of what it covers. */
export interface ComparedRow {
  settlement_id: string;
  agent_id: string;
  statement_id: string | null;
  what: string;
  net: string | null;
  derived_net: string;
  n: number;
}

export interface SettlementFilters {
  regionId?: string;
  period?: string;
  status?: SettlementStatus;
  /** Keyset: older than this (created_at text, id). */
  before?: [string | number, string | number];
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
 * The statements of `settlements` and `settlement_statements` (and the clearing of the ledger rows a
 * paid settlement covers). Decisions — who may, in which state, four eyes, what is audited — are
 * SettlementsService's; this holds the SQL and returns plain rows.
 */
@Injectable()
export class SettlementRepository {
  constructor(private readonly db: Db) {}

  /** The region's settlement lock (every ledger insert takes it shared). */
  async lockRegion(tx: RequestContext, regionId: string): Promise<void> {
    await this.db.query(tx, `SELECT pg_advisory_xact_lock(${SETTLEMENT_LOCK_KEY('$1')})`, [regionId]);
  }

  /** Inserts the draft with the ledgers' current watermarks; null when (region, period) exists. */
  async insertDraft(
    tx: RequestContext,
    regionId: string,
    period: string,
    actorId: string,
  ): Promise<DraftRow | null> {
    const [created] = await this.db.query<DraftRow>(
      tx,
      `INSERT INTO settlements (region_id, period, created_by_id, entries_upto, cod_upto, refunds_upto)
         VALUES ($1, $2, $3, COALESCE(pg_sequence_last_value('commission_entries_id_seq'), 0),
                 COALESCE(pg_sequence_last_value('commission_cod_id_seq'), 0),
                 COALESCE(pg_sequence_last_value('commission_cash_refunds_id_seq'), 0))
         ON CONFLICT (region_id, period) DO NOTHING RETURNING id, seq, entries_upto, cod_upto, refunds_upto`,
      [regionId, period, actorId],
    );
    return created ?? null;
  }

  async idOf(tx: RequestContext, regionId: string, period: string): Promise<string | null> {
    const [existing] = await this.db.query<{ id: string }>(
      tx,
      `SELECT id FROM settlements WHERE region_id = $1 AND period = $2`,
      [regionId, period],
    );
    return existing?.id ?? null;
  }

  /**
   * Aggregates what the draft covers per agent (reading each ledger once, by coverage bands) and
   * writes the agents' statements, in one statement.
   */
  async writeStatements(
    tx: RequestContext,
    draft: DraftRow,
    regionId: string,
    period: string,
  ): Promise<void> {
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
      [draft.id, regionId, period, draft.seq, draft.entries_upto, draft.cod_upto, draft.refunds_upto],
    );
  }

  async statementTotals(
    tx: RequestContext,
    settlementId: string,
  ): Promise<{ statements: number; net_cents: number }> {
    const [sum] = await this.db.query<{ statements: number; net_cents: number }>(
      tx,
      `SELECT count(*)::int AS statements, COALESCE(sum(net_cents), 0)::int AS net_cents
           FROM settlement_statements WHERE settlement_id = $1`,
      [settlementId],
    );
    return sum;
  }

  /** Settlements in the caller's scope with their summed statements, newest first (`limit + 1` rows). */
  async list(
    ctx: RequestContext,
    f: SettlementFilters,
    limit: number,
  ): Promise<(SettlementRow & MoneyRow & { cursor_at: string })[]> {
    const params = new SqlParams();
    const where = [settlementScopeSql(ctx, 's', params)];
    if (f.regionId) where.push(`s.region_id = ${params.add(f.regionId)}`);
    if (f.period) where.push(`s.period = ${params.add(f.period)}`);
    if (f.status) where.push(`s.status = ${params.add(f.status)}`);
    if (f.before) {
      where.push(
        `(s.created_at, s.id) < (${params.add(f.before[0])}::timestamptz, ${params.add(f.before[1])}::uuid)`,
      );
    }
    return this.db.query<SettlementRow & MoneyRow & { cursor_at: string }>(
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
  }

  /** The settlement if the caller's scope covers it. */
  async findInScope(ctx: RequestContext, id: string): Promise<SettlementRow | null> {
    const params = new SqlParams([id]);
    const scope = settlementScopeSql(ctx, 's', params);
    const [row] = await this.db.query<SettlementRow>(
      ctx,
      `SELECT s.* FROM settlements s WHERE s.id = $1 AND ${scope}`,
      params,
    );
    return row ?? null;
  }

  /** The settlement whatever the scope (the caller checks it another way). */
  async find(ctx: RequestContext, id: string): Promise<SettlementRow | null> {
    const [row] = await this.db.query<SettlementRow>(ctx, `SELECT * FROM settlements WHERE id = $1`, [id]);
    return row ?? null;
  }

  async statements(ctx: RequestContext, settlementId: string): Promise<StatementRow[]> {
    return this.db.query<StatementRow>(
      ctx,
      `SELECT * FROM settlement_statements WHERE settlement_id = $1 ORDER BY agent_name, agent_id`,
      [settlementId],
    );
  }

  /** draft → approved, if still a draft; whether it moved. */
  async approve(tx: RequestContext, id: string, actorId: string, role: string): Promise<boolean> {
    const moved = await this.db.query(
      tx,
      `UPDATE settlements SET status = 'approved', approved_at = now(), approved_by_id = $2, approved_by_role = $3
          WHERE id = $1 AND status = 'draft' RETURNING id`,
      [id, actorId, role],
    );
    return moved.length > 0;
  }

  /** approved → paid, if still approved; whether it moved. */
  async markPaid(
    tx: RequestContext,
    id: string,
    actorId: string,
    paymentReference: string | null,
  ): Promise<boolean> {
    const moved = await this.db.query(
      tx,
      `UPDATE settlements SET status = 'paid', paid_at = now(), paid_by_id = $2, payment_reference = $3
          WHERE id = $1 AND status = 'approved' RETURNING id`,
      [id, actorId, paymentReference],
    );
    return moved.length > 0;
  }

  /** Clears the COD cash and the cash refunds a (paid) settlement covers. */
  async clearCovered(tx: RequestContext, s: SettlementRow): Promise<void> {
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
  }

  /** The settlement locked, with whether a later one of its region exists. */
  async lockWithLater(tx: RequestContext, id: string): Promise<{ status: string; later: boolean } | null> {
    const [row] = await this.db.query<{ status: string; later: boolean }>(
      tx,
      `SELECT status, EXISTS (SELECT 1 FROM settlements l WHERE l.region_id = s.region_id AND l.seq > s.seq) AS later
           FROM settlements s WHERE id = $1 FOR UPDATE`,
      [id],
    );
    return row ?? null;
  }

  /** Deletes a draft and its statements. */
  async delete(tx: RequestContext, id: string): Promise<void> {
    await this.db.query(tx, `DELETE FROM settlement_statements WHERE settlement_id = $1`, [id]);
    await this.db.query(tx, `DELETE FROM settlements WHERE id = $1`, [id]);
  }

  async status(ctx: RequestContext, id: string): Promise<string> {
    const [row] = await this.db.query<{ status: string }>(
      ctx,
      `SELECT status FROM settlements WHERE id = $1`,
      [id],
    );
    return row.status;
  }

  async regionCode(ctx: RequestContext, regionId: string): Promise<string> {
    const [region] = await this.db.query<{ code: string }>(ctx, `SELECT code FROM regions WHERE id = $1`, [
      regionId,
    ]);
    return region.code;
  }

  /** One agent's statement of a settlement, if the caller's scope covers it (agents: their own). */
  async statementInScope(ctx: RequestContext, id: string, agentId: string): Promise<StatementRow | null> {
    const params = new SqlParams([id, agentId]);
    const scope = ctx.is('agent') ? entryScopeSql(ctx, 'st', params) : settlementScopeSql(ctx, 'se', params);
    const [row] = await this.db.query<StatementRow>(
      ctx,
      `SELECT st.* FROM settlement_statements st JOIN settlements se ON se.id = st.settlement_id
        WHERE st.settlement_id = $1 AND st.agent_id = $2 AND ${scope}`,
      params,
    );
    return row ?? null;
  }

  /** The ledger lines (entries, COD cash, cash refunds) a settlement covers for one agent. */
  async statementLines(
    ctx: RequestContext,
    s: SettlementRow,
    agentId: string,
    statementId: string,
  ): Promise<{ entries: EntryRow[]; cod: CodLineRow[]; refunds: CashRefundLineRow[] }> {
    const scopeOf = (x: string, uptoCol: UptoColumn, upto: string) =>
      coveredBySql(x, { region: '$2', period: '$3', seq: '$4::bigint', upto, uptoCol });
    const entries = await this.db.query<EntryRow>(
      ctx,
      `SELECT e.*, $5::uuid AS statement_id, $6::text AS settlement_status FROM commission_entries e
        WHERE e.agent_id = $1 AND ${scopeOf('e', 'entries_upto', '$7::bigint')} ORDER BY e.id`,
      [agentId, s.region_id, s.period, s.seq, statementId, s.status, s.entries_upto],
    );
    const cod = await this.db.query<CodLineRow>(
      ctx,
      `SELECT d.id, d.order_id, d.amount_cents, d.collected_at, d.period FROM commission_cod d
        WHERE d.agent_id = $1 AND ${scopeOf('d', 'cod_upto', '$5::bigint')} ORDER BY d.id`,
      [agentId, s.region_id, s.period, s.seq, s.cod_upto],
    );
    const refunds = await this.db.query<CashRefundLineRow>(
      ctx,
      `SELECT d.refund_id, d.order_id, d.amount_cents, d.owed_at, d.period FROM commission_cash_refunds d
        WHERE d.agent_id = $1 AND ${scopeOf('d', 'refunds_upto', '$5::bigint')} ORDER BY d.id`,
      [agentId, s.region_id, s.period, s.seq, s.refunds_upto],
    );
    return { entries, cod, refunds };
  }

  /** Each (settlement, agent) of the period: stored statement totals against the ledger rows covered. */
  async compareWithLedger(ctx: RequestContext, period: string): Promise<ComparedRow[]> {
    return this.db.query<ComparedRow>(
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
  }

  /** COD and cash-refund rows whose cleared state disagrees with their settlement being paid. */
  async misCleared(ctx: RequestContext, period: string): Promise<{ id: string; why: string }[]> {
    return this.db.query<{ id: string; why: string }>(
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
  }

  async periodSums(
    ctx: RequestContext,
    period: string,
  ): Promise<{ settlements: number; statements: number; net: string; links: number }> {
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
    return sum;
  }
}

/** `covered(x, uptoCol)` of the integrity check: rows of ledger alias x covered by settlement `se`. */
function covered(x: string, uptoCol: UptoColumn): string {
  return coveredBySql(x, {
    region: 'se.region_id',
    period: 'se.period',
    seq: 'se.seq',
    upto: `se.${uptoCol}`,
    uptoCol,
  });
}
