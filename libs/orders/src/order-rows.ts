import type { OrderStatus } from './order-state-machine';
import type { LineDiscountView, OrderLineView, OrderView } from './order.types';

/** The columns of `orders` (alias `o`) and `order_lines` as the repository reads them, and their views. */
export const ORDER_COLUMNS = `o.id, o.number, o.channel, o.status, o.customer_id, o.customer_phone, o.agent_id,
  o.assigned_agent_id, o.region_id, o.campus_id, o.fulfilment_type, o.pickup_point_id, o.address,
  o.payment_method, o.subtotal_cents, o.discount_cents, o.total_cents, o.coupon_code, o.note, o.cod_collected_cents,
  o.created_by_id, o.created_at, o.updated_at, o.paid_at, o.assigned_at, o.dispatched_at, o.delivered_at, o.completed_at,
  o.cancelled_at, o.returned_at, o.payment_due_at`;

export const LINE_COLUMNS = `order_id, product_id, sku, name, quantity, list_price_cents, unit_price_cents, discount_cents,
  line_total_cents, promotion_id, flash_sale_id, discounts, requires_installation, install_fee_cents, returned_quantity`;

export interface OrderRow {
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

export interface LineRow {
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

export function lineView(l: LineRow): OrderLineView {
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

export function orderView(r: OrderRow, lines: OrderLineView[]): OrderView {
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
