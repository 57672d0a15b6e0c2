/** What Alipay says about a trade (alipay.trade.query), in our terms. */
export type TradeState =
  | { state: 'paid'; tradeNo: string; amountCents: number; paidAt: Date }
  | { state: 'waiting' }
  | { state: 'closed' }
  | { state: 'not_found' };

export interface PagePayRequest {
  kind: 'wap' | 'page';
  outTradeNo: string;
  amountCents: number;
  subject: string;
  expiresAt: Date;
  returnUrl: string;
  notifyUrl: string;
}

export interface PrecreateRequest {
  outTradeNo: string;
  amountCents: number;
  subject: string;
  expiresAt: Date;
  notifyUrl: string;
}

export interface RefundRequest {
  tradeNo: string;
  amountCents: number;
  /** Our refund id: Alipay pays a given out_request_no back once, however often it is asked. */
  outRequestNo: string;
  reason: string;
}

/**
 * The conversation with Alipay, behind an interface: the SDK-backed gateway in production (and
 * against the local fake in tests), a disabled one when ALIPAY_APP_ID is unset. Calls that reach the
 * network throw ProviderUnavailableError (transient: retry) or ProviderRefusedError (permanent).
 */
export abstract class AlipayGateway {
  abstract readonly enabled: boolean;
  abstract readonly appId: string | null;

  /** The signed URL of Alipay's WAP or desktop cashier for a trade (no network call). */
  abstract pagePayUrl(req: PagePayRequest): string;

  /** alipay.trade.precreate: a QR code the customer scans. */
  abstract precreate(req: PrecreateRequest): Promise<{ qrCode: string }>;

  /** alipay.trade.query. */
  abstract query(outTradeNo: string): Promise<TradeState>;

  /** alipay.trade.close: `closed` (or never opened), or `not_closable` when the trade was paid. */
  abstract close(outTradeNo: string): Promise<'closed' | 'not_found' | 'not_closable'>;

  /** alipay.trade.refund, idempotent on `outRequestNo`. */
  abstract refund(req: RefundRequest): Promise<{ fundChange: boolean; providerRef: string | null }>;

  /** Checks an asynchronous notice's RSA2 signature against Alipay's public key. */
  abstract verifyNotice(params: Record<string, string>): boolean;
}
