import { Injectable } from '@nestjs/common';
import { ForbiddenError, NotFoundError, RequestContext } from '@campus/core';
import { Db } from '@campus/database';
import { NetworkService } from '@campus/network';
import { cashDueCents, orderStateMachine, OrderService, OrderView } from '@campus/orders';
import { OPEN_DELIVERY_STATUSES } from './assignment-policy';
import { checkCod } from './cod-policy';
import { CodLedgerService } from './cod-ledger.service';
import {
  AgentUnavailableError,
  AlreadyPaidError,
  NotCounterSaleError,
  WrongFulfilmentError,
} from './fulfilment.errors';

/** One piece of an agent's open work: the order, where it goes, what cash to take, what comes next. */
export interface WorkItem {
  order: OrderView;
  /** Cash to collect at the door (COD), else 0. */
  collectCents: number;
  destination:
    | { type: 'delivery'; campusId: string; address: string | null }
    | {
        type: 'locker' | 'counter';
        pickupPoint: { id: string; name: string; address: string | null };
        /** Lockers at the point with their free compartments per size (locker orders only). */
        lockers: { id: string; code: string; free: Record<string, number> }[];
      };
  nextActions: ('dispatch' | 'deliver' | 'deposit')[];
}

/**
 * Door delivery: the assigned agent takes an order out and hands it over, recording the cash
 * collected for COD orders against themselves. Counter sales keyed at a counter may be handed over
 * at once by that counter's staff.
 */
@Injectable()
export class DeliveryService {
  constructor(
    private readonly db: Db,
    private readonly orders: OrderService,
    private readonly network: NetworkService,
    private readonly cod: CodLedgerService,
  ) {}

  /** The assigned agent takes the order out (another agent: 404). The customer is texted. */
  async dispatch(ctx: RequestContext, orderId: string): Promise<OrderView> {
    return this.db.transaction(ctx, async (tx) => {
      const order = await this.orders.get(tx, orderId);
      this.assertAssignedToCaller(ctx, order);
      await this.assertActiveAgent(tx, ctx.principal.agentId!);
      return this.orders.transition(tx, orderId, 'dispatch', {
        guard: (o) => this.assertAssignedToCaller(ctx, o),
        data: {
          agentId: order.assignedAgentId,
          fulfilment: order.fulfillment.type,
          destination: order.fulfillment.address ?? order.fulfillment.pickupPointId,
        },
      });
    });
  }

  /**
   * Hands a door-delivery order over. For COD the cash collected must equal the total; a manager or
   * admin may record the delivery with another amount and an `overrideReason` (kept on the timeline
   * and in the ledger). The cash is entered in the COD ledger of the assigned agent.
   */
  async deliver(
    ctx: RequestContext,
    orderId: string,
    input: { codCollectedCents?: number; overrideReason?: string },
  ): Promise<OrderView> {
    return this.db.transaction(ctx, async (tx) => {
      const order = await this.orders.get(tx, orderId);
      if (ctx.is('agent')) this.assertAssignedToCaller(ctx, order);
      orderStateMachine.next(order.status, 'deliver');
      if (order.fulfillment.type !== 'delivery') {
        throw new WrongFulfilmentError(order.fulfillment.type, 'be delivered at the door; deposit it');
      }
      const cash = checkCod({
        paymentMethod: order.paymentMethod,
        paidOnline: order.paidAt !== null,
        totalCents: order.totalCents,
        codCollectedCents: input.codCollectedCents,
        overrideReason: input.overrideReason,
        mayOverride: ctx.is('regional_manager', 'admin'),
      });
      const delivered = await this.orders.transition(tx, orderId, 'deliver', {
        guard: (o) => {
          if (ctx.is('agent')) this.assertAssignedToCaller(ctx, o);
          // Paid by QR at the door between our read and the lock: no cash may be taken as well.
          if (cash.collect && o.paidAt !== null) throw new AlreadyPaidError(o.id);
        },
        reason: cash.collect ? cash.overrideReason : null,
        set: cash.collect ? { codCollectedCents: cash.amountCents } : {},
        data: {
          agentId: order.assignedAgentId,
          address: order.fulfillment.address,
          ...(cash.collect
            ? {
                codCollectedCents: cash.amountCents,
                expectedCents: cash.expectedCents,
                override: cash.overrideReason !== null,
              }
            : {}),
        },
      });
      if (cash.collect) {
        await this.cod.record(tx, {
          orderId,
          holder: { agentId: order.assignedAgentId! },
          amountCents: cash.amountCents,
          expectedCents: cash.expectedCents,
          overrideReason: cash.overrideReason,
        });
      }
      return delivered;
    });
  }

  /**
   * A counter sale keyed at this counter whose goods are on the shelf: handed over at once by the
   * counter's staff (`confirmed` → `delivered`). Cash for a COD sale is held by the pickup point.
   */
  async handOver(
    ctx: RequestContext,
    orderId: string,
    input: { codCollectedCents?: number },
  ): Promise<OrderView> {
    return this.db.transaction(ctx, async (tx) => {
      const order = await this.orders.get(tx, orderId);
      if (
        order.channel !== 'pickup_point' ||
        order.fulfillment.type !== 'counter' ||
        order.fulfillment.pickupPointId !== ctx.principal.pickupPointId
      ) {
        throw new NotCounterSaleError();
      }
      orderStateMachine.next(order.status, 'hand_over');
      const cash = checkCod({
        paymentMethod: order.paymentMethod,
        paidOnline: order.paidAt !== null,
        totalCents: order.totalCents,
        codCollectedCents: input.codCollectedCents,
        mayOverride: false,
      });
      const done = await this.orders.transition(tx, orderId, 'hand_over', {
        set: cash.collect ? { codCollectedCents: cash.amountCents } : {},
        data: {
          pickupPointId: order.fulfillment.pickupPointId,
          ...(cash.collect ? { codCollectedCents: cash.amountCents } : {}),
        },
      });
      if (cash.collect) {
        await this.cod.record(tx, {
          orderId,
          holder: { pickupPointId: order.fulfillment.pickupPointId! },
          amountCents: cash.amountCents,
          expectedCents: cash.expectedCents,
          overrideReason: null,
        });
      }
      return done;
    });
  }

  /**
   * The calling agent's open work, oldest assignment first: what to deliver (lines), where (address,
   * or pickup point with its lockers' free compartments), the cash to collect and the next step.
   */
  async workList(ctx: RequestContext): Promise<{ items: WorkItem[] }> {
    const agentId = ctx.principal.agentId;
    if (!ctx.is('agent') || !agentId) throw new ForbiddenError('Only agents have a work list');
    const rows = await this.db.query<{ id: string }>(
      ctx,
      `SELECT id FROM orders WHERE assigned_agent_id = $1 AND campus_id = $2 AND status = ANY($3::text[])
        ORDER BY assigned_at, id LIMIT 200`,
      [agentId, ctx.principal.campusId, OPEN_DELIVERY_STATUSES],
    );
    const items: WorkItem[] = [];
    for (const { id } of rows) {
      const order = await this.orders.find(ctx, id);
      if (order) items.push(await this.workItem(ctx, order));
    }
    return { items };
  }

  /** How many of the calling agent's open deliveries were assigned after `since` (all of them when null). */
  async countAssignedSince(ctx: RequestContext, since: Date | null): Promise<number> {
    const [row] = await this.db.query<{ n: number }>(
      ctx,
      `SELECT count(*)::int AS n FROM orders
        WHERE assigned_agent_id = $1 AND campus_id = $2 AND status = ANY($3::text[])
          AND ($4::timestamptz IS NULL OR assigned_at > $4::timestamptz)`,
      [ctx.principal.agentId, ctx.principal.campusId, OPEN_DELIVERY_STATUSES, since],
    );
    return row.n;
  }

  private async workItem(ctx: RequestContext, order: OrderView): Promise<WorkItem> {
    const collectCents = cashDueCents(order);
    const nextActions: WorkItem['nextActions'] =
      order.status === 'assigned'
        ? ['dispatch']
        : order.fulfillment.type === 'delivery'
          ? ['deliver']
          : ['deposit'];
    const f = order.fulfillment;
    if (f.type === 'delivery' || !f.pickupPointId) {
      return {
        order,
        collectCents,
        destination: { type: 'delivery', campusId: f.campusId, address: f.address },
        nextActions,
      };
    }
    const point = await this.network.pickupPointInScope(ctx, f.pickupPointId);
    const lockers =
      f.type === 'locker'
        ? await this.db.query<{ id: string; code: string; free: Record<string, number> }>(
            ctx,
            `SELECT l.id, l.code,
                    COALESCE(jsonb_object_agg(c.size, c.n) FILTER (WHERE c.size IS NOT NULL), '{}'::jsonb) AS free
               FROM lockers l
               LEFT JOIN (SELECT locker_id, size, count(*)::int AS n FROM compartments WHERE state = 'free'
                           GROUP BY locker_id, size) c ON c.locker_id = l.id
              WHERE l.pickup_point_id = $1 GROUP BY l.id, l.code ORDER BY l.code`,
            [f.pickupPointId],
          )
        : [];
    return {
      order,
      collectCents,
      destination: {
        type: f.type,
        pickupPoint: { id: point.id, name: point.name, address: point.address },
        lockers,
      },
      nextActions,
    };
  }

  /** Agents act only on orders assigned to them; anyone else's is "not found", visible or not. */
  private assertAssignedToCaller(ctx: RequestContext, order: OrderView): void {
    if (ctx.is('agent') && order.assignedAgentId !== ctx.principal.agentId) {
      throw new NotFoundError('order', order.id);
    }
  }

  /** A suspended agent takes nothing new out (the row lock orders this after a concurrent suspension). */
  private async assertActiveAgent(ctx: RequestContext, agentId: string): Promise<void> {
    const [agent] = await this.db.query<{ status: string }>(
      ctx,
      `SELECT status FROM agents WHERE id = $1 FOR SHARE`,
      [agentId],
    );
    if (!agent || agent.status !== 'active') throw new AgentUnavailableError(agentId, 'is suspended');
  }
}
