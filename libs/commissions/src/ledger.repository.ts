import { Injectable } from '@nestjs/common';
import { RequestContext, shanghaiPeriod } from '@campus/core';
import { Db, sql, Sql, SqlParams } from '@campus/database';
import type { EventPayloads } from '@campus/queue';
import type { LineCommission } from './commission-policy';
import { entryScopeSql } from './commission-scope';
import type { EntryKind } from './commission.types';

/** A ledger row as written; `source_id` + `kind` is unique, so a repeated write inserts nothing. */
export interface NewEntry {
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
  /** Derived: the statement of the settlement that covers the entry (see `ENTRY_COVERAGE_JOIN`). */
  statement_id?: string | null;
  settlement_status?: string | null;
}

export interface EntryFilters {
  agentId?: string;
  period?: string;
  kind?: EntryKind;
  /** Keyset: entries with a smaller id. */
  beforeId?: string;
}

/** An agent's sums for a month (entries by kind) and the cash they hold now. */
export interface EarningsRow {
  commission: string;
  reversal: string;
  install_fee: string;
  adjustment: string;
  n: number;
  cod: string;
  refunds: string;
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

/**
 * Every ledger insert first takes its region's settlement lock in shared mode (in the same statement,
 * before its id is drawn); drawing a settlement up takes it exclusively. So when a settlement reads
 * the ledger's highest id as its watermark, no insert of the region with a smaller id is still in
 * flight, and every later one gets a larger id: what the watermark covers can never grow.
 * `region` is the region's id, or a fragment naming it.
 */
export const settlementLockKey = (region: unknown): Sql =>
  sql`hashtext('settlement:' || ${region}::uuid::text)`;

/** The same key around a numbered parameter (`'$1'`), for statements written as text. */
export const SETTLEMENT_LOCK_KEY = (regionParam: string): string =>
  settlementLockKey(sql.raw(regionParam)).toQuery().text;

const sharedSettlementLock = (regionId: string): Sql =>
  sql`SELECT pg_advisory_xact_lock_shared(${settlementLockKey(regionId)})`;

const ENTRY_SELECT = sql.raw(
  `SELECT e.*, cov.statement_id, cov.settlement_status FROM commission_entries e ${ENTRY_COVERAGE_JOIN('e')}`,
);

/**
 * The statements of the append-only ledgers (`commission_entries`, `commission_cod`,
 * `commission_cash_refunds`: commissions') and their locks. LedgerService decides what is booked.
 */
@Injectable()
export class LedgerRepository {
  constructor(private readonly db: Db) {}

  /** Serialises the order commissions of one agent and month (their rank is counted under it). */
  async lockAgentMonth(tx: RequestContext, agentId: string, period: string): Promise<void> {
    await this.db.query(
      tx,
      sql`SELECT pg_advisory_xact_lock(hashtext(${`commission:${agentId}:${period}`}))`,
    );
  }

  /** Reversals of one order are decided one at a time (partial ones and the whole one). */
  async lockReversals(tx: RequestContext, orderId: string): Promise<void> {
    await this.db.query(tx, sql`SELECT pg_advisory_xact_lock(hashtext(${`reversal:${orderId}`}))`);
  }

  /** How many order commissions the agent has in the month. */
  async countOrderCommissions(tx: RequestContext, agentId: string, period: string): Promise<number> {
    const [count] = await this.db.query<{ n: number }>(
      tx,
      sql`SELECT count(*)::int AS n FROM commission_entries
           WHERE agent_id = ${agentId} AND period = ${period} AND kind = 'order_commission'`,
    );
    return count.n;
  }

  /** The sum (≤ 0) of the reversals of an order's partial returns (keyed by the return, not the order). */
  async partialReversalsTotal(tx: RequestContext, orderId: string): Promise<number> {
    const [partial] = await this.db.query<{ total: string }>(
      tx,
      sql`SELECT COALESCE(sum(amount_cents), 0) AS total FROM commission_entries
           WHERE order_id = ${orderId} AND kind = 'reversal' AND source_id <> ${orderId}`,
    );
    return Number(partial.total);
  }

  async findEntry(ctx: RequestContext, sourceId: string, kind: EntryKind): Promise<EntryRow | null> {
    const rows = await this.db.query<EntryRow>(
      ctx,
      sql`${ENTRY_SELECT} WHERE e.source_id = ${sourceId} AND e.kind = ${kind}`,
    );
    return rows[0] ?? null;
  }

  /** Inserts an entry by the caller; null when its (source, kind) exists already. */
  async insert(ctx: RequestContext, e: NewEntry): Promise<EntryRow | null> {
    const rows = await this.db.query<EntryRow>(
      ctx,
      sql`WITH settling AS MATERIALIZED (${sharedSettlementLock(e.regionId)})
          INSERT INTO commission_entries (agent_id, region_id, kind, amount_cents, source_id, order_id, period,
            earned_at, rule_ids, tier_id, rule_description, detail, reason, created_by_id, created_by_role)
          SELECT ${e.agentId}, ${e.regionId}, ${e.kind}, ${e.amountCents}, ${e.sourceId}, ${e.orderId},
                 ${shanghaiPeriod(e.earnedAt)}, ${e.earnedAt}, ${e.ruleIds ?? []}::uuid[], ${e.tierId ?? null},
                 ${e.description}, ${JSON.stringify(e.detail ?? {})}::jsonb, ${e.reason ?? null}, ${ctx.actorId},
                 ${ctx.role}
            FROM settling
          ON CONFLICT (source_id, kind) DO NOTHING
          RETURNING *`,
    );
    return rows[0] ?? null;
  }

  /** Cash collected on delivery, held by its agent (else its pickup point); a replay inserts nothing. */
  async insertCod(ctx: RequestContext, c: EventPayloads['cod.collected']): Promise<void> {
    const at = new Date(c.collectedAt);
    await this.db.query(
      ctx,
      sql`WITH settling AS MATERIALIZED (${sharedSettlementLock(c.regionId)})
          INSERT INTO commission_cod (order_id, agent_id, pickup_point_id, region_id, amount_cents, collected_at,
            period)
          SELECT ${c.orderId}, ${c.agentId}, ${c.agentId ? null : c.pickupPointId}, ${c.regionId}, ${c.amountCents},
                 ${at}, ${shanghaiPeriod(at)}
            FROM settling
          ON CONFLICT (order_id) DO NOTHING`,
    );
  }

  /** A cash refund owed by the holder of the COD cash; a replay inserts nothing. */
  async insertCashRefund(ctx: RequestContext, r: EventPayloads['refund.cash_owed']): Promise<void> {
    const at = new Date(r.owedAt);
    await this.db.query(
      ctx,
      sql`WITH settling AS MATERIALIZED (${sharedSettlementLock(r.regionId)})
          INSERT INTO commission_cash_refunds (refund_id, order_id, agent_id, pickup_point_id, region_id,
            amount_cents, owed_at, period)
          SELECT ${r.refundId}, ${r.orderId}, ${r.agentId}, ${r.agentId ? null : r.pickupPointId}, ${r.regionId},
                 ${r.amountCents}, ${at}, ${shanghaiPeriod(at)}
            FROM settling
          ON CONFLICT (refund_id) DO NOTHING`,
    );
  }

  /** Entries in the caller's scope, newest first, `limit` of them (ask one more to page). */
  async list(ctx: RequestContext, f: EntryFilters, limit: number): Promise<EntryRow[]> {
    const params = new SqlParams();
    const where = [entryScopeSql(ctx, 'e', params)];
    if (f.agentId) where.push(`e.agent_id = ${params.add(f.agentId)}`);
    if (f.period) where.push(`e.period = ${params.add(f.period)}`);
    if (f.kind) where.push(`e.kind = ${params.add(f.kind)}`);
    if (f.beforeId) where.push(`e.id < ${params.add(f.beforeId)}::bigint`);
    return this.db.query<EntryRow>(
      ctx,
      `${params.sql(ENTRY_SELECT)} WHERE ${where.join(' AND ')} ORDER BY e.id DESC LIMIT ${limit + 1}`,
      params,
    );
  }

  /** An agent's entry sums for a month and the COD cash and cash refunds not cleared yet. */
  async earnings(ctx: RequestContext, agentId: string, period: string): Promise<EarningsRow> {
    const [row] = await this.db.query<EarningsRow>(
      ctx,
      sql`SELECT COALESCE(sum(amount_cents) FILTER (WHERE kind = 'order_commission'), 0) AS commission,
                 COALESCE(sum(amount_cents) FILTER (WHERE kind = 'reversal'), 0) AS reversal,
                 COALESCE(sum(amount_cents) FILTER (WHERE kind = 'install_fee'), 0) AS install_fee,
                 COALESCE(sum(amount_cents) FILTER (WHERE kind = 'adjustment'), 0) AS adjustment,
                 count(*)::int AS n,
                 (SELECT COALESCE(sum(amount_cents), 0) FROM commission_cod
                   WHERE agent_id = ${agentId} AND cleared_at IS NULL) AS cod,
                 (SELECT COALESCE(sum(amount_cents), 0) FROM commission_cash_refunds
                   WHERE agent_id = ${agentId} AND cleared_at IS NULL) AS refunds
            FROM commission_entries WHERE agent_id = ${agentId} AND period = ${period}`,
    );
    return row;
  }

  /** An agent's COD cash cleared by paid settlements (and which of `orderIds` it was), and cleared refunds. */
  async codSettled(
    ctx: RequestContext,
    agentId: string,
    orderIds: string[],
  ): Promise<{ settled: string; refunds: string; orders: string[] }> {
    const [row] = await this.db.query<{ settled: string; refunds: string; orders: string[] }>(
      ctx,
      sql`SELECT COALESCE(sum(amount_cents) FILTER (WHERE cleared_at IS NOT NULL), 0) AS settled,
                 COALESCE(array_agg(order_id) FILTER (WHERE cleared_at IS NOT NULL
                                                        AND order_id = ANY(${orderIds}::uuid[])), '{}') AS orders,
                 (SELECT COALESCE(sum(amount_cents), 0) FROM commission_cash_refunds
                   WHERE agent_id = ${agentId} AND cleared_at IS NOT NULL) AS refunds
            FROM commission_cod WHERE agent_id = ${agentId}`,
    );
    return row;
  }
}
