import { Injectable } from '@nestjs/common';
import { decodeCursor, newId, RequestContext } from '@campus/core';
import { Db, SqlParams } from '@campus/database';
import { event, OutboxEvent } from '@campus/queue';
import type {
  CashHolder,
  PlannedRefund,
  ReceiptBalance,
  ReceiptMethod,
  RefundCause,
  RefundMethod,
  RefundStatus,
} from './money-policy';
import type { RefundQueryDto } from './dto/refund-query.dto';
import type { ReceiptView, RefundView } from './money.types';

interface ReceiptRow {
  id: string;
  order_id: string;
  method: ReceiptMethod;
  provider_ref: string;
  amount_cents: string;
  outcome: 'applied' | 'refund_required';
  holder_agent_id: string | null;
  holder_pickup_point_id: string | null;
  paid_at: Date;
  received_at: Date;
}

export interface RefundRow {
  id: string;
  order_id: string;
  number: string;
  region_id: string;
  payment_id: string;
  amount_cents: string;
  method: RefundMethod;
  status: RefundStatus;
  cause: RefundCause;
  reason: string;
  holder_agent_id: string | null;
  holder_pickup_point_id: string | null;
  provider_ref: string | null;
  failure_code: string | null;
  failure_reason: string | null;
  attempts: number;
  created_at: Date;
  updated_at: Date;
  succeeded_at: Date | null;
  failed_at: Date | null;
  paid_out_at: Date | null;
  paid_out_by_id: string | null;
}

const holderOf = (agentId: string | null, pickupPointId: string | null): CashHolder | null =>
  agentId || pickupPointId ? { agentId, pickupPointId } : null;

export function receiptView(r: ReceiptRow): ReceiptView {
  return {
    id: r.id,
    orderId: r.order_id,
    method: r.method,
    providerRef: r.provider_ref,
    amountCents: Number(r.amount_cents),
    outcome: r.outcome,
    holder: holderOf(r.holder_agent_id, r.holder_pickup_point_id),
    paidAt: r.paid_at,
    receivedAt: r.received_at,
  };
}

export function refundView(r: RefundRow): RefundView {
  return {
    id: r.id,
    orderId: r.order_id,
    orderNumber: r.number,
    regionId: r.region_id,
    paymentId: r.payment_id,
    amountCents: Number(r.amount_cents),
    method: r.method,
    status: r.status,
    cause: r.cause,
    reason: r.reason,
    holder: holderOf(r.holder_agent_id, r.holder_pickup_point_id),
    providerRef: r.provider_ref,
    failureCode: r.failure_code,
    failureReason: r.failure_reason,
    attempts: r.attempts,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    succeededAt: r.succeeded_at,
    failedAt: r.failed_at,
    paidOutAt: r.paid_out_at,
    paidOutById: r.paid_out_by_id,
  };
}

export const REFUND_COLUMNS = `r.id, r.order_id, o.number, r.region_id, r.payment_id, r.amount_cents, r.method, r.status,
  r.cause, r.reason, r.holder_agent_id, r.holder_pickup_point_id, r.provider_ref, r.failure_code, r.failure_reason,
  r.attempts, r.created_at, r.updated_at, r.succeeded_at, r.failed_at, r.paid_out_at, r.paid_out_by_id`;

/**
 * The SQL of the order's money ledger: receipts (`payments`) and refunds (`refunds`). Decisions live
 * in MoneyLedgerService and money-policy.ts; this class only reads and writes rows, always on the
 * caller's transaction.
 */
@Injectable()
export class MoneyLedgerRepository {
  constructor(private readonly db: Db) {}

  async findReceipt(
    ctx: RequestContext,
    method: ReceiptMethod,
    providerRef: string,
  ): Promise<{ id: string; orderId: string; amountCents: number } | null> {
    const [row] = await this.db.query<{ id: string; order_id: string; amount_cents: string }>(
      ctx,
      `SELECT id, order_id, amount_cents FROM payments WHERE method = $1 AND provider_ref = $2`,
      [method, providerRef],
    );
    return row ? { id: row.id, orderId: row.order_id, amountCents: Number(row.amount_cents) } : null;
  }

  async insertReceipt(
    ctx: RequestContext,
    r: {
      orderId: string;
      method: ReceiptMethod;
      providerRef: string;
      amountCents: number;
      paidAt: Date | string;
      outcome: 'applied' | 'refund_required';
      holder?: CashHolder;
      data?: Record<string, unknown>;
    },
  ): Promise<string> {
    const [row] = await this.db.query<{ id: string }>(
      ctx,
      `INSERT INTO payments (provider_ref, order_id, amount_cents, paid_at, outcome, method, holder_agent_id,
         holder_pickup_point_id, data)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
      [
        r.providerRef,
        r.orderId,
        r.amountCents,
        r.paidAt,
        r.outcome,
        r.method,
        r.holder?.agentId ?? null,
        r.holder?.pickupPointId ?? null,
        JSON.stringify(r.data ?? {}),
      ],
    );
    return row.id;
  }

  /** Each receipt of an order with what its refunds (failed ones aside) already give back. */
  async balances(ctx: RequestContext, orderId: string): Promise<ReceiptBalance[]> {
    const rows = await this.db.query<{
      id: string;
      method: ReceiptMethod;
      amount_cents: string;
      refunded: string;
      holder_agent_id: string | null;
      holder_pickup_point_id: string | null;
      provider_ref: string;
    }>(
      ctx,
      `SELECT p.id, p.method, p.amount_cents, p.holder_agent_id, p.holder_pickup_point_id, p.provider_ref,
              COALESCE((SELECT sum(r.amount_cents) FROM refunds r WHERE r.payment_id = p.id AND r.status <> 'failed'), 0)
                AS refunded
         FROM payments p WHERE p.order_id = $1 ORDER BY p.received_at, p.id`,
      [orderId],
    );
    return rows.map((r) => ({
      paymentId: r.id,
      method: r.method,
      amountCents: Number(r.amount_cents),
      refundedCents: Number(r.refunded),
      holder: { agentId: r.holder_agent_id, pickupPointId: r.holder_pickup_point_id },
      providerRef: r.provider_ref,
    }));
  }

  /**
   * Writes refunds for an order (inside the caller's transaction) and returns the outbox events that
   * must commit with them: `refund.requested` for Alipay, `refund.cash_owed` for cash.
   */
  async insertRefunds(
    ctx: RequestContext,
    order: { id: string; regionId: string },
    planned: readonly PlannedRefund[],
    meta: { cause: RefundCause; reason: string },
  ): Promise<{ ids: string[]; events: OutboxEvent[] }> {
    if (planned.length === 0) return { ids: [], events: [] };
    const ids = planned.map(() => newId());
    const rows = await this.db.query<{ id: string; created_at: Date }>(
      ctx,
      `INSERT INTO refunds (id, order_id, payment_id, region_id, amount_cents, method, status, cause, reason,
         holder_agent_id, holder_pickup_point_id, requested_by_id, requested_by_role)
       SELECT id, $1, payment_id, $2, amount, method, status, $3, $4, agent, point, $5, $6
         FROM unnest($7::uuid[], $8::uuid[], $9::bigint[], $10::text[], $11::text[], $12::uuid[], $13::uuid[])
           AS x(id, payment_id, amount, method, status, agent, point)
       RETURNING id, created_at`,
      [
        order.id,
        order.regionId,
        meta.cause,
        meta.reason.slice(0, 500),
        ctx.actorId,
        ctx.role,
        ids,
        planned.map((p) => p.paymentId),
        planned.map((p) => p.amountCents),
        planned.map((p) => p.method),
        planned.map((p) => p.status),
        planned.map((p) => p.holder?.agentId ?? null),
        planned.map((p) => p.holder?.pickupPointId ?? null),
      ],
    );
    const createdAt = new Map(rows.map((r) => [r.id, r.created_at]));
    const events: OutboxEvent[] = [];
    planned.forEach((p, i) => {
      if (p.method === 'alipay') {
        events.push(
          event(
            'refund.requested',
            {
              refundId: ids[i],
              orderId: order.id,
              paymentId: p.paymentId,
              tradeNo: p.providerRef,
              amountCents: p.amountCents,
            },
            { aggregateId: order.id },
          ),
        );
      } else if (p.method === 'cash') {
        events.push(
          event(
            'refund.cash_owed',
            {
              refundId: ids[i],
              orderId: order.id,
              agentId: p.holder?.agentId ?? null,
              pickupPointId: p.holder?.pickupPointId ?? null,
              regionId: order.regionId,
              amountCents: p.amountCents,
              owedAt: (createdAt.get(ids[i]) ?? new Date()).toISOString(),
            },
            { aggregateId: order.id },
          ),
        );
      }
    });
    return { ids, events };
  }

  async receiptsOf(ctx: RequestContext, orderId: string): Promise<ReceiptView[]> {
    const rows = await this.db.query<ReceiptRow>(
      ctx,
      `SELECT id, order_id, method, provider_ref, amount_cents, outcome, holder_agent_id, holder_pickup_point_id,
              paid_at, received_at
         FROM payments WHERE order_id = $1 ORDER BY received_at, id`,
      [orderId],
    );
    return rows.map(receiptView);
  }

  async refundsOf(ctx: RequestContext, orderId: string): Promise<RefundView[]> {
    const rows = await this.db.query<RefundRow>(
      ctx,
      `SELECT ${REFUND_COLUMNS} FROM refunds r JOIN orders o ON o.id = r.order_id
        WHERE r.order_id = $1 ORDER BY r.created_at, r.id`,
      [orderId],
    );
    return rows.map(refundView);
  }

  /** One refund with its order's number, optionally locked; `scope` is SQL on `r` (with its params). */
  async refund(
    ctx: RequestContext,
    id: string,
    opts: { lock?: boolean; scope?: (params: unknown[]) => string } = {},
  ): Promise<RefundView | null> {
    const params: unknown[] = [id];
    const scope = opts.scope ? opts.scope(params) : 'TRUE';
    const [row] = await this.db.query<RefundRow>(
      ctx,
      `SELECT ${REFUND_COLUMNS} FROM refunds r JOIN orders o ON o.id = r.order_id
        WHERE r.id = $1 AND ${scope}${opts.lock ? ' FOR UPDATE OF r' : ''}`,
      params,
    );
    return row ? refundView(row) : null;
  }

  /** The refund's Alipay trade (its receipt's provider reference). */
  async tradeOf(ctx: RequestContext, refundId: string): Promise<string | null> {
    const [row] = await this.db.query<{ provider_ref: string; method: ReceiptMethod }>(
      ctx,
      `SELECT p.provider_ref, p.method FROM refunds r JOIN payments p ON p.id = r.payment_id WHERE r.id = $1`,
      [refundId],
    );
    return row && row.method === 'alipay' ? row.provider_ref : null;
  }

  /** A page of refunds matching `q` (plus one, to tell whether there is more), newest first. */
  async list(
    ctx: RequestContext,
    q: RefundQueryDto,
    scope: (params: SqlParams) => string,
    limit: number,
  ): Promise<(RefundRow & { cursor_at: string })[]> {
    const params = new SqlParams();
    const where = [scope(params)];
    if (q.status) where.push(`r.status = ${params.add(q.status)}`);
    if (q.method) where.push(`r.method = ${params.add(q.method)}`);
    if (q.holderAgentId) where.push(`r.holder_agent_id = ${params.add(q.holderAgentId)}`);
    if (q.orderId) where.push(`r.order_id = ${params.add(q.orderId)}`);
    if (q.from) where.push(`r.created_at >= ${params.add(q.from)}::timestamptz`);
    if (q.to) where.push(`r.created_at < ${params.add(q.to)}::timestamptz`);
    if (q.cursor) {
      const [at, id] = decodeCursor(q.cursor, ['string', 'string']);
      where.push(`(r.created_at, r.id) < (${params.add(at)}::timestamptz, ${params.add(id)}::uuid)`);
    }
    return this.db.query<RefundRow & { cursor_at: string }>(
      ctx,
      `SELECT ${REFUND_COLUMNS}, r.created_at::text AS cursor_at FROM refunds r JOIN orders o ON o.id = r.order_id
        WHERE ${where.join(' AND ')}
        ORDER BY r.created_at DESC, r.id DESC LIMIT ${limit + 1}`,
      params,
    );
  }

  /** Cash refunds an agent has handed to customers (`paid_out`), in fen. */
  async cashPaidOutBy(ctx: RequestContext, agentId: string): Promise<number> {
    const [row] = await this.db.query<{ total: string }>(
      ctx,
      `SELECT COALESCE(sum(amount_cents), 0) AS total FROM refunds
        WHERE method = 'cash' AND status = 'paid_out' AND holder_agent_id = $1`,
      [agentId],
    );
    return Number(row.total);
  }

  async update(
    ctx: RequestContext,
    id: string,
    sets: Record<string, unknown>,
    expectStatus: RefundStatus,
  ): Promise<boolean> {
    const params = new SqlParams([id, expectStatus]);
    const assignments = Object.entries(sets).map(([col, v]) =>
      v === NOW ? `${col} = now()` : `${col} = ${params.add(v)}`,
    );
    const rows = await this.db.query(
      ctx,
      `UPDATE refunds SET ${assignments.join(', ')}, updated_at = now() WHERE id = $1 AND status = $2 RETURNING id`,
      params.values,
    );
    return rows.length === 1;
  }
}

/** Marks a column to be set to the database's now() in `update`. */
export const NOW = Symbol('now');
