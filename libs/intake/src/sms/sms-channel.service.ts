import { Injectable } from '@nestjs/common';
import {
  AppConfig,
  BusinessRuleError,
  Clock,
  DomainError,
  IllegalTransitionError,
  InjectConfig,
  newId,
  NotFoundError,
  OutOfStockError,
  RequestContext,
} from '@campus/core';
import { CustomersService } from '@campus/auth';
import { ProductsService, ProductView, UnknownSkuError } from '@campus/catalog';
import { Db } from '@campus/database';
import { AgentsService, NetworkService } from '@campus/network';
import { OrderQueryDto, OrderService, OrderView, PlaceOrderCommand } from '@campus/orders';
import { event, OutboxService } from '@campus/queue';
import { requestHash } from '../request-hash';
import { parseSms, ParsedSms, SmsCommand, SmsLanguage } from './sms-grammar';
import { SmsReplies } from './sms-replies';
import { InboundSms, readInboundSms, twimlReply, verifyTwilioSignature } from './twilio-webhook';

/** Per-number limit, counted in PostgreSQL so it holds across API replicas. */
export const SMS_RATE_LIMIT = { messages: 20, windowMinutes: 10 } as const;

/** A signed Twilio webhook as it arrived: path (with query) as requested, header, form fields. */
export interface TwilioWebhook {
  path: string;
  signature: string | undefined;
  params: Record<string, unknown>;
}

/** One inbound text being handled, inside its transaction (system principal). */
interface Turn {
  tx: RequestContext;
  sms: InboundSms;
  parsed: ParsedSms;
  lang: SmsLanguage;
  now: Date;
  messageId: string;
}

interface Outcome {
  reply: string | null;
  command?: 'rate_limited';
  orderId?: string;
  quoteId?: string;
  optedOut?: boolean;
}

interface QuoteRow {
  id: string;
  message_id: string;
  product_id: string;
  sku: string;
  product_name: string;
  quantity: number;
  unit_price_cents: number;
  total_cents: string;
  payment_method: 'online' | 'cod';
  fulfilment_type: 'locker' | 'counter';
  pickup_point_id: string;
  pickup_point_code: string;
  agent_id: string | null;
  reply_body: string;
  status: string;
  expires_at: Date;
  created_at: Date;
  order_id: string | null;
  order_number: string | null;
}

interface PickupPointRef {
  id: string;
  code: string;
  name: string;
}

/** The order moved to another price between quote and YES: the customer must see the new total. */
class PriceChangedError extends BusinessRuleError {
  constructor() {
    super('price_changed', 'The price changed since the quote');
  }
}

const PLACED_QUOTE_MEMORY_MS = 60 * 60_000;

/**
 * The SMS channel (Twilio). Each inbound text is handled in one transaction, serialised per sender
 * number by an advisory lock: the text is stored with its MessageSid (unique) and its reply, so a
 * retried webhook gets the same reply and changes nothing. BUY makes a quote; YES places it through
 * the one `OrderService.place` as the customer (idempotency key = the quote id); STATUS and CANCEL
 * act on the sender's own orders only. Exchanges about an order are written to its timeline.
 */
@Injectable()
export class SmsChannelService {
  constructor(
    private readonly db: Db,
    private readonly orders: OrderService,
    private readonly products: ProductsService,
    private readonly customers: CustomersService,
    private readonly network: NetworkService,
    private readonly agents: AgentsService,
    private readonly outbox: OutboxService,
    private readonly clock: Clock,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  /** Verifies, handles and answers one inbound-message webhook. Bad signature → 403, nothing stored. */
  async receive(ctx: RequestContext, webhook: TwilioWebhook): Promise<{ twiml: string; replayed: boolean }> {
    verifyTwilioSignature(
      this.config.twilio.authToken,
      `${this.config.publicBaseUrl}${webhook.path}`,
      webhook.signature,
      webhook.params,
    );
    const sms = readInboundSms(webhook.params);
    const { reply, replayed } = await this.db.transaction(ctx.asSystem(), (tx) => this.converse(tx, sms));
    return { twiml: twimlReply(reply), replayed };
  }

  private async converse(
    tx: RequestContext,
    sms: InboundSms,
  ): Promise<{ reply: string | null; replayed: boolean }> {
    await this.db.query(tx, `SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [`sms:${sms.from}`]);
    const seen = await this.db.query<{ reply_body: string | null }>(
      tx,
      `SELECT reply_body FROM sms_messages WHERE message_sid = $1`,
      [sms.messageSid],
    );
    if (seen[0]) return { reply: seen[0].reply_body, replayed: true };

    const parsed = parseSms(sms.body);
    const lastWritten =
      (
        await this.db.query<{ written_language: SmsLanguage }>(
          tx,
          `SELECT written_language FROM sms_messages WHERE from_phone = $1 AND written_language IS NOT NULL
            ORDER BY received_at DESC LIMIT 1`,
          [sms.from],
        )
      )[0]?.written_language ?? null;
    const turn: Turn = {
      tx,
      sms,
      parsed,
      lang: parsed.language ?? lastWritten ?? 'zh-CN',
      now: this.clock.now(),
      messageId: newId(),
    };
    await this.db.query(
      tx,
      `INSERT INTO sms_messages (id, message_sid, from_phone, to_phone, body, command, written_language, reply_language,
         received_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [
        turn.messageId,
        sms.messageSid,
        sms.from,
        sms.to,
        sms.body,
        parsed.command.kind,
        parsed.language,
        turn.lang,
        turn.now,
      ],
    );

    const outcome = (await this.rateLimited(turn)) ?? (await this.handle(turn, parsed.command));

    if (outcome.command !== 'rate_limited') {
      const change: { optedOut?: boolean; language?: SmsLanguage } = {};
      if (outcome.optedOut !== undefined) change.optedOut = outcome.optedOut;
      if (parsed.language && (parsed.language !== lastWritten || outcome.optedOut !== undefined))
        change.language = parsed.language;
      if (Object.keys(change).length > 0) {
        await this.outbox.append(tx, [event('sms.preference_changed', { phone: sms.from, ...change })]);
      }
    }
    await this.db.query(
      tx,
      `UPDATE sms_messages SET reply_body = $2, command = COALESCE($3, command), order_id = $4, quote_id = $5
        WHERE id = $1`,
      [
        turn.messageId,
        outcome.reply,
        outcome.command ?? null,
        outcome.orderId ?? null,
        outcome.quoteId ?? null,
      ],
    );
    return { reply: outcome.reply, replayed: false };
  }

  /**
   * Past the limit the sender gets one polite answer per window and then silence (an empty TwiML
   * response), so a runaway auto-responder cannot keep us texting. STOP and START always work.
   */
  private async rateLimited(turn: Turn): Promise<Outcome | null> {
    const kind = turn.parsed.command.kind;
    if (!this.config.rateLimits || kind === 'stop' || kind === 'start') return null;
    const since = new Date(turn.now.getTime() - SMS_RATE_LIMIT.windowMinutes * 60_000);
    const [counts] = await this.db.query<{ n: number; warned: number }>(
      turn.tx,
      `SELECT count(*)::int AS n,
              count(*) FILTER (WHERE command = 'rate_limited' AND reply_body IS NOT NULL)::int AS warned
         FROM sms_messages WHERE from_phone = $1 AND received_at > $2 AND id <> $3`,
      [turn.sms.from, since, turn.messageId],
    );
    if (counts.n < SMS_RATE_LIMIT.messages) return null;
    return {
      command: 'rate_limited',
      reply:
        counts.warned > 0
          ? null
          : SmsReplies.rateLimited(turn.lang, { minutes: SMS_RATE_LIMIT.windowMinutes }),
    };
  }

  private async handle(turn: Turn, cmd: SmsCommand): Promise<Outcome> {
    const lang = turn.lang;
    switch (cmd.kind) {
      case 'buy':
        return this.buy(turn, cmd);
      case 'confirm':
        return this.confirm(turn);
      case 'status':
        return this.status(turn, cmd.orderNumber);
      case 'cancel':
        return this.cancel(turn, cmd.orderNumber);
      case 'help':
        return { reply: SmsReplies.help(lang) };
      case 'stop':
        return { reply: SmsReplies.stopped(lang), optedOut: true };
      case 'start':
        return { reply: SmsReplies.started(lang), optedOut: false };
      case 'invalid':
        return { reply: SmsReplies.invalid(lang, cmd) };
      case 'unknown':
        return { reply: SmsReplies.unknown(lang) };
    }
  }

  // ── BUY ──────────────────────────────────────────────────────────────────────────────────────

  private async buy(turn: Turn, cmd: Extract<SmsCommand, { kind: 'buy' }>): Promise<Outcome> {
    const { tx, lang } = turn;
    const product = await this.activeProduct(tx, cmd.sku);
    if (!product) return { reply: SmsReplies.unknownSku(lang, { sku: cmd.sku }) };
    if (product.stock.available < cmd.quantity) {
      return {
        reply: SmsReplies.outOfStock(lang, {
          sku: product.sku,
          available: Math.max(0, product.stock.available),
          requested: cmd.quantity,
        }),
      };
    }

    const customer = await this.customers.findByPhone(tx, turn.sms.from);
    let point: PickupPointRef | null = null;
    if (cmd.pickupPointCode) {
      point = await this.network.findPickupPointByCode(tx, cmd.pickupPointCode);
      if (!point) {
        const nearby = await this.nearbyPickupCodes(turn, customer);
        return {
          reply: SmsReplies.unknownPickupPoint(lang, {
            code: cmd.pickupPointCode,
            sku: product.sku,
            quantity: cmd.quantity,
            nearby,
          }),
        };
      }
    } else if (customer?.defaultPickupPointId) {
      point = await this.network.pickupPointInScope(tx, customer.defaultPickupPointId);
    } else {
      const nearby = await this.nearbyPickupCodes(turn, customer);
      return {
        reply: SmsReplies.needPickupPoint(lang, { sku: product.sku, quantity: cmd.quantity, nearby }),
      };
    }

    let agentId: string | null = null;
    let refusedCode: string | undefined;
    if (cmd.agentCode) {
      const agent = await this.agents.findByCode(tx, cmd.agentCode);
      if (!agent) return { reply: SmsReplies.unknownAgentCode(lang, { code: cmd.agentCode }) };
      // A suspended agent's code is refused, the order is not: it is quoted unattributed, and says so.
      if (agent.status === 'active') agentId = agent.id;
      else refusedCode = cmd.agentCode.trim().toUpperCase();
    }
    return this.makeQuote(turn, { product, quantity: cmd.quantity, point, agentId, refusedCode });
  }

  /** Writes a new open quote (superseding any open one of this number) and answers with it. */
  private async makeQuote(
    turn: Turn,
    q: {
      product: ProductView;
      quantity: number;
      point: PickupPointRef;
      agentId: string | null;
      priceChanged?: boolean;
      /** A suspended agent's code the customer gave: the quote says it is not credited. */
      refusedCode?: string;
    },
  ): Promise<Outcome> {
    const { tx } = turn;
    const lockers = await this.network.listLockers(tx, q.point.id);
    const quoteId = newId();
    // The price the order will have: running promotions and flash sales of that place included (a
    // sold-out sale quotes the list price, as YES would then take it).
    const placement = await this.network.placementOfPickupPoint(tx, q.point.id);
    const customer = await this.customers.findByPhone(tx, turn.sms.from);
    let totalCents: number;
    try {
      ({ totalCents } = await this.orders.priceFor(tx, {
        channel: 'sms',
        lines: [{ sku: q.product.sku, quantity: q.quantity }],
        allowListPrice: true,
        customerId: customer?.id ?? null,
        regionId: placement.regionId,
        campusId: placement.campusId,
      }));
    } catch (err) {
      if (err instanceof DomainError) return { reply: SmsReplies.orderFailed(turn.lang) };
      throw err;
    }
    const minutes = this.config.smsQuoteTtlMinutes;
    const reply = SmsReplies.quote(turn.lang, {
      sku: q.product.sku,
      productName: q.product.name,
      quantity: q.quantity,
      totalCents,
      paymentMethod: 'cod',
      pickupPointCode: q.point.code,
      pickupPointName: q.point.name,
      minutes,
      priceChanged: q.priceChanged,
      refusedAgentCode: q.refusedCode,
    });
    await this.db.query(
      tx,
      `UPDATE sms_quotes SET status = 'superseded', updated_at = now() WHERE phone = $1 AND status = 'open'`,
      [turn.sms.from],
    );
    await this.db.query(
      tx,
      `INSERT INTO sms_quotes (id, phone, message_id, product_id, sku, product_name, quantity, unit_price_cents,
         total_cents, payment_method, fulfilment_type, pickup_point_id, agent_id, language, reply_body, expires_at,
         created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'cod', $10, $11, $12, $13, $14, $15, $16)`,
      [
        quoteId,
        turn.sms.from,
        turn.messageId,
        q.product.id,
        q.product.sku,
        q.product.name,
        q.quantity,
        q.product.priceCents,
        totalCents,
        lockers.length > 0 ? 'locker' : 'counter',
        q.point.id,
        q.agentId,
        turn.lang,
        reply,
        new Date(turn.now.getTime() + minutes * 60_000),
        turn.now,
      ],
    );
    return { reply, quoteId };
  }

  private async activeProduct(ctx: RequestContext, sku: string): Promise<ProductView | null> {
    try {
      const product = await this.products.get(ctx, sku);
      return product.active ? product : null;
    } catch (err) {
      if (err instanceof NotFoundError) return null;
      throw err;
    }
  }

  /** Pickup point codes on the customer's campus (their default, else that of their latest order). */
  private async nearbyPickupCodes(
    turn: Turn,
    customer: { id: string; phone: string; defaultCampusId: string | null } | null,
  ): Promise<string[]> {
    if (!customer) return [];
    let campusId = customer.defaultCampusId;
    if (!campusId) {
      const latest = await this.orders.list(this.asCustomer(turn.tx, customer), {
        limit: 1,
      } as OrderQueryDto);
      campusId = latest.items[0]?.campusId ?? null;
    }
    if (!campusId) return [];
    return (await this.network.listPickupPoints(turn.tx, campusId)).map((p) => p.code);
  }

  // ── YES ──────────────────────────────────────────────────────────────────────────────────────

  private async confirm(turn: Turn): Promise<Outcome> {
    const { tx, lang, now } = turn;
    const [quote] = await this.db.query<QuoteRow>(
      tx,
      `SELECT q.*, p.code AS pickup_point_code, o.number AS order_number
         FROM sms_quotes q JOIN pickup_points p ON p.id = q.pickup_point_id LEFT JOIN orders o ON o.id = q.order_id
        WHERE q.phone = $1 ORDER BY q.created_at DESC, q.id DESC LIMIT 1 FOR UPDATE OF q`,
      [turn.sms.from],
    );
    if (!quote) return { reply: SmsReplies.noQuote(lang) };
    if (quote.status === 'placed') {
      return now.getTime() - quote.expires_at.getTime() < PLACED_QUOTE_MEMORY_MS
        ? { reply: SmsReplies.alreadyPlaced(lang, { number: quote.order_number! }), orderId: quote.order_id! }
        : { reply: SmsReplies.noQuote(lang) };
    }
    if (quote.status !== 'open') return { reply: SmsReplies.noQuote(lang) };
    if (quote.expires_at.getTime() <= now.getTime()) {
      return {
        reply: SmsReplies.quoteExpired(lang, { minutes: this.config.smsQuoteTtlMinutes }),
        quoteId: quote.id,
      };
    }
    return this.place(turn, quote);
  }

  private async place(turn: Turn, quote: QuoteRow): Promise<Outcome> {
    const { tx, lang, sms } = turn;
    const customer = await this.customers.findOrCreate(tx, sms.from);
    const asCustomer = this.asCustomer(tx, customer);
    const placement = await this.network.placementOfPickupPoint(tx, quote.pickup_point_id);
    const command: PlaceOrderCommand = {
      channel: 'sms',
      customer: { id: customer.id, phone: customer.phone },
      lines: [{ sku: quote.sku, quantity: quote.quantity }],
      fulfilment: {
        type: quote.fulfilment_type,
        regionId: placement.regionId,
        campusId: placement.campusId,
        pickupPointId: quote.pickup_point_id,
        address: null,
      },
      paymentMethod: quote.payment_method,
      agentId: quote.agent_id,
      note: null,
      allowListPrice: true,
      idempotency: {
        key: quote.id,
        requestHash: requestHash({
          quoteId: quote.id,
          sku: quote.sku,
          quantity: quote.quantity,
          pickupPointId: quote.pickup_point_id,
          agentId: quote.agent_id,
          paymentMethod: quote.payment_method,
        }),
      },
      eventData: { smsQuoteId: quote.id, smsMessageSid: sms.messageSid },
    };
    const placed = await this.attempt(tx, async () => {
      const result = await this.orders.place(asCustomer, command);
      if (result.order.totalCents !== Number(quote.total_cents)) throw new PriceChangedError();
      return result.order;
    });

    if (!placed.ok) {
      const err = placed.error;
      if (err instanceof OutOfStockError) {
        return {
          reply: SmsReplies.outOfStock(lang, {
            sku: err.sku,
            available: err.available,
            requested: err.requested,
          }),
          quoteId: quote.id,
        };
      }
      if (err instanceof PriceChangedError) {
        const product = await this.activeProduct(tx, quote.sku);
        if (product) {
          const point = await this.network.pickupPointInScope(tx, quote.pickup_point_id);
          return this.makeQuote(turn, {
            product,
            quantity: quote.quantity,
            point,
            agentId: quote.agent_id,
            priceChanged: true,
          });
        }
      }
      if (err instanceof UnknownSkuError || err instanceof PriceChangedError) {
        return { reply: SmsReplies.unknownSku(lang, { sku: quote.sku }), quoteId: quote.id };
      }
      return { reply: SmsReplies.orderFailed(lang), quoteId: quote.id };
    }

    const order = placed.value;
    await this.db.query(
      tx,
      `UPDATE sms_quotes SET status = 'placed', order_id = $2, updated_at = now() WHERE id = $1`,
      [quote.id, order.id],
    );
    await this.customers.setDefaults(tx, customer.id, {
      campusId: placement.campusId,
      pickupPointId: quote.pickup_point_id,
    });
    const reply = SmsReplies.confirmed(lang, {
      number: order.number,
      totalCents: order.totalCents,
      paymentMethod: order.paymentMethod,
      pickupPointCode: quote.pickup_point_code,
    });

    // The whole conversation that led to the order goes on its timeline, oldest first.
    const [buy] = await this.db.query<{ message_sid: string; body: string; received_at: Date }>(
      tx,
      `SELECT message_sid, body, received_at FROM sms_messages WHERE id = $1`,
      [quote.message_id],
    );
    await this.db.query(tx, `UPDATE sms_messages SET order_id = $2 WHERE id = $1`, [
      quote.message_id,
      order.id,
    ]);
    await this.noteIn(asCustomer, order.id, {
      messageSid: buy.message_sid,
      body: buy.body,
      at: buy.received_at,
    });
    await this.orders.note(
      tx,
      order.id,
      'sms_quote',
      {
        quoteId: quote.id,
        body: quote.reply_body,
        sku: quote.sku,
        quantity: quote.quantity,
        totalCents: Number(quote.total_cents),
        paymentMethod: quote.payment_method,
        pickupPointId: quote.pickup_point_id,
        expiresAt: quote.expires_at,
        at: quote.created_at,
      },
      'sms',
    );
    await this.noteIn(asCustomer, order.id, { messageSid: sms.messageSid, body: sms.body, at: turn.now });
    await this.noteOut(tx, order.id, reply, turn);
    return { reply, orderId: order.id, quoteId: quote.id };
  }

  // ── STATUS / CANCEL ──────────────────────────────────────────────────────────────────────────

  private async status(turn: Turn, orderNumber: string | null): Promise<Outcome> {
    const { lang } = turn;
    const found = await this.sendersOrder(turn, orderNumber);
    if (!found) {
      return {
        reply: orderNumber
          ? SmsReplies.orderNotFound(lang, { number: orderNumber })
          : SmsReplies.noOrders(lang),
      };
    }
    const { order, asCustomer } = found;
    const reply = SmsReplies.status(lang, {
      number: order.number,
      status: order.status,
      totalCents: order.totalCents,
      paymentMethod: order.paymentMethod,
    });
    await this.noteIn(asCustomer, order.id, {
      messageSid: turn.sms.messageSid,
      body: turn.sms.body,
      at: turn.now,
    });
    await this.noteOut(turn.tx, order.id, reply, turn);
    return { reply, orderId: order.id };
  }

  private async cancel(turn: Turn, orderNumber: string | null): Promise<Outcome> {
    const { tx, lang } = turn;
    if (!orderNumber) {
      const discarded = await this.db.query<{ id: string }>(
        tx,
        `UPDATE sms_quotes SET status = 'discarded', updated_at = now() WHERE phone = $1 AND status = 'open'
         RETURNING id`,
        [turn.sms.from],
      );
      return discarded[0]
        ? { reply: SmsReplies.quoteDiscarded(lang), quoteId: discarded[0].id }
        : { reply: SmsReplies.cancelNeedsNumber(lang) };
    }
    const found = await this.sendersOrder(turn, orderNumber);
    if (!found) return { reply: SmsReplies.orderNotFound(lang, { number: orderNumber }) };
    const { order, asCustomer } = found;
    await this.noteIn(asCustomer, order.id, {
      messageSid: turn.sms.messageSid,
      body: turn.sms.body,
      at: turn.now,
    });
    const cancelled = await this.attempt(tx, () =>
      this.orders.cancel(asCustomer, order.id, 'cancelled by the customer by SMS'),
    );
    const reply = cancelled.ok
      ? SmsReplies.cancelled(lang, { number: order.number })
      : cancelled.error instanceof IllegalTransitionError
        ? SmsReplies.cannotCancel(lang, { number: order.number, status: cancelled.error.currentStatus })
        : SmsReplies.orderFailed(lang);
    await this.noteOut(tx, order.id, reply, turn);
    return { reply, orderId: order.id };
  }

  /** The sender's order with this number (or their latest), seen as the customer: others' are invisible. */
  private async sendersOrder(
    turn: Turn,
    orderNumber: string | null,
  ): Promise<{ order: OrderView; asCustomer: RequestContext } | null> {
    const customer = await this.customers.findByPhone(turn.tx, turn.sms.from);
    if (!customer) return null;
    const asCustomer = this.asCustomer(turn.tx, customer);
    const order = orderNumber
      ? await this.orders.findByNumber(asCustomer, orderNumber)
      : (await this.orders.list(asCustomer, { limit: 1 } as OrderQueryDto)).items[0];
    return order ? { order, asCustomer } : null;
  }

  // ── helpers ──────────────────────────────────────────────────────────────────────────────────

  /** The same transaction, acting as the customer who owns the sending number. */
  private asCustomer(tx: RequestContext, customer: { id: string; phone: string }): RequestContext {
    return new RequestContext(
      { kind: 'customer', id: customer.id, role: 'customer', phone: customer.phone },
      tx.requestId,
      tx.manager,
      tx.ip,
    );
  }

  private noteIn(
    asCustomer: RequestContext,
    orderId: string,
    m: { messageSid: string; body: string; at: Date },
  ): Promise<void> {
    return this.orders.note(asCustomer, orderId, 'sms_in', m, 'sms');
  }

  private noteOut(tx: RequestContext, orderId: string, body: string, turn: Turn): Promise<void> {
    return this.orders.note(
      tx,
      orderId,
      'sms_out',
      { body, inReplyTo: turn.sms.messageSid, at: turn.now },
      'sms',
    );
  }

  /**
   * Runs `fn` under a savepoint: a refused order or cancel (a domain error) is undone on its own and
   * answered, while the inbound text and its reply are still stored in the surrounding transaction.
   */
  private async attempt<T>(
    tx: RequestContext,
    fn: () => Promise<T>,
  ): Promise<{ ok: true; value: T } | { ok: false; error: DomainError }> {
    await this.db.query(tx, `SAVEPOINT sms_attempt`);
    try {
      const value = await fn();
      await this.db.query(tx, `RELEASE SAVEPOINT sms_attempt`);
      return { ok: true, value };
    } catch (err) {
      await this.db.query(tx, `ROLLBACK TO SAVEPOINT sms_attempt`);
      if (err instanceof DomainError) return { ok: false, error: err };
      throw err;
    }
  }
}
