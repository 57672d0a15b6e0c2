import { CHANNELS } from '@campus/core';
import type {
  PromotionEffect,
  PromotionReport,
  AgentReport,
  AgentStanding,
  CampusCustomers,
  ChannelFunnel,
  ChannelReport,
  ProductReturns,
  RefundDayRow,
  RefundReport,
  CustomerFigures,
  CustomerReport,
  CampusTickets,
  TicketReport,
} from '@campus/reports';
import {
  Enum,
  Id,
  Int,
  List,
  NullableId,
  NullableInt,
  NullableStr,
  Obj,
  Str,
  Time,
} from '../common/view-props';

const Bps = (description: string) =>
  NullableInt({ description: `${description} (basis points; null when /0)` });

export class PaymentFunnelView {
  @Int() onlineOrders: number;
  @Int() paid: number;
  @Bps('paid / onlineOrders') paidRate: number | null;
  @NullableInt({ type: 'number', description: 'median minutes from placing to paying, one decimal' })
  medianMinutesToPay: number | null;
}

export class ChannelReturnsView {
  @Int({ description: 'orders with at least one unit returned' }) orders: number;
  @Int() units: number;
  @Int({ description: 'refunds of cause return (failed aside), fen' }) refundCents: number;
  @Bps('orders with returns / delivered') rate: number | null;
}

export class ProductReturnsView implements ProductReturns {
  @Str() sku: string;
  @Str() name: string;
  @Int() deliveredUnits: number;
  @Int() returnedUnits: number;
  @Int({ description: "the returned units' share of their lines' totals, fen" }) refundCents: number;
  @Bps('returnedUnits / deliveredUnits') rate: number | null;
}

export class RefundDayRowView implements RefundDayRow {
  @Str({ description: 'YYYY-MM-DD (Asia/Shanghai), or "total"' }) day: string;
  @Enum(['alipay', 'cash', 'manual']) method: RefundDayRow['method'];
  @Int() refunds: number;
  @Int() amountCents: number;
  @Int({ description: 'Alipay succeeded, cash/manual paid out' }) paidCents: number;
  @Int({ description: 'Alipay pending, cash/manual owed' }) outstandingCents: number;
  @Int() failedCents: number;
  @Int({ description: 'refunds of a return (whole or partial)' }) returnRefunds: number;
}

export class RefundReportView implements RefundReport {
  @Time() from: Date;
  @Time() to: Date;
  @NullableId() regionId: string | null;
  @NullableId() campusId: string | null;
  @List(RefundDayRowView) days: RefundDayRowView[];
  @List(RefundDayRowView) totals: RefundDayRowView[];
}

export class ChannelFunnelView implements ChannelFunnel {
  @Enum([...CHANNELS, 'total']) channel: ChannelFunnel['channel'];
  @Int({ description: 'orders placed in the window (the cohort)' }) orders: number;
  @Int() confirmed: number;
  @Int() cancelled: number;
  @Int() cancelledByCustomer: number;
  @Int() cancelledUnpaidTimeout: number;
  @Int() cancelledOther: number;
  @Int() delivered: number;
  @Int() completed: number;
  @Int() returned: number;
  @Int({ description: 'Σ total of the orders that reached completed' }) gmvCents: number;
  @Int({ description: 'GMV of completed orders not returned as a whole, minus their partial-return refunds' })
  netGmvCents: number;
  @Obj(ChannelReturnsView) returns: ChannelReturnsView;
  @Bps('completed / orders') conversionRate: number | null;
  @Bps('confirmed / orders') confirmedRate: number | null;
  @Obj(PaymentFunnelView) payment: PaymentFunnelView;
}

export class ChannelReportView implements ChannelReport {
  @Time() from: Date;
  @Time() to: Date;
  @NullableId() regionId: string | null;
  @NullableId() campusId: string | null;
  @Enum(['placed_cohort']) basis: 'placed_cohort';
  @List(ChannelFunnelView) channels: ChannelFunnelView[];
  @Obj(ChannelFunnelView) total: ChannelFunnelView;
  @List(ProductReturnsView) products: ProductReturnsView[];
}

export class ReportCampusView {
  @Id() id: string;
  @Str() code: string;
  @Str() name: string;
}

export class AgentStandingView implements AgentStanding {
  @Int() rank: number;
  @Id() agentId: string;
  @Str() displayName: string;
  @Str() status: string;
  @Obj(ReportCampusView) campus: ReportCampusView;
  @Int({ description: 'hand-offs: door deliveries + locker and counter deposits' }) ordersDelivered: number;
  @Int() doorDeliveries: number;
  @Int() lockerDeposits: number;
  @Int() counterDeposits: number;
  @Bps('doorDeliveries / ordersDelivered') doorShare: number | null;
  @Bps('lockerDeposits / ordersDelivered') lockerShare: number | null;
  @Int() tasksDone: number;
  @Int() tasksOverdue: number;
  @Int() codCollectedCents: number;
  @Int() codHeldCents: number;
  @Int() earningsCents: number;
}

export class AgentReportView implements AgentReport {
  @Str({ example: '2026-11' }) period: string;
  @Time() from: Date;
  @Time() to: Date;
  @NullableId() regionId: string | null;
  @NullableId() campusId: string | null;
  @List(AgentStandingView) agents: AgentStandingView[];
}

export class CustomerFiguresView implements CustomerFigures {
  @Int() customers: number;
  @Int() newCustomers: number;
  @Int() returningCustomers: number;
  @Int() buyers: number;
  @Int() repeatBuyers: number;
  @Bps('repeatBuyers / buyers') repeatPurchaseRate: number | null;
}

export class CampusCustomersView extends CustomerFiguresView implements CampusCustomers {
  @Obj(ReportCampusView) campus: ReportCampusView;
}

export class CustomerReportView implements CustomerReport {
  @Time() from: Date;
  @Time() to: Date;
  @NullableId() regionId: string | null;
  @NullableId() campusId: string | null;
  @List(CampusCustomersView) campuses: CampusCustomersView[];
  @Obj(CustomerFiguresView) total: CustomerFiguresView;
}

export class PromotionEffectView implements PromotionEffect {
  @Enum(['promotion', 'flash_sale']) kind: 'promotion' | 'flash_sale';
  @Id() id: string;
  @Str({ description: 'the promotion name, or the SKU of a flash sale' }) name: string;
  @NullableStr() promotionKind: string | null;
  @Int() orders: number;
  @Int() discountCents: number;
  @Int() gmvCents: number;
  @Int() newCustomers: number;
  @NullableInt({ description: 'Σ line totals − unit cost × quantity; null when a cost is missing' })
  grossMarginCents: number | null;
  @NullableInt({ description: 'gross margin ÷ discount, basis points' }) roiBps: number | null;
}

export class PromotionReportView implements PromotionReport {
  @Time() from: Date;
  @Time() to: Date;
  @NullableId() regionId: string | null;
  @NullableId() campusId: string | null;
  @List(PromotionEffectView) items: PromotionEffectView[];
}

export class TicketFiguresView implements Omit<CampusTickets, 'campus'> {
  @Int() tickets: number;
  @Int() complaints: number;
  @Int() enquiries: number;
  @Int() repairs: number;
  @Int({ description: 'still open now' }) open: number;
  @Int({ description: 'open without a staff reply past TICKET_SLA_HOURS, now' }) overdue: number;
  @Int({ description: 'answered by staff (a reply or the resolution)' }) replied: number;
  @NullableInt({ description: 'median minutes from opening to the first staff answer (null: none answered)' })
  medianFirstReplyMinutes: number | null;
  @Int() compensated: number;
  @Int() compensationCents: number;
}

export class CampusTicketsView extends TicketFiguresView implements CampusTickets {
  @Obj(ReportCampusView, { nullable: true, description: 'null: tickets not about an order' })
  campus: ReportCampusView | null;
}

export class TicketReportView implements TicketReport {
  @Time() from: Date;
  @Time() to: Date;
  @NullableId() regionId: string | null;
  @NullableId() campusId: string | null;
  @List(CampusTicketsView) campuses: CampusTicketsView[];
  @Obj(TicketFiguresView) total: TicketFiguresView;
}
