import { Injectable } from '@nestjs/common';
import { AppConfig, Clock, IllegalTransitionError, InjectConfig, newId, RequestContext } from '@campus/core';
import { CustomersService } from '@campus/auth';
import { Db } from '@campus/database';
import { OrderQueryDto, OrderService, OrderView } from '@campus/orders';
import { event, OutboxService } from '@campus/queue';
import { parseSms, SmsCommand, SmsLanguage } from './sms-grammar';
import { SmsQuotes } from './sms-quotes.service';
import { SmsReplies } from './sms-replies';
import { asCustomer, noteIn, noteOut, Outcome, Turn } from './sms-turn';
import { SmsRepository } from './sms.repository';
import { InboundSms, readInboundSms, twimlReply, verifyTwilioSignature } from './twilio-webhook';

/** Per-number limit, counted in PostgreSQL so it holds across API replicas. */
export const SMS_RATE_LIMIT = { messages: 20, windowMinutes: 10 } as const;

/** A signed Twilio webhook as it arrived: path (with query) as requested, header, form fields. */
export interface TwilioWebhook {
  path: string;
  signature: string | undefined;
  params: Record<string, unknown>;
}

/**
 * The SMS channel (Twilio). Each inbound text is handled in one transaction, serialised per sender
 * number by an advisory lock: the text is stored with its MessageSid (unique) and its reply, so a
 * retried webhook gets the same reply and changes nothing. BUY makes a quote; YES places it through
 * the one `OrderService.place` as the customer (idempotency key = the quote id); STATUS and CANCEL
 * act on the sender's own orders only. Exchanges about an order are written to its timeline.
 * BUY and YES are SmsQuotes'; the statements are SmsRepository's.
 */
@Injectable()
export class SmsChannelService {
  constructor(
    private readonly db: Db,
    private readonly sms: SmsRepository,
    private readonly quotes: SmsQuotes,
    private readonly orders: OrderService,
    private readonly customers: CustomersService,
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
    await this.sms.lockSender(tx, sms.from);
    const seen = await this.sms.handled(tx, sms.messageSid);
    if (seen) return { reply: seen.reply, replayed: true };

    const parsed = parseSms(sms.body);
    const lastWritten = await this.sms.lastWrittenLanguage(tx, sms.from);
    const turn: Turn = {
      tx,
      sms,
      parsed,
      lang: parsed.language ?? lastWritten ?? 'zh-CN',
      now: this.clock.now(),
      messageId: newId(),
    };
    await this.sms.insertMessage(tx, {
      id: turn.messageId,
      messageSid: sms.messageSid,
      from: sms.from,
      to: sms.to,
      body: sms.body,
      command: parsed.command.kind,
      writtenLanguage: parsed.language,
      replyLanguage: turn.lang,
      receivedAt: turn.now,
    });

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
    await this.sms.recordReply(tx, turn.messageId, {
      reply: outcome.reply,
      command: outcome.command ?? null,
      orderId: outcome.orderId ?? null,
      quoteId: outcome.quoteId ?? null,
    });
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
    const counts = await this.sms.recentCounts(turn.tx, turn.sms.from, since, turn.messageId);
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
        return this.quotes.buy(turn, cmd);
      case 'confirm':
        return this.quotes.confirm(turn);
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
    const { order, owner } = found;
    const reply = SmsReplies.status(lang, {
      number: order.number,
      status: order.status,
      totalCents: order.totalCents,
      paymentMethod: order.paymentMethod,
    });
    await noteIn(this.orders, owner, order.id, {
      messageSid: turn.sms.messageSid,
      body: turn.sms.body,
      at: turn.now,
    });
    await noteOut(this.orders, turn, order.id, reply);
    return { reply, orderId: order.id };
  }

  private async cancel(turn: Turn, orderNumber: string | null): Promise<Outcome> {
    const { tx, lang } = turn;
    if (!orderNumber) {
      const discarded = await this.sms.discardOpenQuote(tx, turn.sms.from);
      return discarded
        ? { reply: SmsReplies.quoteDiscarded(lang), quoteId: discarded }
        : { reply: SmsReplies.cancelNeedsNumber(lang) };
    }
    const found = await this.sendersOrder(turn, orderNumber);
    if (!found) return { reply: SmsReplies.orderNotFound(lang, { number: orderNumber }) };
    const { order, owner } = found;
    await noteIn(this.orders, owner, order.id, {
      messageSid: turn.sms.messageSid,
      body: turn.sms.body,
      at: turn.now,
    });
    const cancelled = await this.sms.attempt(tx, () =>
      this.orders.cancel(owner, order.id, 'cancelled by the customer by SMS'),
    );
    const reply = cancelled.ok
      ? SmsReplies.cancelled(lang, { number: order.number })
      : cancelled.error instanceof IllegalTransitionError
        ? SmsReplies.cannotCancel(lang, { number: order.number, status: cancelled.error.currentStatus })
        : SmsReplies.orderFailed(lang);
    await noteOut(this.orders, turn, order.id, reply);
    return { reply, orderId: order.id };
  }

  /** The sender's order with this number (or their latest), seen as the customer: others' are invisible. */
  private async sendersOrder(
    turn: Turn,
    orderNumber: string | null,
  ): Promise<{ order: OrderView; owner: RequestContext } | null> {
    const customer = await this.customers.findByPhone(turn.tx, turn.sms.from);
    if (!customer) return null;
    const owner = asCustomer(turn.tx, customer);
    const order = orderNumber
      ? await this.orders.findByNumber(owner, orderNumber)
      : (await this.orders.list(owner, { limit: 1 } as OrderQueryDto)).items[0];
    return order ? { order, owner } : null;
  }
}
