import { Injectable } from '@nestjs/common';
import { decodeCursor, Page, RequestContext, toPage } from '@campus/core';
import { StockRequest, StockService } from '@campus/catalog';
import { PricedOrder, PricingService } from '@campus/pricing';
import { Db, SqlParams } from '@campus/database';
import { OutboxEvent, OutboxService } from '@campus/queue';
import { orderScopeSql } from './order-scope';
import type { OrderStatus } from './order-state-machine';
import { LINE_COLUMNS, LineRow, lineView, ORDER_COLUMNS, OrderRow, orderView } from './order-rows';
import type {
  OrderEventView,
  OrderLineReturn,
  OrderLineView,
  OrderLineWithCategory,
  OrderView,
  TransitionChanges,
} from './order.types';

/** The name of the placement statement: bump it whenever its text changes. */
export const PLACE_STATEMENT = 'order_place_v7';

/** Binds every value once, in key order, and returns its placeholder by name. */
function bindAll<K extends string>(params: SqlParams, values: Record<K, unknown>): Record<K, string> {
  const out = {} as Record<K, string>;
  for (const key of Object.keys(values) as K[]) out[key] = params.add(values[key]);
  return out;
}

/** Everything the placement statement writes, decided by OrderPlacementService. */
export interface NewOrder {
  /** The order as placed (its number and timestamps come from the database). */
  order: OrderView;
  lines: readonly (OrderLineView & { productId: string })[];
  /** A counter sale: paid when keyed, its receipt held by `counterHolderId` (the pickup point). */
  paidNow: boolean;
  counterHolderId: string | null;
  /** The data of the "placed" timeline entry. */
  placedData: Record<string, unknown>;
  idempotency: { key: string; requestHash: string };
  /** Outbox rows; the generated order number is merged into their payloads. */
  events: readonly OutboxEvent[];
  /** Stock to reserve, one request per SKU (a gift unit rides along as `optional`). */
  stock: readonly StockRequest[];
  priced: PricedOrder;
  maxOpenCodOrders: number;
}

export interface PlacedRow {
  /** False: the idempotency key was taken already (nothing was written). */
  claimed: boolean;
  number: string | null;
  created_at: Date | null;
  gift_given: boolean;
}

/** What a move sets on the order row besides its status. */
export interface OrderMoveUpdate {
  status: OrderStatus;
  /** The timestamp column the move stamps with now(), if any. */
  stamp: string | null;
  set?: TransitionChanges;
}

/** A timeline entry of `order_events`. */
export interface OrderEventInput {
  type: string;
  fromStatus?: OrderStatus | null;
  toStatus?: OrderStatus | null;
  channel: string | null;
  reason?: string | null;
  data: Record<string, unknown>;
}

export interface OrderListFilter {
  status?: string;
  channel?: string;
  campusId?: string;
  agentId?: string;
  assignedAgentId?: string;
  unassigned?: boolean;
  number?: string;
  phone?: string;
  from?: string;
  to?: string;
  cursor?: string;
}

/**
 * The statements of the order aggregate's tables (`orders`, `order_lines`, `order_events`,
 * `idempotency_keys`, `cod_open_orders`): the placement statement, the moves, the reads. The order
 * services decide; this holds the SQL, the scope predicate and the row locks, and returns OrderViews.
 */
@Injectable()
export class OrderRepository {
  constructor(
    private readonly db: Db,
    private readonly outbox: OutboxService,
    private readonly stock: StockService,
    private readonly pricing: PricingService,
  ) {}

  /**
   * The placement: ONE statement claims the idempotency key and, only if the claim is ours, writes
   * the order, its lines (and a gift line while the gift's stock lasts), its "placed" event and its
   * outbox rows (the generated order number merged into the payloads), a counter sale's receipt,
   * reserves the stock (catalog's fragment), claims what the price used (pricing's fragment) and takes
   * a slot under the cap of open COD orders. A concurrent duplicate waits on the key's unique index,
   * then finds it taken and claims nothing. The guards raise (UO409 stock, UP409 pricing, UO422 COD
   * cap) and roll the whole statement back. The text is the same for every order (a named statement).
   */
  async insertPlaced(ctx: RequestContext, n: NewOrder): Promise<PlacedRow> {
    const { text, values } = this.placeStatement(ctx, n);
    const [row] = await this.db.query<PlacedRow>(ctx, text, values, { prepare: PLACE_STATEMENT });
    return row;
  }

  /** @internal the placement statement and its values (exposed for its spec). */
  placeStatement(ctx: RequestContext, n: NewOrder): { text: string; values: unknown[] } {
    const { order: o, lines } = n;
    const gift = n.priced.gift;
    const params = new SqlParams();
    const v = bindAll(params, {
      id: o.id,
      channel: o.channel,
      status: o.status,
      customerId: o.customer.id,
      customerPhone: o.customer.phone,
      agentId: o.agentId,
      regionId: o.regionId,
      campusId: o.campusId,
      fulfilmentType: o.fulfillment.type,
      pickupPointId: o.fulfillment.pickupPointId,
      address: o.fulfillment.address,
      paymentMethod: o.paymentMethod,
      totalCents: o.totalCents,
      note: o.note,
      actorId: ctx.actorId,
      actorRole: ctx.role,
      paidNow: n.paidNow,
      lineNos: lines.map((_, i) => i + 1),
      productIds: lines.map((l) => l.productId),
      skus: lines.map((l) => l.sku),
      names: lines.map((l) => l.name),
      quantities: lines.map((l) => l.quantity),
      unitPrices: lines.map((l) => l.unitPriceCents),
      lineTotals: lines.map((l) => l.lineTotalCents),
      installs: lines.map((l) => l.requiresInstallation),
      installFees: lines.map((l) => l.installFeeCents),
      placedData: JSON.stringify(n.placedData),
      key: n.idempotency.key,
      requestHash: n.idempotency.requestHash,
      paymentDueAt: o.paymentDueAt,
      counterHolderId: n.counterHolderId,
      subtotalCents: n.priced.subtotalCents,
      discountCents: n.priced.discountCents,
      couponCode: o.couponCode,
      listPrices: lines.map((l) => l.listPriceCents),
      lineDiscounts: lines.map((l) => l.discountCents),
      promotionIds: lines.map((l) => l.promotionId),
      flashSaleIds: lines.map((l) => l.flashSaleId),
      discounts: lines.map((l) => JSON.stringify(l.discounts)),
      giftProductId: gift?.product.productId ?? null,
      giftSku: gift?.product.sku ?? null,
      giftName: gift?.product.name ?? null,
      giftListPrice: gift?.product.listPriceCents ?? 0,
      giftInstall: gift?.product.requiresInstallation ?? false,
      giftInstallFee: gift?.product.installFeeCents ?? 0,
      giftPromotionId: gift?.promotionId ?? null,
      giftDiscounts: JSON.stringify(
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
      giftLineNo: lines.length + 1,
    });
    const outbox = this.outbox.insertFragment(params, n.events, {
      when: 'EXISTS (SELECT 1 FROM o)',
      addToPayload: `jsonb_build_object('number', (SELECT number FROM o))`,
    });
    const stock = this.stock.reserveFragment(params, n.stock, 'EXISTS (SELECT 1 FROM claim)');
    const giftGiven = `EXISTS (SELECT 1 FROM stock_reserved WHERE product_id = ${v.giftProductId}::uuid AND extra > 0)`;
    const claims = this.pricing.claimFragment(params, n.priced, {
      when: 'EXISTS (SELECT 1 FROM claim)',
      stockDone: '(SELECT count(*) FROM stock_reserved) = (SELECT count(*) FROM stock_req)',
      orderId: `${v.id}::uuid`,
      customerId: `${v.customerId}::uuid`,
      giftGiven,
    });
    // The cap of undelivered COD orders per customer, as one more CTE (no round trip): a conditional
    // upsert of the customer's counter that waits on the row and rechecks the cap on its latest
    // version, so concurrent orders never pass it; the select raises when it did not take a slot. The
    // counter goes down by trigger (delivery, cancellation, return), whoever moves the order.
    const cap = params.add(n.maxOpenCodOrders);
    const text = `WITH claim AS (
           INSERT INTO idempotency_keys (scope_id, key, request_hash, order_id)
           VALUES (${v.actorId}, ${v.key}, ${v.requestHash}, ${v.id})
           ON CONFLICT (scope_id, key) DO NOTHING RETURNING order_id
         ), ${stock.ctes}, o AS (
           INSERT INTO orders (id, number, channel, status, customer_id, customer_phone, agent_id, region_id, campus_id,
             fulfilment_type, pickup_point_id, address, payment_method, total_cents, note, created_by_id, created_by_role,
             paid_at, payment_due_at, subtotal_cents, discount_cents, coupon_code)
           SELECT ${v.id}, to_char(now() AT TIME ZONE 'Asia/Shanghai', 'YYMMDD') || lpad(nextval('order_number_seq')::text, 6, '0'),
             ${v.channel}, ${v.status}, ${v.customerId}, ${v.customerPhone}, ${v.agentId}, ${v.regionId}, ${v.campusId},
             ${v.fulfilmentType}, ${v.pickupPointId}, ${v.address}, ${v.paymentMethod}, ${v.totalCents}, ${v.note},
             ${v.actorId}, ${v.actorRole}, CASE WHEN ${v.paidNow}::boolean THEN now() END,
             ${v.paymentDueAt}::timestamptz,
             ${v.subtotalCents}::bigint + CASE WHEN ${giftGiven} THEN ${v.giftListPrice}::int ELSE 0 END,
             ${v.discountCents}::bigint + CASE WHEN ${giftGiven} THEN ${v.giftListPrice}::int ELSE 0 END, ${v.couponCode}
            WHERE EXISTS (SELECT 1 FROM claim)
           RETURNING number, created_at
         ), r AS (
           -- A counter sale is paid when it is keyed: its receipt, held by the counter, is in the money ledger.
           INSERT INTO payments (provider_ref, order_id, amount_cents, paid_at, outcome, method, holder_pickup_point_id)
           SELECT 'counter:' || ${v.id}::text, ${v.id}, ${v.totalCents}, now(), 'applied', 'counter', ${v.counterHolderId}::uuid
            WHERE ${v.paidNow}::boolean AND EXISTS (SELECT 1 FROM o)
         ), l AS (
           INSERT INTO order_lines (order_id, line_no, product_id, sku, name, quantity, unit_price_cents,
             line_total_cents, requires_installation, install_fee_cents, list_price_cents, discount_cents, promotion_id,
             flash_sale_id, discounts)
           SELECT ${v.id}, n, p, s, nm, q, u, t, ri, f, lp, d, pr, fs, ds
             FROM unnest(${v.lineNos}::int[], ${v.productIds}::uuid[], ${v.skus}::text[], ${v.names}::text[],
                         ${v.quantities}::int[], ${v.unitPrices}::int[], ${v.lineTotals}::bigint[], ${v.installs}::boolean[],
                         ${v.installFees}::int[], ${v.listPrices}::int[], ${v.lineDiscounts}::bigint[],
                         ${v.promotionIds}::uuid[], ${v.flashSaleIds}::uuid[], ${v.discounts}::jsonb[])
                  AS x(n, p, s, nm, q, u, t, ri, f, lp, d, pr, fs, ds)
            WHERE EXISTS (SELECT 1 FROM o)
         ), gl AS (
           INSERT INTO order_lines (order_id, line_no, product_id, sku, name, quantity, unit_price_cents,
             line_total_cents, requires_installation, install_fee_cents, list_price_cents, discount_cents, promotion_id,
             discounts)
           SELECT ${v.id}, ${v.giftLineNo}::int, ${v.giftProductId}::uuid, ${v.giftSku}::text, ${v.giftName}::text, 1, 0, 0,
                  ${v.giftInstall}::boolean, ${v.giftInstallFee}::int, ${v.giftListPrice}::int, ${v.giftListPrice}::int,
                  ${v.giftPromotionId}::uuid, ${v.giftDiscounts}::jsonb
            WHERE EXISTS (SELECT 1 FROM o) AND ${giftGiven}
         ), e AS (
           INSERT INTO order_events (order_id, type, from_status, to_status, actor_id, actor_role, channel, data)
           SELECT ${v.id}, 'placed', NULL, ${v.status}, ${v.actorId}, ${v.actorRole}, ${v.channel},
                  ${v.placedData}::jsonb || jsonb_build_object('giftGiven', ${giftGiven})
            WHERE EXISTS (SELECT 1 FROM o)
         ), x AS (
           ${outbox}
         ), cod_slot AS (
           INSERT INTO cod_open_orders (customer_id, open_count)
           SELECT ${v.customerId}, 1 WHERE ${v.paymentMethod} = 'cod' AND EXISTS (SELECT 1 FROM claim)
           ON CONFLICT (customer_id) DO UPDATE SET open_count = cod_open_orders.open_count + 1
            WHERE cod_open_orders.open_count < ${cap}::int
           RETURNING open_count
         ), ${claims.ctes}
         SELECT EXISTS (SELECT 1 FROM claim) AS claimed, (SELECT number FROM o) AS number,
                (SELECT created_at FROM o) AS created_at, ${giftGiven} AS gift_given,
                CASE WHEN ${v.paymentMethod} = 'cod' AND EXISTS (SELECT 1 FROM claim) AND NOT EXISTS (SELECT 1 FROM cod_slot)
                     THEN cod_limit_reached(${cap}::int) END AS cod_full,
                ${stock.guard} AS stock_short, ${claims.guard} AS pricing_refused`;
    return { text, values: params.values };
  }

  /** The order an idempotency key of this scope produced, with the hash of the request that made it. */
  async idempotencyKey(
    ctx: RequestContext,
    scopeId: string,
    key: string,
  ): Promise<{ orderId: string; requestHash: string } | null> {
    const [row] = await this.db.query<{ order_id: string; request_hash: string }>(
      ctx,
      `SELECT order_id, request_hash FROM idempotency_keys WHERE scope_id = $1 AND key = $2`,
      [scopeId, key],
    );
    return row ? { orderId: row.order_id, requestHash: row.request_hash } : null;
  }

  /** The order if it is in the caller's scope (`lock`: FOR UPDATE), with its lines. */
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

  /** The id of the order with this number, if it is in the caller's scope. */
  async idByNumber(ctx: RequestContext, number: string): Promise<string | null> {
    const params: unknown[] = [number];
    const scope = orderScopeSql(ctx, params);
    const rows = await this.db.query<{ id: string }>(
      ctx,
      `SELECT o.id FROM orders o WHERE o.number = $1 AND ${scope}`,
      params,
    );
    return rows[0]?.id ?? null;
  }

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

  /** A page of the orders in the caller's scope matching `f`, newest first (keyset on created_at, id). */
  async list(ctx: RequestContext, f: OrderListFilter, limit: number): Promise<Page<OrderView>> {
    const params = new SqlParams();
    const where = [orderScopeSql(ctx, params)];
    if (f.status) where.push(`o.status = ${params.add(f.status)}`);
    if (f.channel) where.push(`o.channel = ${params.add(f.channel)}`);
    if (f.campusId) where.push(`o.campus_id = ${params.add(f.campusId)}`);
    if (f.agentId) where.push(`o.agent_id = ${params.add(f.agentId)}`);
    if (f.assignedAgentId) where.push(`o.assigned_agent_id = ${params.add(f.assignedAgentId)}`);
    if (f.unassigned) where.push(`o.assigned_agent_id IS NULL AND o.status = 'confirmed'`);
    if (f.number) where.push(`o.number = ${params.add(f.number)}`);
    if (f.phone) where.push(`o.customer_phone = ${params.add(f.phone)}`);
    if (f.from) where.push(`o.created_at >= ${params.add(f.from)}::timestamptz`);
    if (f.to) where.push(`o.created_at < ${params.add(f.to)}::timestamptz`);
    if (f.cursor) {
      const [at, id] = decodeCursor(f.cursor, ['string', 'string']);
      where.push(`(o.created_at, o.id) < (${params.add(at)}::timestamptz, ${params.add(id)}::uuid)`);
    }
    // The cursor keeps PostgreSQL's microseconds: a JS Date would round them off and skip rows.
    const rows = await this.db.query<OrderRow & { cursor_at: string }>(
      ctx,
      `SELECT ${ORDER_COLUMNS}, o.created_at::text AS cursor_at FROM orders o WHERE ${where.join(' AND ')}
        ORDER BY o.created_at DESC, o.id DESC LIMIT ${params.add(limit + 1)}`,
      params,
    );
    const page = toPage(rows, limit, (r) => [r.cursor_at, r.id]);
    const lines = await this.linesOf(
      ctx,
      page.items.map((r) => r.id),
    );
    return { ...page, items: page.items.map((r) => orderView(r, lines.get(r.id) ?? [])) };
  }

  /** An order's timeline, oldest first. */
  async events(ctx: RequestContext, orderId: string): Promise<OrderEventView[]> {
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
    }>(ctx, `SELECT * FROM order_events WHERE order_id = $1 ORDER BY id`, [orderId]);
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

  /**
   * The row side of a move (on the locked order): status, the move's timestamp and the columns it
   * sets. The order as it is after the move comes back from the UPDATE itself, with `lines` (a move
   * never changes them).
   */
  async applyMove(
    tx: RequestContext,
    id: string,
    m: OrderMoveUpdate,
    lines: OrderLineView[],
  ): Promise<OrderView> {
    const params = new SqlParams([id]);
    const sets = [`status = ${params.add(m.status)}`, `updated_at = now()`];
    if (m.stamp) sets.push(`${m.stamp} = now()`);
    if (m.set && 'assignedAgentId' in m.set)
      sets.push(`assigned_agent_id = ${params.add(m.set.assignedAgentId)}`);
    if (m.set && 'codCollectedCents' in m.set) {
      sets.push(`cod_collected_cents = ${params.add(m.set.codCollectedCents)}`);
    }
    if (m.set?.paymentMethod) sets.push(`payment_method = ${params.add(m.set.paymentMethod)}`);
    const [row] = await this.db.query<OrderRow>(
      tx,
      `UPDATE orders o SET ${sets.join(', ')} WHERE o.id = $1 RETURNING ${ORDER_COLUMNS}`,
      params,
    );
    return orderView(row, lines);
  }

  /** Units of each line still out (bought minus already returned), for a move's stock effect. */
  async outstandingLines(
    tx: RequestContext,
    orderId: string,
  ): Promise<{ productId: string; quantity: number }[]> {
    const rows = await this.db.query<{ product_id: string; quantity: number }>(
      tx,
      `SELECT product_id, quantity - returned_quantity AS quantity FROM order_lines
        WHERE order_id = $1 AND quantity > returned_quantity`,
      [orderId],
    );
    return rows.map((r) => ({ productId: r.product_id, quantity: r.quantity }));
  }

  /** A whole return: every unit of every line is back. */
  async markAllReturned(tx: RequestContext, orderId: string): Promise<void> {
    await this.db.query(tx, `UPDATE order_lines SET returned_quantity = quantity WHERE order_id = $1`, [
      orderId,
    ]);
  }

  /** Units of some lines (0-based positions in line order) came back. */
  async addReturned(
    tx: RequestContext,
    orderId: string,
    lines: readonly { lineIndex: number; quantity: number }[],
  ): Promise<void> {
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

  /** The product of each line, in line order (a return names lines by position). */
  async lineProducts(tx: RequestContext, orderId: string): Promise<string[]> {
    const rows = await this.db.query<{ product_id: string }>(
      tx,
      `SELECT product_id FROM order_lines WHERE order_id = $1 ORDER BY line_no`,
      [orderId],
    );
    return rows.map((r) => r.product_id);
  }

  /** An unpaid COD order was paid online before its hand-off. */
  async markPrepaid(tx: RequestContext, orderId: string): Promise<void> {
    await this.db.query(
      tx,
      `UPDATE orders SET paid_at = now(), updated_at = now() WHERE id = $1 AND paid_at IS NULL`,
      [orderId],
    );
  }

  /** Appends to an order's timeline; the actor is the caller. */
  async insertEvent(ctx: RequestContext, orderId: string, e: OrderEventInput): Promise<void> {
    await this.db.query(
      ctx,
      `INSERT INTO order_events (order_id, type, from_status, to_status, actor_id, actor_role, channel, reason, data)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [
        orderId,
        e.type,
        e.fromStatus ?? null,
        e.toStatus ?? null,
        ctx.actorId,
        ctx.role,
        e.channel,
        e.reason ?? null,
        JSON.stringify(e.data),
      ],
    );
  }

  /** Whether the return `returnId` was booked on the order already. */
  async returnBooked(tx: RequestContext, orderId: string, returnId: string): Promise<boolean> {
    const [seen] = await this.db.query(
      tx,
      `SELECT 1 FROM order_events WHERE order_id = $1 AND type = 'lines_returned' AND data->>'returnId' = $2`,
      [orderId, returnId],
    );
    return !!seen;
  }

  /** The refunds the order's latest whole `return` move wrote (from its timeline entry). */
  async lastReturnRefunds(
    tx: RequestContext,
    orderId: string,
  ): Promise<{ id: string; amountCents: number; method: string }[]> {
    const [ev] = await this.db.query<{
      data: { refunds?: { id: string; amountCents: number; method: string }[] };
    }>(tx, `SELECT data FROM order_events WHERE order_id = $1 AND type = 'return' ORDER BY id DESC LIMIT 1`, [
      orderId,
    ]);
    return ev?.data.refunds ?? [];
  }

  /** The partial returns booked on an order, oldest first. */
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

  private async linesOf(ctx: RequestContext, orderIds: string[]): Promise<Map<string, OrderLineView[]>> {
    const out = new Map<string, OrderLineView[]>();
    if (orderIds.length === 0) return out;
    const rows = await this.db.query<LineRow>(
      ctx,
      `SELECT ${LINE_COLUMNS} FROM order_lines WHERE order_id = ANY($1::uuid[]) ORDER BY order_id, line_no`,
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
