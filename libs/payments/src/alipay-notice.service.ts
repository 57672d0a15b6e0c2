import { Injectable, Logger } from '@nestjs/common';
import { Db } from '@campus/database';
import type { RequestContext } from '@campus/core';
import { mask, parseBeijingTime, yuanToFen } from './alipay/alipay-format';
import { AlipayGateway } from './alipay/alipay-gateway';
import { AttemptsRepository } from './attempts.repository';
import { PaymentAttemptsService } from './payment-attempts.service';

/** The answer Alipay gets: `success` stops its retries; anything else makes it send the notice again. */
export interface NoticeAnswer {
  taken: boolean;
  /** Why a notice was not taken (for logs and tests; Alipay only sees `fail`). */
  reason?:
    | 'alipay_off'
    | 'bad_signature'
    | 'wrong_app'
    | 'unknown_trade'
    | 'bad_amount'
    | 'amount_mismatch'
    | 'bad_status'
    | 'bad_trade_no'
    | 'trade_mismatch';
}

const PAID = new Set(['TRADE_SUCCESS', 'TRADE_FINISHED']);
const TRADE_NO = /^[A-Za-z0-9_]{1,64}$/;

/**
 * Alipay's asynchronous notices (`POST /api/payments/alipay/notify`, form-encoded, RSA2). Taken only
 * when the SDK verifies the signature against ALIPAY_PUBLIC_KEY and the notice is for our app, for a
 * trade we opened, for exactly its amount (yuan string → integer fen, no floats), and paid
 * (TRADE_SUCCESS / TRADE_FINISHED). The payment is then recorded once per Alipay trade number: a replay
 * is taken again (`success`) and changes nothing. Anything else changes nothing and is logged.
 */
@Injectable()
export class AlipayNoticeService {
  private readonly log = new Logger('AlipayNotice');

  constructor(
    private readonly db: Db,
    private readonly gateway: AlipayGateway,
    private readonly attempts: AttemptsRepository,
    private readonly payments: PaymentAttemptsService,
  ) {}

  async receive(ctx: RequestContext, body: unknown): Promise<NoticeAnswer> {
    const params = formParams(body);
    const refuse = (reason: NonNullable<NoticeAnswer['reason']>): NoticeAnswer => {
      this.log.warn(
        `Alipay notice refused (${reason}): ${JSON.stringify({
          outTradeNo: params.out_trade_no ?? null,
          tradeNo: mask(params.trade_no),
          appId: mask(params.app_id),
          totalAmount: params.total_amount ?? null,
          tradeStatus: params.trade_status ?? null,
          buyerLogonId: mask(params.buyer_logon_id, 2),
          notifyId: mask(params.notify_id),
        })}`,
      );
      return { taken: false, reason };
    };
    if (!this.gateway.enabled) return refuse('alipay_off');
    if (!this.gateway.verifyNotice(params)) return refuse('bad_signature');
    if (params.app_id !== this.gateway.appId) return refuse('wrong_app');
    const sys = ctx.asSystem();
    const attempt = params.out_trade_no ? await this.attempts.byOutTradeNo(sys, params.out_trade_no) : null;
    if (!attempt) return refuse('unknown_trade');
    const amount = yuanToFen(params.total_amount);
    if (amount === null) return refuse('bad_amount');
    if (amount !== Number(attempt.amount_cents)) return refuse('amount_mismatch');

    const status = params.trade_status;
    if (status === 'WAIT_BUYER_PAY') return { taken: true };
    if (status === 'TRADE_CLOSED') {
      await this.attempts.close(sys, [attempt.id], 'closed_at_provider');
      return { taken: true };
    }
    if (!status || !PAID.has(status)) return refuse('bad_status');
    if (!params.trade_no || !TRADE_NO.test(params.trade_no)) return refuse('bad_trade_no');

    const paidAt = parseBeijingTime(params.gmt_payment) ?? new Date();
    const outcome = await this.db.transaction(sys, (tx) =>
      this.payments.takePayment(tx, attempt, { tradeNo: params.trade_no, paidAt, source: 'notice' }),
    );
    if (outcome === 'trade_mismatch') return refuse('trade_mismatch');
    return { taken: true };
  }
}

/** The form fields as strings (a repeated field is not something Alipay sends: its first value). */
function formParams(body: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!body || typeof body !== 'object') return out;
  for (const [k, v] of Object.entries(body as Record<string, unknown>)) {
    const value = Array.isArray(v) ? v[0] : v;
    if (typeof value === 'string') out[k] = value;
  }
  return out;
}
