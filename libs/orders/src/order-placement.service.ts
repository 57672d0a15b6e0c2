import { Injectable } from '@nestjs/common';
import {
  AppConfig,
  Clock,
  DomainError,
  InjectConfig,
  newId,
  NotFoundError,
  RequestContext,
  ValidationError,
} from '@campus/core';
import { StockRequest, StockService } from '@campus/catalog';
import { PricingService, Quote } from '@campus/pricing';
import { pgErrorCode } from '@campus/database';
import { event, OrderFacts, OutboxEvent } from '@campus/queue';
import { orderFacts } from './order-facts';
import { IdempotencyKeyReusedError, QuantityOverLimitError, TooManyOpenCodOrdersError } from './order.errors';
import { OrderRepository, PlacedRow } from './order.repository';
import type { OrderStatus } from './order-state-machine';
import type { OrderLineView, OrderView, PlaceOrderCommand, PlaceResult } from './order.types';

/**
 * Placing an order: price it (one read), decide what the order is (lines, status, payment window,
 * events, stock to reserve), and write it all with the repository's one placement statement. A key
 * already used answers with its original order (idempotent replay) or 409 for another request.
 */
@Injectable()
export class OrderPlacementService {
  constructor(
    private readonly repo: OrderRepository,
    private readonly stock: StockService,
    private readonly pricing: PricingService,
    private readonly clock: Clock,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  /**
   * Places an order. Prices the lines (a read), then ONE statement — atomic on its own, or part of
   * the caller's transaction if it has one — claims the idempotency key (a concurrent duplicate waits
   * on the key's unique index, then replays), writes the order, its lines, its "placed" event and the
   * outbox rows (payment timers for online orders), and reserves stock for all lines at once (not
   * enough → the statement raises and nothing of it remains). A failed attempt leaves no key, so the
   * same key can be retried once the cause is fixed.
   */
  async place(ctx: RequestContext, cmd: PlaceOrderCommand): Promise<PlaceResult> {
    if (cmd.lines.length === 0) throw ValidationError.field('lines', 'an order needs at least one line');
    // A refusal of the order statement (sale units, a budget or a coupon taken meanwhile) re-prices
    // once more from a fresh read, which then refuses with the contract's error or prices without it.
    for (let attempt = 1; ; attempt++) {
      let quote: Quote;
      try {
        quote = await this.pricing.quote(ctx, {
          lines: cmd.lines.map((l, i) => ({ sku: l.sku, quantity: l.quantity, field: `lines[${i}].sku` })),
          customerId: cmd.customer.id,
          channel: cmd.channel,
          regionId: cmd.fulfilment.regionId,
          campusId: cmd.fulfilment.campusId,
          couponCode: cmd.couponCode ?? null,
          allowListPrice: cmd.allowListPrice,
        });
      } catch (err) {
        // A product withdrawn, a coupon or a sale used up since the original request must not stop
        // its replay.
        if (err instanceof DomainError) {
          const replay = await this.replayOf(ctx, cmd);
          if (replay) return replay;
        }
        throw err;
      }
      try {
        return await this.write(ctx, cmd, quote);
      } catch (err) {
        const refusal = this.pricing.refusal(err);
        if (!refusal) throw err;
        if (attempt >= 3) throw this.pricing.refusalError(refusal, quote);
      }
    }
  }

  /**
   * What an order of these lines would cost now (promotions and flash sales of its place and channel
   * included), without placing it: for quotes given before the order (the SMS channel). One read.
   */
  async priceFor(
    ctx: RequestContext,
    q: Pick<PlaceOrderCommand, 'channel' | 'lines' | 'couponCode' | 'allowListPrice'> & {
      customerId: string | null;
      regionId: string;
      campusId: string;
    },
  ): Promise<{ subtotalCents: number; discountCents: number; totalCents: number }> {
    const quote = await this.pricing.quote(ctx, {
      lines: q.lines.map((l, i) => ({ sku: l.sku, quantity: l.quantity, field: `lines[${i}].sku` })),
      // A number that never ordered has no customer yet, hence no purchases to count.
      customerId: q.customerId ?? '00000000-0000-0000-0000-000000000000',
      channel: q.channel,
      regionId: q.regionId,
      campusId: q.campusId,
      couponCode: q.couponCode ?? null,
      allowListPrice: q.allowListPrice,
    });
    const { subtotalCents, discountCents, totalCents } = quote.priced;
    return { subtotalCents, discountCents, totalCents };
  }

  /**
   * Decides the order a priced command makes and writes it in one statement. The hot rows (stock,
   * then flash sale, promotion, coupon) are locked by that statement and, outside a caller's
   * transaction, only until it commits: no round trip to the app while they are held.
   */
  private async write(ctx: RequestContext, cmd: PlaceOrderCommand, quote: Quote): Promise<PlaceResult> {
    const priced = quote.priced;
    const gift = priced.gift;
    const stock = this.stockRequests(cmd, quote);
    const overCap = stock.filter((w) => {
      const cap = quote.products.get(w.sku)?.maxPerOrder ?? null;
      return cap !== null && w.quantity > cap;
    });
    if (overCap.length) {
      // A cap set after the original request must not stop its replay.
      const replay = await this.replayOf(ctx, cmd);
      if (replay) return replay;
      throw new QuantityOverLimitError(
        overCap.map((w) => ({
          field: w.field.replace(/\.sku$/, '.quantity'),
          sku: w.sku,
          maxPerOrder: quote.products.get(w.sku)!.maxPerOrder!,
          quantity: w.quantity,
        })),
      );
    }
    const lines: (OrderLineView & { productId: string })[] = priced.lines.map((l) => {
      const p = quote.products.get(l.sku)!;
      return {
        productId: p.productId,
        sku: p.sku,
        name: p.name,
        quantity: l.quantity,
        listPriceCents: l.listPriceCents,
        unitPriceCents: l.unitPriceCents,
        discountCents: l.discountCents,
        lineTotalCents: l.lineTotalCents,
        promotionId: l.promotionId,
        flashSaleId: l.flashSaleId,
        discounts: l.discounts,
        requiresInstallation: p.requiresInstallation,
        installFeeCents: p.installFeeCents,
        returnedQuantity: 0,
      };
    });
    const status: OrderStatus = cmd.paymentMethod === 'online' ? 'pending_payment' : 'confirmed';
    const paidNow = cmd.paymentMethod === 'counter';
    const now = this.clock.now();
    const windowMs = this.config.paymentWindowMinutes * 60_000;
    const paymentDueAt = status === 'pending_payment' ? new Date(now.getTime() + windowMs) : null;
    const couponCode = priced.coupon?.code ?? null;
    const order: OrderView = {
      id: newId(),
      number: '', // generated by the database
      channel: cmd.channel,
      status,
      customer: { id: cmd.customer.id, phone: cmd.customer.phone },
      agentId: cmd.agentId ?? quote.couponAgentId,
      assignedAgentId: null,
      regionId: cmd.fulfilment.regionId,
      campusId: cmd.fulfilment.campusId,
      lines: lines.map(({ productId: _p, ...l }) => l),
      subtotalCents: priced.subtotalCents,
      discountCents: priced.discountCents,
      totalCents: priced.totalCents,
      couponCode,
      paymentMethod: cmd.paymentMethod,
      fulfillment: {
        type: cmd.fulfilment.type,
        pickupPointId: cmd.fulfilment.pickupPointId,
        campusId: cmd.fulfilment.campusId,
        address: cmd.fulfilment.address,
      },
      note: cmd.note,
      codCollectedCents: null,
      createdById: ctx.actorId,
      createdAt: now,
      updatedAt: now,
      paidAt: paidNow ? now : null,
      assignedAt: null,
      dispatchedAt: null,
      deliveredAt: null,
      completedAt: null,
      cancelledAt: null,
      returnedAt: null,
      paymentDueAt,
    };
    const { number: _n, ...facts } = orderFacts(order);
    const events: OutboxEvent[] = [event('order.placed', facts as OrderFacts, { aggregateId: order.id })];
    if (paymentDueAt) {
      // Unpaid online orders: a reminder halfway through the window, the expiry at its end.
      events.push(
        event(
          'order.payment_timer',
          { orderId: order.id, kind: 'reminder' },
          { aggregateId: order.id, availableAt: new Date(now.getTime() + windowMs / 2) },
        ),
        event(
          'order.payment_timer',
          { orderId: order.id, kind: 'expiry' },
          { aggregateId: order.id, availableAt: paymentDueAt },
        ),
      );
    }

    let written: PlacedRow;
    try {
      written = await this.repo.insertPlaced(ctx, {
        order,
        lines,
        paidNow,
        counterHolderId: paidNow ? (ctx.principal.pickupPointId ?? cmd.fulfilment.pickupPointId) : null,
        placedData: {
          subtotalCents: priced.subtotalCents,
          discountCents: priced.discountCents,
          totalCents: priced.totalCents,
          couponCode,
          paymentMethod: cmd.paymentMethod,
          fulfilment: cmd.fulfilment.type,
          ...cmd.eventData,
        },
        idempotency: cmd.idempotency,
        events,
        stock,
        priced,
        maxOpenCodOrders: this.config.maxOpenCodOrders,
      });
    } catch (err) {
      // A SKU short of stock, or the COD cap: the statement (order included) rolled back as a whole.
      if (pgErrorCode(err) === 'UO422') throw new TooManyOpenCodOrdersError(this.config.maxOpenCodOrders);
      throw this.stock.shortfallError(err, stock) ?? err;
    }
    if (!written.claimed) {
      const replay = await this.replayOf(ctx, cmd);
      if (!replay) throw new Error('idempotency key neither claimed nor found');
      return replay;
    }
    if (gift && written.gift_given) {
      const g = gift.product;
      order.lines.push({
        sku: g.sku,
        name: g.name,
        quantity: 1,
        listPriceCents: g.listPriceCents,
        unitPriceCents: 0,
        discountCents: g.listPriceCents,
        lineTotalCents: 0,
        promotionId: gift.promotionId,
        flashSaleId: null,
        discounts: [
          {
            source: 'promotion',
            id: gift.promotionId,
            promotionId: gift.promotionId,
            amountCents: g.listPriceCents,
          },
        ],
        requiresInstallation: g.requiresInstallation,
        installFeeCents: g.installFeeCents,
        returnedQuantity: 0,
      });
      order.subtotalCents += g.listPriceCents;
      order.discountCents += g.listPriceCents;
    }
    order.number = written.number!;
    order.createdAt = order.updatedAt = written.created_at!;
    if (paidNow) order.paidAt = written.created_at!;
    return { order, replayed: false };
  }

  /** One request per SKU (lines of the same SKU are checked together); a gift unit rides along, optional. */
  private stockRequests(cmd: PlaceOrderCommand, quote: Quote): StockRequest[] {
    const wanted = new Map<string, StockRequest>();
    cmd.lines.forEach((l, i) => {
      const w = wanted.get(l.sku);
      if (w) w.quantity += l.quantity;
      else wanted.set(l.sku, { sku: l.sku, quantity: l.quantity, field: `lines[${i}].sku` });
    });
    const gift = quote.priced.gift;
    if (gift) {
      const w = wanted.get(gift.product.sku);
      if (w) w.optional = 1;
      else wanted.set(gift.product.sku, { sku: gift.product.sku, quantity: 0, optional: 1, field: 'gift' });
    }
    return [...wanted.values()];
  }

  /**
   * The original answer for an idempotency key already used by this caller: the same order for the
   * same request, 409 for a different one; null when the key is unused. Read on the caller's
   * connection (a fresh statement sees a duplicate that committed while we waited).
   */
  private async replayOf(tx: RequestContext, cmd: PlaceOrderCommand): Promise<PlaceResult | null> {
    const key = await this.repo.idempotencyKey(tx, tx.actorId, cmd.idempotency.key);
    if (!key) return null;
    if (key.requestHash !== cmd.idempotency.requestHash) throw new IdempotencyKeyReusedError();
    // Inside a transaction, not a second pool connection: with many duplicates at once that could
    // starve the pool.
    const system = RequestContext.system(tx.requestId);
    const original = await this.repo.find(tx.manager ? system.withManager(tx.manager) : system, key.orderId);
    if (!original) throw new NotFoundError('order', key.orderId);
    return { order: original, replayed: true };
  }
}
