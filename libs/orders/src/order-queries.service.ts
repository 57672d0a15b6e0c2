import { Injectable } from '@nestjs/common';
import { DEFAULT_PAGE_SIZE, NotFoundError, Page, RequestContext, ValidationError } from '@campus/core';
import type { OrderQueryDto } from './dto/order-query.dto';
import { OrderRepository } from './order.repository';
import type { OrderEventView, OrderLineWithCategory, OrderView } from './order.types';

/** Reading orders within the caller's scope: one order, a page of them, an order's timeline. */
@Injectable()
export class OrderQueriesService {
  constructor(private readonly repo: OrderRepository) {}

  /** The order if the caller may see it, else 404. */
  async get(ctx: RequestContext, id: string): Promise<OrderView> {
    const order = await this.repo.find(ctx, id);
    if (!order) throw new NotFoundError('order', id);
    return order;
  }

  find(ctx: RequestContext, id: string, opts: { lock?: boolean } = {}): Promise<OrderView | null> {
    return this.repo.find(ctx, id, opts);
  }

  /** Finds an order by its number (as read out on the phone or texted back), within scope. */
  async findByNumber(ctx: RequestContext, number: string): Promise<OrderView | null> {
    const id = await this.repo.idByNumber(ctx, number.trim());
    return id ? this.repo.find(ctx, id) : null;
  }

  /**
   * The lines of an order with each product's category, as commission rules need them (system use;
   * the unit price is the one frozen at order time, the category the product's current one).
   */
  linesWithCategory(ctx: RequestContext, orderId: string): Promise<OrderLineWithCategory[]> {
    return this.repo.linesWithCategory(ctx, orderId);
  }

  /**
   * A page of orders in scope. `me` for an agent filter means the calling agent; "unassigned" is the
   * dispatch pool (confirmed orders no agent delivers yet).
   */
  list(ctx: RequestContext, q: OrderQueryDto): Promise<Page<OrderView>> {
    const agentRef = (v: string | undefined, field: string) => {
      if (v !== 'me') return v;
      if (!ctx.principal.agentId) throw ValidationError.field(field, '"me" is only for agents');
      return ctx.principal.agentId;
    };
    return this.repo.list(
      ctx,
      {
        status: q.status,
        channel: q.channel,
        campusId: q.campusId,
        agentId: agentRef(q.agentId, 'agentId'),
        assignedAgentId: agentRef(q.assignedAgentId, 'assignedAgentId'),
        unassigned: q.unassigned === true,
        number: q.number,
        phone: q.phone,
        from: q.from,
        to: q.to,
        cursor: q.cursor,
      },
      q.limit ?? DEFAULT_PAGE_SIZE,
    );
  }

  /** An order's timeline (404 unless the caller may see the order). */
  async events(ctx: RequestContext, id: string): Promise<OrderEventView[]> {
    await this.get(ctx, id);
    return this.repo.events(ctx, id);
  }
}
