import { Injectable } from '@nestjs/common';
import type { RequestContext } from '@campus/core';
import { Db } from '@campus/database';
import type { AttemptMethod, AttemptRow } from './payment-attempt.types';

const COLUMNS = `id, order_id, method, out_trade_no, amount_cents, status, expires_at, return_url, redirect_url, qr_code,
  trade_no, paid_at, closed_at, close_reason, failure_reason, created_at`;

/** The SQL of `payment_attempts` (the payments context's own table). */
@Injectable()
export class AttemptsRepository {
  constructor(private readonly db: Db) {}

  async insert(
    ctx: RequestContext,
    a: {
      id: string;
      orderId: string;
      method: AttemptMethod;
      outTradeNo: string;
      amountCents: number;
      expiresAt: Date;
      returnUrl: string | null;
      redirectUrl: string | null;
      qrCode: string | null;
    },
  ): Promise<AttemptRow> {
    const [row] = await this.db.query<AttemptRow>(
      ctx,
      `INSERT INTO payment_attempts (id, order_id, method, out_trade_no, amount_cents, status, expires_at, return_url,
         redirect_url, qr_code, created_by_id, created_by_role)
       VALUES ($1, $2, $3, $4, $5, 'open', $6, $7, $8, $9, $10, $11) RETURNING ${COLUMNS}`,
      [
        a.id,
        a.orderId,
        a.method,
        a.outTradeNo,
        a.amountCents,
        a.expiresAt,
        a.returnUrl,
        a.redirectUrl,
        a.qrCode,
        ctx.actorId,
        ctx.role,
      ],
    );
    return row;
  }

  async ofOrder(ctx: RequestContext, orderId: string): Promise<AttemptRow[]> {
    return this.db.query<AttemptRow>(
      ctx,
      `SELECT ${COLUMNS} FROM payment_attempts WHERE order_id = $1 ORDER BY created_at, id`,
      [orderId],
    );
  }

  async openOf(ctx: RequestContext, orderId: string, method?: AttemptMethod): Promise<AttemptRow[]> {
    return this.db.query<AttemptRow>(
      ctx,
      `SELECT ${COLUMNS} FROM payment_attempts WHERE order_id = $1 AND status = 'open'
         ${method ? 'AND method = $2' : ''} ORDER BY created_at, id`,
      method ? [orderId, method] : [orderId],
    );
  }

  async byOutTradeNo(ctx: RequestContext, outTradeNo: string): Promise<AttemptRow | null> {
    const [row] = await this.db.query<AttemptRow>(
      ctx,
      `SELECT ${COLUMNS} FROM payment_attempts WHERE out_trade_no = $1`,
      [outTradeNo],
    );
    return row ?? null;
  }

  async lock(ctx: RequestContext, id: string): Promise<AttemptRow | null> {
    const [row] = await this.db.query<AttemptRow>(
      ctx,
      `SELECT ${COLUMNS} FROM payment_attempts WHERE id = $1 FOR UPDATE`,
      [id],
    );
    return row ?? null;
  }

  /** Paid (whatever it was before: money that arrived is a fact, even on an attempt closed here). */
  async markPaid(ctx: RequestContext, id: string, tradeNo: string, paidAt: Date): Promise<void> {
    await this.db.query(
      ctx,
      `UPDATE payment_attempts SET status = 'paid', trade_no = $2, paid_at = $3, closed_at = NULL, updated_at = now()
        WHERE id = $1 AND status <> 'paid'`,
      [id, tradeNo, paidAt],
    );
  }

  /** Closes the given attempts that are still open; returns those it closed. */
  async close(ctx: RequestContext, ids: readonly string[], reason: string): Promise<AttemptRow[]> {
    if (ids.length === 0) return [];
    return this.db.query<AttemptRow>(
      ctx,
      `UPDATE payment_attempts SET status = 'closed', closed_at = now(), close_reason = $2, updated_at = now()
        WHERE id = ANY($1::uuid[]) AND status = 'open' RETURNING ${COLUMNS}`,
      [ids, reason],
    );
  }

  async markFailed(ctx: RequestContext, id: string, reason: string): Promise<void> {
    await this.db.query(
      ctx,
      `UPDATE payment_attempts SET status = 'failed', failure_reason = $2, closed_at = NULL, updated_at = now()
        WHERE id = $1 AND status IN ('open', 'closed')`,
      [id, reason.slice(0, 500)],
    );
  }
}
