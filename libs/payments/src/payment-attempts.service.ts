import { randomBytes } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import {
  alipayNotifyUrl,
  AppConfig,
  Clock,
  InjectConfig,
  newId,
  NotFoundError,
  RequestContext,
} from '@campus/core';
import { Db, pgConstraint, pgErrorCode } from '@campus/database';
import { MoneyLedgerService, OrderService, OrderView, ReceiptOutcome } from '@campus/orders';
import { event, OutboxService } from '@campus/queue';
import { AlipayGateway, TradeState } from './alipay/alipay-gateway';
import { AttemptsRepository } from './attempts.repository';
import { checkMethodForRole, outTradeNoFor, payableUntil, returnUrlFor, reusable } from './payment-policy';
import {
  AttemptMethod,
  AttemptRow,
  attemptView,
  CreatedAttempt,
  ExpiryOutcome,
  OrderPayments,
} from './payment-attempt.types';
import {
  PaymentMethodUnavailableError,
  ProviderRefusedError,
  ProviderUnavailableError,
} from './payments.errors';

/** What the provider said about each open attempt; `unreachable` when it could not say for some. */
interface Reconciliation {
  unreachable: boolean;
  queried: Set<string>;
}

/**
 * Payment attempts: Alipay cashier URLs and QR codes for an order, what Alipay says about them
 * (trade.query) and what happens when money arrives. Money is recorded in the order's ledger through
 * `MoneyLedgerService.receive` in the same transaction as the attempt's update, the order locked
 * first; state changes of the order go through OrderService. Provider calls happen outside
 * transactions (never holding a lock on the network); closing a trade at Alipay happens after commit,
 * through the outbox (`payment.attempt_closed`).
 */
@Injectable()
export class PaymentAttemptsService {
  private readonly log = new Logger('Payments');

  constructor(
    private readonly db: Db,
    private readonly orders: OrderService,
    private readonly ledger: MoneyLedgerService,
    private readonly attempts: AttemptsRepository,
    private readonly gateway: AlipayGateway,
    private readonly outbox: OutboxService,
    private readonly clock: Clock,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  /** The methods the shop may offer (none while Alipay is off: cash on delivery only). */
  methods(): AttemptMethod[] {
    return this.gateway.enabled ? ['alipay_wap', 'alipay_page', 'alipay_qr'] : [];
  }

  /**
   * Starts (or hands out again) a payment of an order: a signed cashier URL for the owner customer
   * (WAP on a phone, page pay on a desktop), or a QR code for the agent delivering an unpaid COD order
   * at the door. An open attempt of the same method with time left is reused rather than piling up
   * new trades. A QR code needs Alipay (precreate): unreachable → 502 and nothing is written.
   */
  async create(
    ctx: RequestContext,
    orderId: string,
    input: { method: AttemptMethod; returnUrl?: string },
  ): Promise<CreatedAttempt> {
    if (!this.gateway.enabled) throw new PaymentMethodUnavailableError(input.method);
    checkMethodForRole(input.method, ctx.role);
    const order = await this.orderFor(ctx, orderId, input.method);
    const now = this.clock.now();
    const expiresAt = payableUntil(order, input.method, now);
    const returnUrl =
      input.method === 'alipay_qr' ? null : returnUrlFor(this.config.publicBaseUrl, orderId, input.returnUrl);

    const [existing] = await this.attempts.openOf(ctx, orderId, input.method);
    if (existing && reusable(existing, returnUrl, now)) return { ...attemptView(existing), reused: true };

    const id = newId();
    const outTradeNo = outTradeNoFor(order.number, randomBytes(5).toString('hex'));
    const trade = {
      outTradeNo,
      amountCents: order.totalCents,
      subject: `校园订单 ${order.number}`,
      expiresAt,
    };
    // The network call comes first: if Alipay cannot be reached, nothing is written.
    const { redirectUrl, qrCode } = await this.cashier(input.method, trade, returnUrl);

    try {
      return await this.db.transaction(ctx, async (tx) => {
        const locked = await this.orderFor(tx, orderId, input.method, true);
        payableUntil(locked, input.method, this.clock.now());
        await this.closeOpen(tx, orderId, 'superseded', { method: input.method });
        const row = await this.attempts.insert(tx, {
          id,
          orderId,
          method: input.method,
          outTradeNo,
          amountCents: locked.totalCents,
          expiresAt,
          returnUrl,
          redirectUrl,
          qrCode,
        });
        return { ...attemptView(row), reused: false };
      });
    } catch (err) {
      // Two taps at once: the other one's attempt is the open one; hand it out.
      if (pgErrorCode(err) === '23505' && pgConstraint(err) === 'payment_attempts_one_open') {
        const [winner] = await this.attempts.openOf(ctx, orderId, input.method);
        if (winner) return { ...attemptView(winner), reused: true };
      }
      throw err;
    }
  }

  /** The attempts and refunds of an order the caller may see (scoped like the order). */
  async forOrder(ctx: RequestContext, orderId: string): Promise<OrderPayments> {
    const order = await this.orders.get(ctx, orderId);
    const { refunds } = await this.ledger.moneyOf(ctx, orderId);
    return {
      orderStatus: order.status,
      paymentDueAt: order.paymentDueAt,
      attempts: (await this.attempts.ofOrder(ctx, orderId)).map(attemptView),
      refunds,
    };
  }

  /**
   * Asks Alipay about every open attempt of the order and applies what it says (a paid trade confirms
   * the order) — the shop calls this when the customer comes back from Alipay. 502 when Alipay could
   * not be asked about some attempt (what it did say is applied all the same).
   */
  async sync(ctx: RequestContext, orderId: string): Promise<OrderPayments> {
    const order = await this.orders.get(ctx, orderId);
    if (ctx.is('agent') && order.assignedAgentId !== ctx.principal.agentId)
      throw new NotFoundError('order', orderId);
    const { unreachable } = await this.reconcile(ctx.asSystem(), orderId, async (_tx, r) => r);
    if (unreachable)
      throw new ProviderUnavailableError('Alipay could not be asked about this payment; try again');
    return this.forOrder(ctx, orderId);
  }

  /**
   * The payment deadline of an unpaid online order has come. Never "paid but shows unpaid": Alipay is
   * asked about every open attempt first, and the order is locked while deciding — a paid attempt
   * confirms it; only if Alipay answered for all of them and none is paid is it cancelled (stock
   * back) and its attempts closed (at Alipay after commit). If Alipay could not be asked, nothing is
   * decided (`unreachable`): the caller retries later.
   */
  async expire(ctx: RequestContext, orderId: string): Promise<ExpiryOutcome> {
    const sys = ctx.asSystem();
    const order = await this.orders.find(sys, orderId);
    if (!order || order.status !== 'pending_payment') return 'not_pending';
    return this.reconcile(sys, orderId, async (tx, r): Promise<ExpiryOutcome> => {
      const now = (await this.orders.find(tx, orderId))!;
      if (now.status !== 'pending_payment') return now.status === 'confirmed' ? 'paid' : 'not_pending';
      const open = await this.attempts.openOf(tx, orderId);
      // An attempt Alipay was not asked about (it could not be, or it appeared meanwhile): ask again later.
      if (r.unreachable || open.some((a) => !r.queried.has(a.id))) return 'unreachable';
      await this.orders.transition(tx, orderId, 'cancel', {
        reason: 'payment window expired',
        data: { cause: 'unpaid_timeout', attemptsClosed: open.map((a) => a.out_trade_no) },
      });
      await this.closeAttempts(tx, open.map(idOf), 'order_cancelled');
      return 'cancelled';
    });
  }

  /**
   * The customer pays cash on delivery instead (e.g. Alipay cannot be reached): the unpaid online
   * order becomes a confirmed COD order (`choose_cod`, its event and outbox row) and its open attempts
   * are closed (at Alipay after commit). Money that still arrives for them is taken as a prepayment.
   */
  async chooseCod(ctx: RequestContext, orderId: string): Promise<OrderView> {
    return this.db.transaction(ctx, async (tx) => {
      const order = await this.orders.transition(tx, orderId, 'choose_cod', {
        set: { paymentMethod: 'cod' },
        data: { from: 'online', to: 'cod' },
      });
      await this.closeOpen(tx, orderId, 'switched_to_cod');
      return order;
    });
  }

  /**
   * Money arrived for an attempt (a verified notice, or trade.query said so): the attempt is marked
   * paid and the money recorded in the order's ledger in one transaction (the caller's), the order
   * locked first. Idempotent on Alipay's trade number: the same trade again is `duplicate`.
   */
  async takePayment(
    tx: RequestContext,
    attempt: AttemptRow,
    paid: { tradeNo: string; paidAt: Date; source: 'notice' | 'query' },
  ): Promise<ReceiptOutcome | 'trade_mismatch'> {
    await this.orders.find(tx, attempt.order_id, { lock: true });
    const locked = (await this.attempts.lock(tx, attempt.id))!;
    if (locked.status === 'paid' && locked.trade_no !== paid.tradeNo) return 'trade_mismatch';
    if (locked.status !== 'paid') await this.attempts.markPaid(tx, attempt.id, paid.tradeNo, paid.paidAt);
    const outcome = await this.ledger.receive(tx, {
      orderId: attempt.order_id,
      method: 'alipay',
      providerRef: paid.tradeNo,
      amountCents: Number(locked.amount_cents),
      paidAt: paid.paidAt,
      allowCodPrepay: true,
      data: {
        attemptId: attempt.id,
        outTradeNo: attempt.out_trade_no,
        via: attempt.method,
        source: paid.source,
      },
    });
    // The order is paid: its other attempts must not take the money a second time.
    if (outcome.status === 'applied')
      await this.closeOpen(tx, attempt.order_id, 'order_paid', { except: attempt.id });
    return outcome;
  }

  /**
   * Closes attempts here (those still open) and, after commit, at Alipay (`payment.attempt_closed`).
   */
  async closeAttempts(tx: RequestContext, ids: readonly string[], reason: string): Promise<void> {
    const closed = await this.attempts.close(tx, ids, reason);
    await this.outbox.append(
      tx,
      closed.map((a) =>
        event(
          'payment.attempt_closed',
          { attemptId: a.id, orderId: a.order_id, outTradeNo: a.out_trade_no, reason },
          { aggregateId: a.order_id },
        ),
      ),
    );
  }

  /** Where the payer pays: a QR code from Alipay (precreate: unreachable → 502), or a signed cashier URL. */
  private async cashier(
    method: AttemptMethod,
    trade: { outTradeNo: string; amountCents: number; subject: string; expiresAt: Date },
    returnUrl: string | null,
  ): Promise<{ redirectUrl: string | null; qrCode: string | null }> {
    const notifyUrl = alipayNotifyUrl(this.config);
    if (method === 'alipay_qr') {
      return { redirectUrl: null, qrCode: (await this.gateway.precreate({ ...trade, notifyUrl })).qrCode };
    }
    const kind = method === 'alipay_wap' ? 'wap' : 'page';
    return {
      redirectUrl: this.gateway.pagePayUrl({ kind, ...trade, returnUrl: returnUrl!, notifyUrl }),
      qrCode: null,
    };
  }

  /** Closes the order's open attempts (of `method` only, all but `except`) as `closeAttempts` does. */
  private async closeOpen(
    tx: RequestContext,
    orderId: string,
    reason: string,
    only: { method?: AttemptMethod; except?: string } = {},
  ): Promise<void> {
    const open = await this.attempts.openOf(tx, orderId, only.method);
    const ids = open.filter((a) => a.id !== only.except).map(idOf);
    await this.closeAttempts(tx, ids, reason);
  }

  /**
   * After an attempt was closed here, close its trade at Alipay. A trade that turns out to have been
   * paid meanwhile is taken as a payment (the ledger refunds it if the order cannot take it).
   * Throws ProviderUnavailableError while Alipay cannot be reached (the queue retries).
   */
  async closeAtProvider(ctx: RequestContext, attemptId: string, outTradeNo: string): Promise<void> {
    const result = await this.gateway.close(outTradeNo);
    if (result !== 'not_closable') return;
    const state = await this.gateway.query(outTradeNo);
    if (state.state !== 'paid') return;
    const sys = ctx.asSystem();
    const attempt = await this.attempts.byOutTradeNo(sys, outTradeNo);
    if (!attempt || attempt.id !== attemptId) return;
    await this.db.transaction(sys, (tx) => this.apply(tx, attempt, state));
  }

  /**
   * Asks Alipay about each open attempt of the order (outside any transaction), then — the order
   * locked — applies the answers and runs `then` in the same transaction.
   */
  private async reconcile<T>(
    sys: RequestContext,
    orderId: string,
    then: (tx: RequestContext, r: Reconciliation) => Promise<T>,
  ): Promise<T> {
    const open = await this.attempts.openOf(sys, orderId);
    const answers: { attempt: AttemptRow; state: TradeState }[] = [];
    let unreachable = false;
    for (const attempt of open) {
      try {
        answers.push({ attempt, state: await this.gateway.query(attempt.out_trade_no) });
      } catch (err) {
        if (!(err instanceof ProviderUnavailableError) && !(err instanceof ProviderRefusedError)) throw err;
        this.log.warn(`trade.query ${attempt.out_trade_no}: ${err.message}`);
        unreachable = true;
      }
    }
    return this.db.transaction(sys, async (tx) => {
      const order = await this.orders.find(tx, orderId, { lock: true });
      if (!order) throw new NotFoundError('order', orderId);
      for (const { attempt, state } of answers) await this.apply(tx, attempt, state);
      return then(tx, { unreachable, queried: new Set(answers.map((a) => a.attempt.id)) });
    });
  }

  /** Applies what Alipay said about one attempt, inside the caller's transaction. */
  private async apply(tx: RequestContext, attempt: AttemptRow, state: TradeState): Promise<void> {
    if (state.state === 'paid') {
      if (state.amountCents !== Number(attempt.amount_cents)) {
        this.log.error(
          `trade ${attempt.out_trade_no} paid ${state.amountCents} fen at Alipay for an attempt of ${attempt.amount_cents}`,
        );
        await this.attempts.markFailed(tx, attempt.id, `Alipay reports ${state.amountCents} fen paid`);
        return;
      }
      await this.takePayment(tx, attempt, { tradeNo: state.tradeNo, paidAt: state.paidAt, source: 'query' });
    } else if (state.state === 'closed') {
      await this.attempts.close(tx, [attempt.id], 'closed_at_provider');
    }
  }

  /** The order for a payment by `method`: the customer's own, or the one the calling agent delivers (else 404). */
  private async orderFor(
    ctx: RequestContext,
    orderId: string,
    method: AttemptMethod,
    lock = false,
  ): Promise<OrderView> {
    const order = await this.orders.find(ctx, orderId, { lock });
    if (!order) throw new NotFoundError('order', orderId);
    if (method === 'alipay_qr' && order.assignedAgentId !== ctx.principal.agentId) {
      throw new NotFoundError('order', orderId);
    }
    return order;
  }
}

const idOf = (a: AttemptRow): string => a.id;
