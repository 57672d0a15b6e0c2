import { Injectable } from '@nestjs/common';
import {
  AppConfig,
  BusinessRuleError,
  DomainError,
  InjectConfig,
  newId,
  NotFoundError,
  OutOfStockError,
  RequestContext,
} from '@campus/core';
import { CustomersService } from '@campus/auth';
import { ProductsService, ProductView, UnknownSkuError } from '@campus/catalog';
import { AgentsService, NetworkService } from '@campus/network';
import { OrderQueryDto, OrderService, PlaceOrderCommand } from '@campus/orders';
import { requestHash } from '../request-hash';
import { SmsCommand } from './sms-grammar';
import { SmsReplies } from './sms-replies';
import { asCustomer, noteIn, noteOut, Outcome, Turn } from './sms-turn';
import { QuoteRow, SmsRepository } from './sms.repository';

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
 * Buying by SMS: BUY answers with a quote (the price the order will have, where to collect it, for
 * how long it holds); YES places the sender's latest open quote through the one `OrderService.place`
 * as the customer (idempotency key = the quote id), or re-quotes when the price moved meanwhile.
 */
@Injectable()
export class SmsQuotes {
  constructor(
    private readonly sms: SmsRepository,
    private readonly orders: OrderService,
    private readonly products: ProductsService,
    private readonly customers: CustomersService,
    private readonly network: NetworkService,
    private readonly agents: AgentsService,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  // ── BUY ──────────────────────────────────────────────────────────────────────────────────────

  async buy(turn: Turn, cmd: Extract<SmsCommand, { kind: 'buy' }>): Promise<Outcome> {
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
    await this.sms.replaceOpenQuote(tx, {
      id: quoteId,
      phone: turn.sms.from,
      messageId: turn.messageId,
      productId: q.product.id,
      sku: q.product.sku,
      productName: q.product.name,
      quantity: q.quantity,
      unitPriceCents: q.product.priceCents,
      totalCents,
      fulfilmentType: lockers.length > 0 ? 'locker' : 'counter',
      pickupPointId: q.point.id,
      agentId: q.agentId,
      language: turn.lang,
      replyBody: reply,
      expiresAt: new Date(turn.now.getTime() + minutes * 60_000),
      createdAt: turn.now,
    });
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
      const latest = await this.orders.list(asCustomer(turn.tx, customer), {
        limit: 1,
      } as OrderQueryDto);
      campusId = latest.items[0]?.campusId ?? null;
    }
    if (!campusId) return [];
    return (await this.network.listPickupPoints(turn.tx, campusId)).map((p) => p.code);
  }

  // ── YES ──────────────────────────────────────────────────────────────────────────────────────

  async confirm(turn: Turn): Promise<Outcome> {
    const { tx, lang, now } = turn;
    const quote = await this.sms.lockLatestQuote(tx, turn.sms.from);
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
    const asOwner = asCustomer(tx, customer);
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
    const placed = await this.sms.attempt(tx, async () => {
      const result = await this.orders.place(asOwner, command);
      if (result.order.totalCents !== Number(quote.total_cents)) throw new PriceChangedError();
      return result.order;
    });

    if (!placed.ok) return this.refused(turn, quote, placed.error);

    const order = placed.value;
    await this.sms.markQuotePlaced(tx, quote.id, order.id);
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
    const buy = await this.sms.message(tx, quote.message_id);
    await this.sms.linkMessageToOrder(tx, quote.message_id, order.id);
    await noteIn(this.orders, asOwner, order.id, {
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
    await noteIn(this.orders, asOwner, order.id, {
      messageSid: sms.messageSid,
      body: sms.body,
      at: turn.now,
    });
    await noteOut(this.orders, turn, order.id, reply);
    return { reply, orderId: order.id, quoteId: quote.id };
  }

  /** The answer to a YES the order refused: out of stock, a new quote at the new price, or sorry. */
  private async refused(turn: Turn, quote: QuoteRow, err: DomainError): Promise<Outcome> {
    const { tx, lang } = turn;
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
}
