import { Injectable } from '@nestjs/common';
import { Page, RequestContext } from '@campus/core';
import { PricingService } from '@campus/pricing';
import type { OrderQueryDto } from './dto/order-query.dto';
import { OrderMovesService } from './order-moves.service';
import { OrderPlacementService } from './order-placement.service';
import { OrderQueriesService } from './order-queries.service';
import { OrderReturnsService } from './order-returns.service';
import type { OrderAction } from './order-state-machine';
import type {
  OrderEventView,
  OrderLineReturn,
  OrderLineWithCategory,
  OrderView,
  PlaceOrderCommand,
  PlaceResult,
  ReturnLinesCommand,
  ReturnLinesResult,
  TransitionOptions,
} from './order.types';

export { orderFacts } from './order-facts';

/**
 * The order aggregate, as other contexts call it. Every channel places orders through `place`;
 * every later move goes through `transition`, which consults the one transition table and writes the
 * state change, its OrderEvent, its stock effect and its outbox event in one transaction. The work is
 * done by the placement, moves, returns and queries services; the SQL lives in `OrderRepository`.
 */
@Injectable()
export class OrderService {
  constructor(
    private readonly placement: OrderPlacementService,
    private readonly moves: OrderMovesService,
    private readonly returns: OrderReturnsService,
    private readonly queries: OrderQueriesService,
    private readonly pricing: PricingService,
  ) {}

  /**
   * Places an order: prices it (a read), then one statement claims the idempotency key, writes the
   * order, its lines, its "placed" event and outbox rows and reserves its stock (nothing of it
   * remains if any of that fails). A replayed key answers with the original order.
   */
  place(ctx: RequestContext, cmd: PlaceOrderCommand): Promise<PlaceResult> {
    return this.placement.place(ctx, cmd);
  }

  /** What an order of these lines would cost now, without placing it (SMS quotes). One read. */
  priceFor(
    ctx: RequestContext,
    q: Pick<PlaceOrderCommand, 'channel' | 'lines' | 'couponCode' | 'allowListPrice'> & {
      customerId: string | null;
      regionId: string;
      campusId: string;
    },
  ): Promise<{ subtotalCents: number; discountCents: number; totalCents: number }> {
    return this.placement.priceFor(ctx, q);
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

  /** The order if the caller may see it, else 404. */
  get(ctx: RequestContext, id: string): Promise<OrderView> {
    return this.queries.get(ctx, id);
  }

  /** The order if the caller may see it, else null; `lock` takes its row lock (FOR UPDATE). */
  find(ctx: RequestContext, id: string, opts: { lock?: boolean } = {}): Promise<OrderView | null> {
    return this.queries.find(ctx, id, opts);
  }

  /** The lines of an order with each product's current category (system use: commission rules). */
  linesWithCategory(ctx: RequestContext, orderId: string): Promise<OrderLineWithCategory[]> {
    return this.queries.linesWithCategory(ctx, orderId);
  }

  /** Finds an order by its number (as read out on the phone or texted back), within scope. */
  findByNumber(ctx: RequestContext, number: string): Promise<OrderView | null> {
    return this.queries.findByNumber(ctx, number);
  }

  list(ctx: RequestContext, q: OrderQueryDto): Promise<Page<OrderView>> {
    return this.queries.list(ctx, q);
  }

  events(ctx: RequestContext, id: string): Promise<OrderEventView[]> {
    return this.queries.events(ctx, id);
  }

  /** Cancels an order that has not left for delivery; its stock goes back on the shelf. */
  cancel(ctx: RequestContext, id: string, reason: string): Promise<OrderView> {
    return this.moves.transition(ctx, id, 'cancel', { reason });
  }

  /**
   * Moves an order one step through its lifecycle. Locks the order (within the caller's scope: else
   * 404), asks the state machine (illegal → 409 with the current status), applies the move's stock
   * and money effects, and writes the OrderEvent and the outbox event, all in one transaction.
   */
  transition(
    ctx: RequestContext,
    id: string,
    action: OrderAction,
    opts: TransitionOptions = {},
  ): Promise<OrderView> {
    return this.moves.transition(ctx, id, action, opts);
  }

  /**
   * An unpaid cash-on-delivery order paid online before its hand-off: `paid_at` is set and the
   * timeline says how. Inside the caller's transaction, on an order it has locked.
   */
  recordPrepayment(ctx: RequestContext, orderId: string, data: Record<string, unknown>): Promise<void> {
    return this.moves.recordPrepayment(ctx, orderId, data);
  }

  /**
   * Some units of a delivered (or completed) order came back, in the caller's transaction: restocked,
   * their sale units released, their share refunded the way the money came; the whole order moves to
   * `returned` when every unit is back. Once per `returnId` (409 otherwise).
   */
  returnLines(ctx: RequestContext, orderId: string, cmd: ReturnLinesCommand): Promise<ReturnLinesResult> {
    return this.returns.returnLines(ctx, orderId, cmd);
  }

  /** The partial returns booked on an order, oldest first (system use: commissions reverses them). */
  lineReturns(ctx: RequestContext, orderId: string): Promise<OrderLineReturn[]> {
    return this.returns.lineReturns(ctx, orderId);
  }

  /** Appends a non-status entry to an order's timeline (texts in and out, notes). */
  note(
    ctx: RequestContext,
    orderId: string,
    type: string,
    data: Record<string, unknown>,
    channel: string | null = null,
  ): Promise<void> {
    return this.moves.note(ctx, orderId, type, data, channel);
  }
}
