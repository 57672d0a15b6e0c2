import type { OrderStatus, RefundView } from '@campus/orders';

export const ATTEMPT_METHODS = ['alipay_wap', 'alipay_page', 'alipay_qr'] as const;
export type AttemptMethod = (typeof ATTEMPT_METHODS)[number];

export const ATTEMPT_STATUSES = ['open', 'paid', 'closed', 'failed'] as const;
export type AttemptStatus = (typeof ATTEMPT_STATUSES)[number];

/** One conversation with Alipay about paying an order. */
export interface AttemptView {
  id: string;
  orderId: string;
  outTradeNo: string;
  method: AttemptMethod;
  amountCents: number;
  status: AttemptStatus;
  expiresAt: Date;
  /** The signed cashier URL (WAP and page pay; open it with GET). */
  redirectUrl: string | null;
  /** The QR code's content (alipay_qr), to render as a QR image. */
  qrCode: string | null;
  tradeNo: string | null;
  paidAt: Date | null;
  closedAt: Date | null;
  closeReason: string | null;
  failureReason: string | null;
  createdAt: Date;
}

export interface AttemptRow {
  id: string;
  order_id: string;
  method: AttemptMethod;
  out_trade_no: string;
  amount_cents: string;
  status: AttemptStatus;
  expires_at: Date;
  return_url: string | null;
  redirect_url: string | null;
  qr_code: string | null;
  trade_no: string | null;
  paid_at: Date | null;
  closed_at: Date | null;
  close_reason: string | null;
  failure_reason: string | null;
  created_at: Date;
}

export function attemptView(r: AttemptRow): AttemptView {
  return {
    id: r.id,
    orderId: r.order_id,
    outTradeNo: r.out_trade_no,
    method: r.method,
    amountCents: Number(r.amount_cents),
    status: r.status,
    expiresAt: r.expires_at,
    redirectUrl: r.redirect_url,
    qrCode: r.qr_code,
    tradeNo: r.trade_no,
    paidAt: r.paid_at,
    closedAt: r.closed_at,
    closeReason: r.close_reason,
    failureReason: r.failure_reason,
    createdAt: r.created_at,
  };
}

export interface CreatedAttempt extends AttemptView {
  /** True when an open attempt of the same method was handed out again instead of a new one. */
  reused: boolean;
}

/** An order's payment state: its status and deadline, attempts and refunds. */
export interface OrderPayments {
  orderStatus: OrderStatus;
  paymentDueAt: Date | null;
  attempts: AttemptView[];
  refunds: RefundView[];
}

export type ExpiryOutcome = 'not_pending' | 'paid' | 'cancelled' | 'unreachable';
