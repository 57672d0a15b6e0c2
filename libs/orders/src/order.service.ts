import { Injectable } from '@nestjs/common';
import {
  AppConfig,
  Clock,
  ConflictError,
  decodeCursor,
  DEFAULT_PAGE_SIZE,
  DomainError,
  IllegalTransitionError,
  InjectConfig,
  newId,
  NotFoundError,
  Page,
  RequestContext,
  toPage,
  ValidationError,
} from '@campus/core';
import { StockDelta, StockRequest, StockService } from '@campus/catalog';
import { PricingService, Quote } from '@campus/pricing';
import { Db, pgErrorCode, SqlParams } from '@campus/database';
import { event, OrderFacts, OutboxEvent, OutboxService } from '@campus/queue';
import { OrderQueryDto } from './dto/order-query.dto';
import { MoneyLedgerRepository } from './money-ledger.repository';
import {
  allocateReturn,
  planFullRefund,
  planPartialRefund,
  REFUNDING_ACTIONS,
  RefundingAction,
} from './money-policy';
import { IdempotencyKeyReusedError, QuantityOverLimitError, TooManyOpenCodOrdersError } from './order.errors';
import { orderScopeSql } from './order-scope';
import {
  OrderAction,
  orderStateMachine,
  OrderStatus,
  ACTION_TIMESTAMPS,
  STATUS_TIMESTAMPS,
  STOCK_EFFECTS,
} from './order-state-machine';
import {
  LineDiscountView,
  OrderEventView,
  OrderLineReturn,
  ReturnLinesCommand,
  ReturnLinesResult,
  OrderLineView,
  OrderLineWithCategory,
  OrderView,
  PlaceOrderCommand,
} from './order.types';

export interface PlaceResult {
  order: OrderView;
  /** True when the idempotency key had already produced this order. */
  replayed: boolean;
}

/** Something the caller should know about an order that went through (e.g. an attribution refused). */
export interface OrderNotice {
  code: 'agent_code_refused';
  detail: string;
  agentCode: string;
  reason: 'agent_suspended';
}

/** Columns other contexts may set on an order while moving it. */
export interface TransitionChanges {
  assignedAgentId?: string | null;
  /** Cash collected at the hand-off; a positive amount is also a receipt in the money ledger. */
  codCollectedCents?: number | null;
  /** `choose_cod`: an unpaid online order becomes cash on delivery. */
  paymentMethod?: 'cod';
}

export interface TransitionOptions {
  reason?: string | null;
  data?: Record<string, unknown>;
  set?: TransitionChanges;
  /** Extra checks on the locked order before the move (e.g. "only its assigned agent"). */
  guard?: (order: OrderView) => void;
  /** Further events to publish in the same transaction. */
  events?: (order: OrderView) => OutboxEvent[];
}

const ORDER_COLUMNS = `o.id, o.number, o.channel, o.status, o.customer_id, o.customer_phone, o.agent_id,
  o.assigned_agent_id, o.region_id, o.campus_id, o.fulfilment_type, o.pickup_point_id, o.address,
  o.payment_method, o.subtotal_cents, o.discount_cents, o.total_cents, o.coupon_code, o.note, o.cod_collected_cents,
  o.created_by_id, o.created_at, o.updated_at, o.paid_at, o.assigned_at, o.dispatched_at, o.delivered_at, o.completed_at,
  o.cancelled_at, o.returned_at, o.payment_due_at`;

interface OrderRow {
  id: string;
  number: string;
  channel: OrderView['channel'];
  status: OrderStatus;
  customer_id: string;
  customer_phone: string;
  agent_id: string | null;
  assigned_agent_id: string | null;
  region_id: string;
  campus_id: string;
  fulfilment_type: OrderView['fulfillment']['type'];
  pickup_point_id: string | null;
  address: string | null;
  payment_method: OrderView['paymentMethod'];
  subtotal_cents: string;
  discount_cents: string;
  total_cents: string;
  coupon_code: string | null;
  note: string | null;
  cod_collected_cents: string | null;
  created_by_id: string;
  created_at: Date;
  updated_at: Date;
  paid_at: Date | null;
  assigned_at: Date | null;
  dispatched_at: Date | null;
  delivered_at: Date | null;
  completed_at: Date | null;
  cancelled_at: Date | null;
  returned_at: Date | null;
  payment_due_at: Date | null;
}

interface LineRow {
  order_id: string;
  product_id: string;
  sku: string;
  name: string;
  quantity: number;
  list_price_cents: number;
  unit_price_cents: number;
  discount_cents: string;
  line_total_cents: string;
  promotion_id: string | null;
  flash_sale_id: string | null;
  discounts: LineDiscountView[];
  requires_installation: boolean;
  install_fee_cents: number;
  returned_quantity: number;
}

function lineView(l: LineRow): OrderLineView {
  return {
    sku: l.sku,
    name: l.name,
    quantity: l.quantity,
    listPriceCents: l.list_price_cents,
    unitPriceCents: l.unit_price_cents,
    discountCents: Number(l.discount_cents),
    lineTotalCents: Number(l.line_total_cents),
    promotionId: l.promotion_id,
    flashSaleId: l.flash_sale_id,
    discounts: l.discounts,
    requiresInstallation: l.requires_installation,
    installFeeCents: l.install_fee_cents,
    returnedQuantity: l.returned_quantity,
  };
}

function orderView(r: OrderRow, lines: OrderLineView[]): OrderView {
  return {
    id: r.id,
    number: r.number,
    channel: r.channel,
    status: r.status,
    customer: { id: r.customer_id, phone: r.customer_phone },
    agentId: r.agent_id,
    assignedAgentId: r.assigned_agent_id,
    regionId: r.region_id,
    campusId: r.campus_id,
    lines,
    subtotalCents: Number(r.subtotal_cents),
    discountCents: Number(r.discount_cents),
    totalCents: Number(r.total_cents),
    couponCode: r.coupon_code,
    paymentMethod: r.payment_method,
    fulfillment: {
      type: r.fulfilment_type,
      pickupPointId: r.pickup_point_id,
      campusId: r.campus_id,
      address: r.address,
    },
    note: r.note,
    codCollectedCents: r.cod_collected_cents === null ? null : Number(r.cod_collected_cents),
    createdById: r.created_by_id,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    paidAt: r.paid_at,
    assignedAt: r.assigned_at,
    dispatchedAt: r.dispatched_at,
    deliveredAt: r.delivered_at,
    completedAt: r.completed_at,
    cancelledAt: r.cancelled_at,
    returnedAt: r.returned_at,
    paymentDueAt: r.status === 'pending_payment' ? r.payment_due_at : null,
  };
}

/** The scalar facts of an order that travel in its events. */
export function orderFacts(o: OrderView): OrderFacts {
  return {
    orderId: o.id,
    number: o.number,
    channel: o.channel,
    status: o.status,
    customerId: o.customer.id,
    customerPhone: o.customer.phone,
    totalCents: o.totalCents,
    paymentMethod: o.paymentMethod,
    fulfilmentType: o.fulfillment.type,
    regionId: o.regionId,
    campusId: o.campusId,
    pickupPointId: o.fulfillment.pickupPointId,
    agentId: o.agentId,
    assignedAgentId: o.assignedAgentId,
    installation: o.lines.some((l) => l.requiresInstallation),
  };
}

/**
 * The order aggregate. Every channel places orders through `place`; every later move goes through
 * `transition`, which consults the one transition table and writes the state change, its OrderEvent,
 * its stock effect and its outbox event in one transaction.
 */
@Injectable()
export class OrderService {
  constructor(
    private readonly db: Db,
    private readonly stock: StockService,
    private readonly pricing: PricingService,
    private readonly outbox: OutboxService,
    private readonly clock: Clock,
    @InjectConfig() private readonly config: AppConfig,
    private readonly money: MoneyLedgerRepository,
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
   * Gives back what the price of an order used (flash-sale units of `lines`, or with no lines
   * everything: coupon, promotion uses, sale units), in the caller's transaction. Cancel and return
   * do it themselves; a partial return (aftersales) calls it with the lines that came back.
   */
  releasePricing(
    ctx: RequestContext,
    orderId: string,
    lines?: readonly { sku: string; quantity: number }[],
  ): Promise<{ flashUnits: number; coupons: number; promotions: number }> {
    return this.pricing.release(ctx, orderId, lines);
  }

  /**
   * One statement claims the idempotency key and, only if the claim is ours, writes the order, its
   * lines (and a gift line while the gift's stock lasts), its "placed" event and its outbox rows (the
   * generated order number is merged into the payloads), reserves the stock and claims what the price
   * used (sale units, per-customer purchases, promotion and coupon uses, redemption rows). A
   * concurrent duplicate waits on the key's unique index, then finds it taken and claims nothing. The
   * hot rows (stock, then flash sale, promotion, coupon) are locked by this statement and, outside a
   * caller's transaction, only until it commits: no round trip to the app while they are held.
   */
  private async write(ctx: RequestContext, cmd: PlaceOrderCommand, quote: Quote): Promise<PlaceResult> {
    const orderId = newId();
    const priced = quote.priced;
    const gift = priced.gift;
    // Lines of the same SKU are checked against stock together; a gift unit rides along, optional.
    const wanted = new Map<string, StockRequest>();
    cmd.lines.forEach((l, i) => {
      const w = wanted.get(l.sku);
      if (w) w.quantity += l.quantity;
      else wanted.set(l.sku, { sku: l.sku, quantity: l.quantity, field: `lines[${i}].sku` });
    });
    if (gift) {
      const w = wanted.get(gift.product.sku);
      if (w) w.optional = 1;
      else wanted.set(gift.product.sku, { sku: gift.product.sku, quantity: 0, optional: 1, field: 'gift' });
    }
    const overCap = [...wanted.values()].filter((w) => {
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
    const totalCents = priced.totalCents;
    const agentId = cmd.agentId ?? quote.couponAgentId;
    const couponCode = priced.coupon?.code ?? null;
    const status: OrderStatus = cmd.paymentMethod === 'online' ? 'pending_payment' : 'confirmed';
    const paidNow = cmd.paymentMethod === 'counter';
    const now = this.clock.now();
    const paymentDueAt =
      status === 'pending_payment'
        ? new Date(now.getTime() + this.config.paymentWindowMinutes * 60_000)
        : null;
    const order: OrderView = {
      id: orderId,
      number: '', // generated by the database below
      channel: cmd.channel,
      status,
      customer: { id: cmd.customer.id, phone: cmd.customer.phone },
      agentId,
      assignedAgentId: null,
      regionId: cmd.fulfilment.regionId,
      campusId: cmd.fulfilment.campusId,
      lines: lines.map(({ productId: _p, ...l }) => l),
      subtotalCents: priced.subtotalCents,
      discountCents: priced.discountCents,
      totalCents,
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
    const events: OutboxEvent[] = [event('order.placed', facts as OrderFacts, { aggregateId: orderId })];
    if (paymentDueAt) {
      const windowMs = this.config.paymentWindowMinutes * 60_000;
      const start = now.getTime();
      events.push(
        event(
          'order.payment_timer',
          { orderId, kind: 'reminder' },
          { aggregateId: orderId, availableAt: new Date(start + windowMs / 2) },
        ),
        event(
          'order.payment_timer',
          { orderId, kind: 'expiry' },
          { aggregateId: orderId, availableAt: paymentDueAt },
        ),
      );
    }

    const requests = [...wanted.values()];
    const FIRST_FRAGMENT_PARAM = 49;
    const outbox = this.outbox.insertSql(events, FIRST_FRAGMENT_PARAM, {
      when: 'EXISTS (SELECT 1 FROM o)',
      addToPayload: `jsonb_build_object('number', (SELECT number FROM o))`,
    });
    const stock = this.stock.reserveSql(
      requests,
      FIRST_FRAGMENT_PARAM + outbox.params.length,
      'EXISTS (SELECT 1 FROM claim)',
    );
    const giftGiven = `EXISTS (SELECT 1 FROM stock_reserved WHERE product_id = $40::uuid AND extra > 0)`;
    const claims = this.pricing.claimSql(
      priced,
      FIRST_FRAGMENT_PARAM + outbox.params.length + stock.params.length,
      {
        when: 'EXISTS (SELECT 1 FROM claim)',
        stockDone: '(SELECT count(*) FROM stock_reserved) = (SELECT count(*) FROM stock_req)',
        orderId: '$1::uuid',
        customerId: '$4::uuid',
        giftGiven,
      },
    );
    // The cap of undelivered COD orders per customer, as one more CTE of the same statement (no round
    // trip): a conditional upsert of the customer's counter that waits on the row and rechecks the cap
    // on its latest version, so concurrent orders never pass it; the guard below raises when it did not
    // take a slot, rolling back the whole statement. The counter goes down by trigger (delivery,
    // cancellation, return), whoever moves the order.
    const capParam = `$${FIRST_FRAGMENT_PARAM + outbox.params.length + stock.params.length + claims.params.length}`;
    let written: {
      claimed: boolean;
      number: string | null;
      created_at: Date | null;
      gift_given: boolean;
    };
    try {
      [written] = await this.db.query<typeof written>(
        ctx,
        `WITH claim AS (
           INSERT INTO idempotency_keys (scope_id, key, request_hash, order_id) VALUES ($15, $28, $29, $1)
           ON CONFLICT (scope_id, key) DO NOTHING RETURNING order_id
         ), ${stock.ctes}, o AS (
           INSERT INTO orders (id, number, channel, status, customer_id, customer_phone, agent_id, region_id, campus_id,
             fulfilment_type, pickup_point_id, address, payment_method, total_cents, note, created_by_id, created_by_role,
             paid_at, payment_due_at, subtotal_cents, discount_cents, coupon_code)
           SELECT $1, to_char(now() AT TIME ZONE 'Asia/Shanghai', 'YYMMDD') || lpad(nextval('order_number_seq')::text, 6, '0'),
             $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, CASE WHEN $17::boolean THEN now() END,
             $30::timestamptz,
             $32::bigint + CASE WHEN ${giftGiven} THEN $43::int ELSE 0 END,
             $33::bigint + CASE WHEN ${giftGiven} THEN $43::int ELSE 0 END, $34
            WHERE EXISTS (SELECT 1 FROM claim)
           RETURNING number, created_at
         ), r AS (
           -- A counter sale is paid when it is keyed: its receipt, held by the counter, is in the money ledger.
           INSERT INTO payments (provider_ref, order_id, amount_cents, paid_at, outcome, method, holder_pickup_point_id)
           SELECT 'counter:' || $1::text, $1, $13, now(), 'applied', 'counter', $31::uuid WHERE $17::boolean AND EXISTS (SELECT 1 FROM o)
         ), l AS (
           INSERT INTO order_lines (order_id, line_no, product_id, sku, name, quantity, unit_price_cents,
             line_total_cents, requires_installation, install_fee_cents, list_price_cents, discount_cents, promotion_id,
             flash_sale_id, discounts)
           SELECT $1, n, p, s, nm, q, u, t, ri, f, lp, d, pr, fs, ds
             FROM unnest($18::int[], $19::uuid[], $20::text[], $21::text[], $22::int[], $23::int[], $24::bigint[],
                         $25::boolean[], $26::int[], $35::int[], $36::bigint[], $37::uuid[], $38::uuid[], $39::jsonb[])
                  AS x(n, p, s, nm, q, u, t, ri, f, lp, d, pr, fs, ds)
            WHERE EXISTS (SELECT 1 FROM o)
         ), gl AS (
           INSERT INTO order_lines (order_id, line_no, product_id, sku, name, quantity, unit_price_cents,
             line_total_cents, requires_installation, install_fee_cents, list_price_cents, discount_cents, promotion_id,
             discounts)
           SELECT $1, $48::int, $40::uuid, $41::text, $42::text, 1, 0, 0, $44::boolean, $45::int, $43::int, $43::int,
                  $46::uuid, $47::jsonb
            WHERE EXISTS (SELECT 1 FROM o) AND ${giftGiven}
         ), e AS (
           INSERT INTO order_events (order_id, type, from_status, to_status, actor_id, actor_role, channel, data)
           SELECT $1, 'placed', NULL, $3, $15, $16, $2, $27::jsonb || jsonb_build_object('giftGiven', ${giftGiven})
            WHERE EXISTS (SELECT 1 FROM o)
         ), x AS (
           ${outbox.sql}
         ), cod_slot AS (
           INSERT INTO cod_open_orders (customer_id, open_count)
           SELECT $4, 1 WHERE $12 = 'cod' AND EXISTS (SELECT 1 FROM claim)
           ON CONFLICT (customer_id) DO UPDATE SET open_count = cod_open_orders.open_count + 1
            WHERE cod_open_orders.open_count < ${capParam}::int
           RETURNING open_count
         ), ${claims.ctes}
         SELECT EXISTS (SELECT 1 FROM claim) AS claimed, (SELECT number FROM o) AS number,
                (SELECT created_at FROM o) AS created_at, ${giftGiven} AS gift_given,
                CASE WHEN $12 = 'cod' AND EXISTS (SELECT 1 FROM claim) AND NOT EXISTS (SELECT 1 FROM cod_slot)
                     THEN cod_limit_reached(${capParam}::int) END AS cod_full,
                ${stock.guard} AS stock_short, ${claims.guard} AS pricing_refused`,
        [
          orderId,
          cmd.channel,
          status,
          cmd.customer.id,
          cmd.customer.phone,
          agentId,
          cmd.fulfilment.regionId,
          cmd.fulfilment.campusId,
          cmd.fulfilment.type,
          cmd.fulfilment.pickupPointId,
          cmd.fulfilment.address,
          cmd.paymentMethod,
          totalCents,
          cmd.note,
          ctx.actorId,
          ctx.role,
          paidNow,
          lines.map((_, i) => i + 1),
          lines.map((l) => l.productId),
          lines.map((l) => l.sku),
          lines.map((l) => l.name),
          lines.map((l) => l.quantity),
          lines.map((l) => l.unitPriceCents),
          lines.map((l) => l.lineTotalCents),
          lines.map((l) => l.requiresInstallation),
          lines.map((l) => l.installFeeCents),
          JSON.stringify({
            subtotalCents: priced.subtotalCents,
            discountCents: priced.discountCents,
            totalCents,
            couponCode,
            paymentMethod: cmd.paymentMethod,
            fulfilment: cmd.fulfilment.type,
            ...cmd.eventData,
          }),
          cmd.idempotency.key,
          cmd.idempotency.requestHash,
          paymentDueAt,
          paidNow ? (ctx.principal.pickupPointId ?? cmd.fulfilment.pickupPointId) : null,
          priced.subtotalCents, // $32
          priced.discountCents,
          couponCode,
          lines.map((l) => l.listPriceCents), // $35
          lines.map((l) => l.discountCents),
          lines.map((l) => l.promotionId),
          lines.map((l) => l.flashSaleId),
          lines.map((l) => JSON.stringify(l.discounts)),
          gift?.product.productId ?? null, // $40
          gift?.product.sku ?? null,
          gift?.product.name ?? null,
          gift?.product.listPriceCents ?? 0,
          gift?.product.requiresInstallation ?? false,
          gift?.product.installFeeCents ?? 0, // $45
          gift?.promotionId ?? null,
          JSON.stringify(
            gift
              ? [
                  {
                    source: 'promotion',
                    id: gift.promotionId,
                    promotionId: gift.promotionId,
                    amountCents: gift.product.listPriceCents,
                  },
                ]
              : [],
          ),
          lines.length + 1, // $48
          ...outbox.params,
          ...stock.params,
          ...claims.params,
          this.config.maxOpenCodOrders,
        ],
        { prepare: 'order_place_v6' },
      );
    } catch (err) {
      // A SKU short of stock, or the COD cap: the statement (order included) rolled back as a whole.
      if (pgErrorCode(err) === 'UO422') throw new TooManyOpenCodOrdersError(this.config.maxOpenCodOrders);
      throw this.stock.shortfallError(err, requests) ?? err;
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

  /**
   * The original answer for an idempotency key already used by this caller: the same order for the
   * same request, 409 for a different one; null when the key is unused. Read on the caller's
   * connection (a fresh statement sees a duplicate that committed while we waited).
   */
  private async replayOf(tx: RequestContext, cmd: PlaceOrderCommand): Promise<PlaceResult | null> {
    const [key] = await this.db.query<{ order_id: string; request_hash: string }>(
      tx,
      `SELECT order_id, request_hash FROM idempotency_keys WHERE scope_id = $1 AND key = $2`,
      [tx.actorId, cmd.idempotency.key],
    );
    if (!key) return null;
    if (key.request_hash !== cmd.idempotency.requestHash) throw new IdempotencyKeyReusedError();
    // Inside a transaction, not a second pool connection: with many duplicates at once that could
    // starve the pool.
    const system = RequestContext.system(tx.requestId);
    const original = await this.get(tx.manager ? system.withManager(tx.manager) : system, key.order_id);
    return { order: original, replayed: true };
  }

  /** The order if the caller may see it, else 404. */
  async get(ctx: RequestContext, id: string): Promise<OrderView> {
    const order = await this.find(ctx, id);
    if (!order) throw new NotFoundError('order', id);
    return order;
  }

  async find(ctx: RequestContext, id: string, opts: { lock?: boolean } = {}): Promise<OrderView | null> {
    const params: unknown[] = [id];
    const scope = orderScopeSql(ctx, params);
    const rows = await this.db.query<OrderRow>(
      ctx,
      `SELECT ${ORDER_COLUMNS} FROM orders o WHERE o.id = $1 AND ${scope}${opts.lock ? ' FOR UPDATE' : ''}`,
      params,
    );
    if (!rows[0]) return null;
    return orderView(rows[0], (await this.linesOf(ctx, [id])).get(id) ?? []);
  }

  /**
   * The lines of an order with each product's category, as commission rules need them (system use;
   * the unit price is the one frozen at order time, the category the product's current one).
   */
  async linesWithCategory(ctx: RequestContext, orderId: string): Promise<OrderLineWithCategory[]> {
    const rows = await this.db.query<{
      sku: string;
      category: string;
      quantity: number;
      unit_price_cents: number;
      line_total_cents: string;
    }>(
      ctx,
      `SELECT l.sku, p.category, l.quantity, l.unit_price_cents, l.line_total_cents
         FROM order_lines l JOIN products p ON p.id = l.product_id
        WHERE l.order_id = $1 ORDER BY l.line_no`,
      [orderId],
    );
    return rows.map((r) => ({
      sku: r.sku,
      category: r.category,
      quantity: r.quantity,
      unitPriceCents: r.unit_price_cents,
      lineTotalCents: Number(r.line_total_cents),
    }));
  }

  /** Finds an order by its number (as read out on the phone or texted back), within scope. */
  async findByNumber(ctx: RequestContext, number: string): Promise<OrderView | null> {
    const params: unknown[] = [number.trim()];
    const scope = orderScopeSql(ctx, params);
    const rows = await this.db.query<{ id: string }>(
      ctx,
      `SELECT o.id FROM orders o WHERE o.number = $1 AND ${scope}`,
      params,
    );
    return rows[0] ? this.find(ctx, rows[0].id) : null;
  }

  async list(ctx: RequestContext, q: OrderQueryDto): Promise<Page<OrderView>> {
    const params = new SqlParams();
    const where = [orderScopeSql(ctx, params)];
    const agentRef = (v: string, field: string) => {
      if (v !== 'me') return v;
      if (!ctx.principal.agentId) throw ValidationError.field(field, '"me" is only for agents');
      return ctx.principal.agentId;
    };
    if (q.status) where.push(`o.status = ${params.add(q.status)}`);
    if (q.channel) where.push(`o.channel = ${params.add(q.channel)}`);
    if (q.campusId) where.push(`o.campus_id = ${params.add(q.campusId)}`);
    if (q.agentId) where.push(`o.agent_id = ${params.add(agentRef(q.agentId, 'agentId'))}`);
    if (q.assignedAgentId)
      where.push(`o.assigned_agent_id = ${params.add(agentRef(q.assignedAgentId, 'assignedAgentId'))}`);
    // "Unassigned" is the dispatch pool: confirmed orders that no agent delivers yet.
    if (q.unassigned === true) where.push(`o.assigned_agent_id IS NULL AND o.status = 'confirmed'`);
    if (q.number) where.push(`o.number = ${params.add(q.number)}`);
    if (q.phone) where.push(`o.customer_phone = ${params.add(q.phone)}`);
    if (q.from) where.push(`o.created_at >= ${params.add(q.from)}::timestamptz`);
    if (q.to) where.push(`o.created_at < ${params.add(q.to)}::timestamptz`);
    if (q.cursor) {
      const [at, id] = decodeCursor(q.cursor, ['string', 'string']);
      where.push(`(o.created_at, o.id) < (${params.add(at)}::timestamptz, ${params.add(id)}::uuid)`);
    }
    const limit = q.limit ?? DEFAULT_PAGE_SIZE;
    // The cursor keeps PostgreSQL's microseconds: a JS Date would round them off and skip rows.
    const rows = await this.db.query<OrderRow & { cursor_at: string }>(
      ctx,
      `SELECT ${ORDER_COLUMNS}, o.created_at::text AS cursor_at FROM orders o WHERE ${where.join(' AND ')}
        ORDER BY o.created_at DESC, o.id DESC LIMIT ${limit + 1}`,
      params.values,
    );
    const page = toPage(rows, limit, (r) => [r.cursor_at, r.id]);
    const lines = await this.linesOf(
      ctx,
      page.items.map((r) => r.id),
    );
    return { ...page, items: page.items.map((r) => orderView(r, lines.get(r.id) ?? [])) };
  }

  async events(ctx: RequestContext, id: string): Promise<OrderEventView[]> {
    await this.get(ctx, id);
    const rows = await this.db.query<{
      id: string;
      type: string;
      from_status: OrderStatus | null;
      to_status: OrderStatus | null;
      actor_id: string | null;
      actor_role: string | null;
      channel: string | null;
      reason: string | null;
      data: Record<string, unknown>;
      created_at: Date;
    }>(ctx, `SELECT * FROM order_events WHERE order_id = $1 ORDER BY id`, [id]);
    return rows.map((r) => ({
      id: String(r.id),
      type: r.type,
      fromStatus: r.from_status,
      toStatus: r.to_status,
      actor: { id: r.actor_id, role: r.actor_role },
      channel: r.channel,
      reason: r.reason,
      at: r.created_at,
      data: r.data,
    }));
  }

  /** Cancels an order that has not left for delivery; its stock goes back on the shelf. */
  cancel(ctx: RequestContext, id: string, reason: string): Promise<OrderView> {
    return this.transition(ctx, id, 'cancel', { reason });
  }

  /**
   * Moves an order one step through its lifecycle. Locks the order (within the caller's scope: else
   * 404), asks the state machine (illegal → 409 with the current status), applies the move's stock
   * effect, and writes the OrderEvent and the outbox event, all in one transaction.
   */
  async transition(
    ctx: RequestContext,
    id: string,
    action: OrderAction,
    opts: TransitionOptions = {},
  ): Promise<OrderView> {
    return this.db.transaction(ctx, async (tx) => {
      const before = await this.find(tx, id, { lock: true });
      if (!before) throw new NotFoundError('order', id);
      const to = orderStateMachine.next(before.status, action);
      opts.guard?.(before);

      const sets = [`status = $2`, `updated_at = now()`];
      const params = new SqlParams([id, to]);
      const stamp = ACTION_TIMESTAMPS[action] ?? STATUS_TIMESTAMPS[to];
      if (stamp) sets.push(`${stamp} = now()`);
      if (opts.set && 'assignedAgentId' in opts.set) {
        sets.push(`assigned_agent_id = ${params.add(opts.set.assignedAgentId)}`);
      }
      if (opts.set && 'codCollectedCents' in opts.set) {
        sets.push(`cod_collected_cents = ${params.add(opts.set.codCollectedCents)}`);
      }
      if (opts.set?.paymentMethod) sets.push(`payment_method = ${params.add(opts.set.paymentMethod)}`);
      // The order as it is after the move comes back from the UPDATE itself; a move never changes the
      // lines (a whole return only marks them returned, below), so they are the ones read with the
      // lock (issue 18: two round trips less per move).
      const [updated] = await this.db.query<OrderRow>(
        tx,
        `UPDATE orders o SET ${sets.join(', ')} WHERE o.id = $1 RETURNING ${ORDER_COLUMNS}`,
        params.values,
      );

      const effect = STOCK_EFFECTS[action];
      if (effect) {
        await this.stock.move(tx, await this.stockDeltas(tx, id, effect), {
          kind: effect === 'consume' ? 'consumed' : 'restocked',
          reason: `order ${before.number}: ${action}`,
          orderId: id,
        });
        // Cancelled or returned as a whole: its coupon use, promotion uses and sale units go back.
        if (effect !== 'consume') await this.pricing.release(tx, id);
      }
      if (action === 'return') {
        await this.db.query(tx, `UPDATE order_lines SET returned_quantity = quantity WHERE order_id = $1`, [
          id,
        ]);
      }

      const after = orderView(
        updated,
        action === 'return'
          ? before.lines.map((l) => ({ ...l, returnedQuantity: l.quantity }))
          : before.lines,
      );
      const money = await this.moneyEffects(tx, after, action, opts);
      const data = money.refunds.length
        ? { ...(opts.data ?? {}), refunds: money.refunds }
        : (opts.data ?? {});
      await this.recordEvent(tx, after, {
        type: action,
        fromStatus: before.status,
        toStatus: to,
        reason: opts.reason ?? null,
        data,
      });
      await this.outbox.append(tx, [
        event(
          'order.status_changed',
          {
            ...orderFacts(after),
            action,
            fromStatus: before.status,
            toStatus: to,
            actorId: ctx.actorId,
            actorRole: ctx.role,
            reason: opts.reason ?? null,
            data,
          },
          { aggregateId: id },
        ),
        ...money.events,
        ...(opts.events?.(after) ?? []),
      ]);
      return after;
    });
  }

  /**
   * The money side of a move, in its transaction: cash collected at a hand-off is a receipt (held by
   * the delivering agent, or by the pickup point for cash taken at a counter or locker); a move that
   * takes the order out of the book (cancel, return, a parcel sent back) writes a refund for every
   * fen it still holds, the way the money came (DESIGN.md: the refund commits with the state change).
   */
  private async moneyEffects(
    tx: RequestContext,
    order: OrderView,
    action: OrderAction,
    opts: TransitionOptions,
  ): Promise<{ refunds: { id: string; amountCents: number; method: string }[]; events: OutboxEvent[] }> {
    const cash = opts.set?.codCollectedCents;
    if (cash && cash > 0) {
      await this.money.insertReceipt(tx, {
        orderId: order.id,
        method: 'cash',
        providerRef: `cash:${order.id}`,
        amountCents: cash,
        paidAt: this.clock.now(),
        outcome: 'applied',
        holder:
          action === 'deliver'
            ? { agentId: order.assignedAgentId, pickupPointId: null }
            : { agentId: null, pickupPointId: order.fulfillment.pickupPointId },
        data: { action },
      });
    }
    if (!(REFUNDING_ACTIONS as readonly string[]).includes(action)) return { refunds: [], events: [] };
    const planned = planFullRefund(await this.money.balances(tx, order.id));
    const { ids, events } = await this.money.insertRefunds(tx, order, planned, {
      cause: action as RefundingAction,
      reason: opts.reason ?? action,
    });
    return {
      refunds: planned.map((p, i) => ({ id: ids[i], amountCents: p.amountCents, method: p.method })),
      events,
    };
  }

  /**
   * An unpaid cash-on-delivery order paid online before its hand-off (an Alipay QR shown at the door):
   * `paid_at` is set and the timeline says how; the payment method stays `cod` (as placed) and the
   * hand-off then collects nothing. Inside the caller's transaction, on an order it has locked.
   */
  async recordPrepayment(ctx: RequestContext, orderId: string, data: Record<string, unknown>): Promise<void> {
    await this.db.query(
      ctx,
      `UPDATE orders SET paid_at = now(), updated_at = now() WHERE id = $1 AND paid_at IS NULL`,
      [orderId],
    );
    await this.note(ctx, orderId, 'cod_paid_online', data);
  }

  /**
   * Some units of a delivered (or completed) order came back (a received return request), in the
   * caller's transaction, on the locked order: the lines' returned quantities grow, those units go
   * back on the shelf (catalog), their flash-sale units are released (pricing), and their share of the
   * lines' totals (exact to the fen) is refunded the way the money came — Alipay → `refund.requested`,
   * cash → `refund.cash_owed`, owed by whoever holds the cash. The timeline gets `lines_returned` and
   * the outbox `order.lines_returned` (commissions reverses those lines only). When every unit of the
   * order is back, the order moves to `returned` through the `return` move (which restocks and
   * refunds what is left, so the parts add up exactly). Once per `returnId` (409 otherwise).
   */
  async returnLines(
    ctx: RequestContext,
    orderId: string,
    cmd: ReturnLinesCommand,
  ): Promise<ReturnLinesResult> {
    return this.db.transaction(ctx, async (tx) => {
      const order = await this.find(tx, orderId, { lock: true });
      if (!order) throw new NotFoundError('order', orderId);
      if (order.status !== 'delivered' && order.status !== 'completed') {
        throw new IllegalTransitionError('order', order.status, 'return');
      }
      const [seen] = await this.db.query(
        tx,
        `SELECT 1 FROM order_events WHERE order_id = $1 AND type = 'lines_returned' AND data->>'returnId' = $2`,
        [orderId, cmd.returnId],
      );
      if (seen) throw new ConflictError('return_already_booked', `Return ${cmd.returnId} was already booked`);
      const allocation = allocateReturn(order.lines, cmd.lines);
      if (!allocation.ok) throw new ValidationError(allocation.errors);
      const lines = allocation.lines;
      const refundCents = lines.reduce((sum, l) => sum + l.refundCents, 0);
      const remaining = order.lines.reduce((n, l) => n + l.quantity - l.returnedQuantity, 0);
      const fullyReturned = lines.reduce((n, l) => n + l.quantity, 0) === remaining;
      const facts = { returnId: cmd.returnId, lines, refundCents, fullyReturned };

      let refunds: ReturnLinesResult['refunds'] = [];
      const events: OutboxEvent[] = [];
      if (fullyReturned) {
        // The whole move restocks and refunds what is still out (quantity − returned), so the order's
        // earlier partial returns are not counted twice.
        await this.transition(tx, orderId, 'return', { reason: cmd.reason, data: facts });
        const [ev] = await this.db.query<{ data: { refunds?: ReturnLinesResult['refunds'] } }>(
          tx,
          `SELECT data FROM order_events WHERE order_id = $1 AND type = 'return' ORDER BY id DESC LIMIT 1`,
          [orderId],
        );
        refunds = ev?.data.refunds ?? [];
      } else {
        const positions = await this.db.query<{ id: string; product_id: string }>(
          tx,
          `SELECT id, product_id FROM order_lines WHERE order_id = $1 ORDER BY line_no`,
          [orderId],
        );
        await this.stock.move(
          tx,
          lines.map((l) => ({
            productId: positions[l.lineIndex].product_id,
            onHand: l.quantity,
            reserved: 0,
          })),
          { kind: 'restocked', reason: `order ${order.number}: return ${cmd.returnId}`, orderId },
        );
        await this.pricing.release(tx, orderId, lines);
        const planned = planPartialRefund(await this.money.balances(tx, orderId), refundCents);
        // The lines' share never exceeds what was paid for them: a shortfall is a bug, not a customer error.
        if (!planned)
          throw new RangeError(`order ${order.number}: the receipts hold less than ${refundCents} fen`);
        const written = await this.money.insertRefunds(tx, order, planned, {
          cause: 'return',
          reason: `${cmd.reason} (return ${cmd.returnId})`,
        });
        refunds = planned.map((p, i) => ({
          id: written.ids[i],
          amountCents: p.amountCents,
          method: p.method,
        }));
        events.push(...written.events);
      }
      if (!fullyReturned) {
        await this.db.query(
          tx,
          `UPDATE order_lines l SET returned_quantity = l.returned_quantity + x.qty
           FROM unnest($2::int[], $3::int[]) AS x(pos, qty)
           JOIN (SELECT id, row_number() OVER (ORDER BY line_no) - 1 AS pos FROM order_lines WHERE order_id = $1) p
             ON p.pos = x.pos
          WHERE l.id = p.id`,
          [orderId, lines.map((l) => l.lineIndex), lines.map((l) => l.quantity)],
        );
        await this.db.query(tx, `UPDATE orders SET updated_at = now() WHERE id = $1`, [orderId]);
      }
      const after = (await this.find(tx, orderId))!;
      await this.note(tx, orderId, 'lines_returned', { ...facts, refunds, reason: cmd.reason });
      events.push(
        event(
          'order.lines_returned',
          {
            ...orderFacts(after),
            returnId: cmd.returnId,
            lines: lines.map((l) => ({
              lineIndex: l.lineIndex,
              sku: l.sku,
              quantity: l.quantity,
              returnedBefore: l.returnedBefore,
              lineQuantity: l.lineQuantity,
              refundCents: l.refundCents,
            })),
            refundCents,
            fullyReturned,
            statusAtReturn: order.status,
            reason: cmd.reason,
          },
          { aggregateId: orderId },
        ),
      );
      await this.outbox.append(tx, events);
      return { order: after, lines, refundCents, refunds, fullyReturned };
    });
  }

  /** The partial returns booked on an order, oldest first (system use: commissions reverses them). */
  async lineReturns(ctx: RequestContext, orderId: string): Promise<OrderLineReturn[]> {
    const rows = await this.db.query<{ data: Omit<OrderLineReturn, 'at'>; created_at: Date }>(
      ctx,
      `SELECT data, created_at FROM order_events WHERE order_id = $1 AND type = 'lines_returned' ORDER BY id`,
      [orderId],
    );
    return rows.map((r) => ({
      returnId: r.data.returnId,
      lines: r.data.lines,
      fullyReturned: r.data.fullyReturned,
      at: r.created_at,
    }));
  }

  /** Appends a non-status entry to an order's timeline (texts in and out, notes). */
  async note(
    ctx: RequestContext,
    orderId: string,
    type: string,
    data: Record<string, unknown>,
    channel: string | null = null,
  ): Promise<void> {
    await this.db.query(
      ctx,
      `INSERT INTO order_events (order_id, type, actor_id, actor_role, channel, data) VALUES ($1, $2, $3, $4, $5, $6)`,
      [orderId, type, ctx.actorId, ctx.role, channel, JSON.stringify(data)],
    );
  }

  private async recordEvent(
    ctx: RequestContext,
    order: OrderView,
    e: {
      type: string;
      fromStatus: OrderStatus;
      toStatus: OrderStatus;
      reason: string | null;
      data: Record<string, unknown>;
    },
  ): Promise<void> {
    await this.db.query(
      ctx,
      `INSERT INTO order_events (order_id, type, from_status, to_status, actor_id, actor_role, channel, reason, data)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [
        order.id,
        e.type,
        e.fromStatus,
        e.toStatus,
        ctx.actorId,
        ctx.role,
        order.channel,
        e.reason,
        JSON.stringify(e.data),
      ],
    );
  }

  private async stockDeltas(
    ctx: RequestContext,
    orderId: string,
    effect: 'release' | 'consume' | 'restock',
  ): Promise<StockDelta[]> {
    // Units that came back in partial returns are on the shelf already: a later whole return
    // restocks only what is still out.
    const lines = await this.db.query<{ product_id: string; quantity: number }>(
      ctx,
      `SELECT product_id, quantity - returned_quantity AS quantity FROM order_lines
        WHERE order_id = $1 AND quantity > returned_quantity`,
      [orderId],
    );
    return lines.map((l) => ({
      productId: l.product_id,
      onHand: effect === 'consume' ? -l.quantity : effect === 'restock' ? l.quantity : 0,
      reserved: effect === 'restock' ? 0 : -l.quantity,
    }));
  }

  private async linesOf(ctx: RequestContext, orderIds: string[]): Promise<Map<string, OrderLineView[]>> {
    const out = new Map<string, OrderLineView[]>();
    if (orderIds.length === 0) return out;
    const rows = await this.db.query<LineRow>(
      ctx,
      `SELECT order_id, product_id, sku, name, quantity, list_price_cents, unit_price_cents, discount_cents,
              line_total_cents, promotion_id, flash_sale_id, discounts, requires_installation, install_fee_cents,
              returned_quantity
         FROM order_lines WHERE order_id = ANY($1::uuid[]) ORDER BY order_id, line_no`,
      [orderIds],
    );
    for (const r of rows) {
      const list = out.get(r.order_id) ?? [];
      list.push(lineView(r));
      out.set(r.order_id, list);
    }
    return out;
  }
}
