import type { CashHolder, ReceiptMethod, RefundCause, RefundMethod, RefundStatus } from './money-policy';
import type { OrderStatus } from './order-state-machine';

/** Money received for an order (one row of the `payments` ledger). */
export interface ReceiptView {
  id: string;
  orderId: string;
  method: ReceiptMethod;
  providerRef: string;
  amountCents: number;
  outcome: 'applied' | 'refund_required';
  holder: CashHolder | null;
  paidAt: Date;
  receivedAt: Date;
}

/** Money owed back to a customer (one row of the `refunds` ledger). */
export interface RefundView {
  id: string;
  orderId: string;
  orderNumber: string;
  regionId: string;
  paymentId: string;
  amountCents: number;
  method: RefundMethod;
  status: RefundStatus;
  cause: RefundCause;
  reason: string;
  /** Who pays a cash refund back: the agent who collected the cash, or the pickup point. */
  holder: CashHolder | null;
  providerRef: string | null;
  failureCode: string | null;
  failureReason: string | null;
  attempts: number;
  createdAt: Date;
  updatedAt: Date;
  succeededAt: Date | null;
  failedAt: Date | null;
  paidOutAt: Date | null;
  paidOutById: string | null;
}

/** A money receipt to record (already authenticated by the adapter that received it). */
export interface ReceiptInput {
  orderId: string;
  method: 'notice' | 'alipay';
  /** Unique per method: the provider's payment reference, Alipay's trade_no. */
  providerRef: string;
  amountCents: number;
  paidAt: Date;
  /** An unpaid COD order may take it before delivery (Alipay: yes; the generic notice: no). */
  allowCodPrepay: boolean;
  /** Facts for the timeline (e.g. the attempt and its method). */
  data?: Record<string, unknown>;
}

export interface ReceiptOutcome {
  /**
   * applied: the money paid the order (confirmed, or a COD order now prepaid); duplicate: this
   * receipt was recorded before (nothing done); refund_required: the order could not take it and
   * a refund was written.
   */
  status: 'applied' | 'duplicate' | 'refund_required';
  orderId: string;
  orderStatus: OrderStatus;
  paymentId: string;
  refundId: string | null;
}
