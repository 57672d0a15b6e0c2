import { Injectable } from '@nestjs/common';
import { Channel, NotFoundError, RequestContext, ValidationError } from '@campus/core';
import { AddressesService, CustomersService } from '@campus/auth';
import { AgentsService, NetworkService, Placement } from '@campus/network';
import { OrderNotice, OrderService, PaymentMethod, PlaceOrderCommand, PlaceResult } from '@campus/orders';
import { PlaceOrderDto } from './dto/place-order.dto';
import {
  ChannelNotAllowedError,
  FulfilmentNotAllowedError,
  PaymentMethodNotAllowedError,
  UnknownAgentCodeError,
} from './intake.errors';
import { requestHash } from './request-hash';

/** Per role: the channels it may declare (the first is the default) and the payment methods it may use. */
const CHANNEL_RULES: Record<string, { channels: Channel[]; payments: PaymentMethod[] }> = {
  customer: { channels: ['web', 'wap'], payments: ['online', 'cod'] },
  call_center: { channels: ['phone'], payments: ['online', 'cod'] },
  agent: { channels: ['agent'], payments: ['online', 'cod'] },
  pickup_staff: { channels: ['pickup_point'], payments: ['counter', 'cod'] },
};

/**
 * The staffed channels and the web/WAP storefront. Each adapter only translates its caller and input
 * into a PlaceOrderCommand; the one OrderService does the rest.
 */
@Injectable()
export class IntakeService {
  constructor(
    private readonly orders: OrderService,
    private readonly customers: CustomersService,
    private readonly network: NetworkService,
    private readonly agents: AgentsService,
    private readonly addresses: AddressesService,
  ) {}

  async placeFromHttp(
    ctx: RequestContext,
    dto: PlaceOrderDto,
    idempotencyKey: string,
  ): Promise<PlaceResult & { notices: OrderNotice[] }> {
    const role = ctx.role;
    const rules = CHANNEL_RULES[role];
    if (!rules) throw new ChannelNotAllowedError(role, dto.channel ?? 'any');
    const channel = dto.channel ?? rules.channels[0];
    if (!rules.channels.includes(channel)) throw new ChannelNotAllowedError(role, channel);
    if (!rules.payments.includes(dto.paymentMethod))
      throw new PaymentMethodNotAllowedError(channel, dto.paymentMethod);

    const { placement, address } = await this.placement(ctx, dto);
    const { agentId, notices } = await this.attribution(ctx, dto);
    const hash = requestHash(dto);

    // The customer is found or created on its own (a customer without an order is harmless), and
    // the order is then one statement that commits by itself (OrderService.place).
    const customer =
      role === 'customer'
        ? { id: ctx.principal.id, phone: ctx.principal.phone! }
        : await this.staffCustomer(ctx, dto);
    const command: PlaceOrderCommand = {
      channel,
      customer: { id: customer.id, phone: customer.phone },
      lines: dto.lines.map((l) => ({ sku: l.sku, quantity: l.quantity })),
      fulfilment: {
        type: dto.fulfillment.type,
        regionId: placement.regionId,
        campusId: placement.campusId,
        pickupPointId: placement.pickupPointId,
        address,
      },
      paymentMethod: dto.paymentMethod,
      agentId,
      note: dto.note ?? null,
      couponCode: dto.couponCode ?? null,
      allowListPrice: dto.allowListPrice ?? false,
      idempotency: { key: idempotencyKey, requestHash: hash },
      // A refused attribution is on the order's timeline (its "placed" event).
      ...(notices.length ? { eventData: { attributionRefused: notices[0] } } : {}),
    };
    return { ...(await this.orders.place(ctx, command)), notices };
  }

  private async staffCustomer(ctx: RequestContext, dto: PlaceOrderDto) {
    if (!dto.customer)
      throw ValidationError.field('customer', 'staff orders need the customer (phone, name)');
    return this.customers.findOrCreate(ctx, dto.customer.phone, dto.customer.name);
  }

  /**
   * Where the order goes, checked against the caller's scope: an agent only for their own campus,
   * pickup staff only at their own point. Ids out of scope answer 404 like missing ones.
   */
  private async placement(
    ctx: RequestContext,
    dto: PlaceOrderDto,
  ): Promise<{ placement: Placement; address: string | null }> {
    const f = dto.fulfillment;
    let placement: Placement;
    let address: string | null = null;
    if (f.type === 'delivery' && f.addressId) {
      // A saved address of the caller: its campus, and its text frozen into the order.
      if (f.campusId || f.address) {
        throw new ValidationError(
          (['campusId', 'address'] as const)
            .filter((k) => f[k])
            .map((k) => ({
              field: `fulfillment.${k}`,
              message: 'give either addressId or campusId + address',
            })),
        );
      }
      const saved = await this.addresses.resolveForOrder(ctx, f.addressId);
      placement = await this.network.placementOfCampus(ctx, saved.campusId);
      address = saved.text;
    } else if (f.type === 'delivery') {
      const missing = [
        ...(f.campusId ? [] : [{ field: 'fulfillment.campusId', message: 'is required for delivery' }]),
        ...(f.address ? [] : [{ field: 'fulfillment.address', message: 'is required for delivery' }]),
      ];
      if (missing.length) throw new ValidationError(missing);
      placement = await this.network.placementOfCampus(ctx, f.campusId!);
      address = f.address!;
    } else {
      if (f.addressId) throw ValidationError.field('fulfillment.addressId', 'is only for delivery');
      if (!f.pickupPointId) {
        throw ValidationError.field('fulfillment.pickupPointId', `is required for ${f.type} orders`);
      }
      placement = await this.network.placementOfPickupPoint(ctx, f.pickupPointId);
    }
    const p = ctx.principal;
    if (p.role === 'agent' && placement.campusId !== p.campusId) {
      await this.network.campusInScope(ctx, placement.campusId); // throws 404
    }
    if (p.role === 'pickup_staff') {
      if (f.type === 'delivery') throw new FulfilmentNotAllowedError('pickup_point', f.type);
      if (placement.pickupPointId !== p.pickupPointId)
        throw new NotFoundError('pickup point', f.pickupPointId);
    }
    return { placement, address };
  }

  /**
   * The agent who earns on this order: the calling agent, or the owner of the referral code. An
   * unknown code is 400 (naming `agentCode`); a suspended agent's code is refused without failing the order — it goes
   * through unattributed, with a notice in the answer and on its timeline.
   */
  private async attribution(
    ctx: RequestContext,
    dto: PlaceOrderDto,
  ): Promise<{ agentId: string | null; notices: OrderNotice[] }> {
    if (ctx.role === 'agent') return { agentId: ctx.principal.agentId ?? null, notices: [] };
    if (!dto.agentCode) return { agentId: null, notices: [] };
    const agent = await this.agents.findByCode(ctx, dto.agentCode);
    if (!agent) throw new UnknownAgentCodeError(dto.agentCode);
    if (agent.status !== 'active') {
      const agentCode = dto.agentCode.trim().toUpperCase();
      return {
        agentId: null,
        notices: [
          {
            code: 'agent_code_refused',
            reason: 'agent_suspended',
            agentCode,
            detail: `Agent code ${agentCode} belongs to a suspended agent: the order is not attributed to anyone`,
          },
        ],
      };
    }
    return { agentId: agent.id, notices: [] };
  }
}
