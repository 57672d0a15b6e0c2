import type { OrderFacts } from '@campus/queue';
import type { OrderView } from './order.types';

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
