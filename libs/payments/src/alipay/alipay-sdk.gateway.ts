import { Logger } from '@nestjs/common';
import { AlipaySdk } from 'alipay-sdk';
import type { AlipayConfig } from '@campus/core';
import { ProviderRefusedError, ProviderUnavailableError } from '../payments.errors';
import { beijingTime, fenToYuan, parseBeijingTime, yuanToFen } from './alipay-format';
import { AlipayGateway, PagePayRequest, PrecreateRequest, RefundRequest, TradeState } from './alipay-gateway';

/** The camel-cased result of `AlipaySdk.exec` (common fields; each method adds its own). */
interface ExecResult {
  code?: string;
  msg?: string;
  subCode?: string;
  subMsg?: string;
  [field: string]: unknown;
}

/** Business answers that mean "Alipay is busy, ask again" rather than "no". */
const TRANSIENT_SUB_CODES = new Set(['ACQ.SYSTEM_ERROR', 'aop.ACQ.SYSTEM_ERROR', 'ACQ.SYSTEM_BUSY']);

/**
 * Alipay through its official Node SDK (v4): `pageExecute` signs the WAP and desktop cashier URLs
 * locally, `exec` calls the form API at ALIPAY_GATEWAY with the answer's signature checked against
 * ALIPAY_PUBLIC_KEY, `checkNotifySignV2` checks notices. The v3 endpoint is the gateway's origin
 * (the SDK keeps the two apart; we derive one from the other in config).
 */
export class AlipaySdkGateway extends AlipayGateway {
  readonly enabled = true;
  readonly appId: string;
  private readonly sdk: AlipaySdk;
  private readonly log = new Logger('Alipay');

  constructor(config: AlipayConfig, timeoutMs = 5_000) {
    super();
    this.appId = config.appId;
    this.sdk = new AlipaySdk({
      appId: config.appId,
      privateKey: config.privateKey,
      keyType: config.keyType,
      alipayPublicKey: config.alipayPublicKey,
      gateway: config.gateway,
      endpoint: config.endpoint,
      signType: 'RSA2',
      timeout: timeoutMs,
      camelcase: true,
    });
  }

  pagePayUrl(req: PagePayRequest): string {
    const method = req.kind === 'wap' ? 'alipay.trade.wap.pay' : 'alipay.trade.page.pay';
    return this.sdk.pageExecute(method, 'GET', {
      bizContent: {
        out_trade_no: req.outTradeNo,
        total_amount: fenToYuan(req.amountCents),
        subject: req.subject,
        product_code: req.kind === 'wap' ? 'QUICK_WAP_WAY' : 'FAST_INSTANT_TRADE_PAY',
        time_expire: beijingTime(req.expiresAt),
      },
      notifyUrl: req.notifyUrl,
      returnUrl: req.returnUrl,
    });
  }

  async precreate(req: PrecreateRequest): Promise<{ qrCode: string }> {
    const r = await this.call('alipay.trade.precreate', {
      bizContent: {
        out_trade_no: req.outTradeNo,
        total_amount: fenToYuan(req.amountCents),
        subject: req.subject,
        // precreate takes a relative timeout ("15m"), rounded down so Alipay never outlives the attempt
        timeout_express: `${Math.max(1, Math.floor((req.expiresAt.getTime() - Date.now()) / 60_000))}m`,
      },
      notifyUrl: req.notifyUrl,
    });
    if (r.code !== '10000') throw this.refused(r);
    if (typeof r.qrCode !== 'string' || !r.qrCode)
      throw new ProviderUnavailableError('Alipay answered without a QR code');
    return { qrCode: r.qrCode };
  }

  async query(outTradeNo: string): Promise<TradeState> {
    const r = await this.call('alipay.trade.query', { bizContent: { out_trade_no: outTradeNo } });
    if (r.code !== '10000') {
      if (r.subCode === 'ACQ.TRADE_NOT_EXIST') return { state: 'not_found' };
      throw this.refused(r);
    }
    switch (r.tradeStatus) {
      case 'TRADE_SUCCESS':
      case 'TRADE_FINISHED': {
        const amountCents = yuanToFen(r.totalAmount);
        if (typeof r.tradeNo !== 'string' || amountCents === null) {
          throw new ProviderUnavailableError('Alipay reported a paid trade without its number or amount');
        }
        return {
          state: 'paid',
          tradeNo: r.tradeNo,
          amountCents,
          paidAt: parseBeijingTime(r.sendPayDate) ?? new Date(),
        };
      }
      case 'TRADE_CLOSED':
        return { state: 'closed' };
      default:
        return { state: 'waiting' };
    }
  }

  async close(outTradeNo: string): Promise<'closed' | 'not_found' | 'not_closable'> {
    const r = await this.call('alipay.trade.close', { bizContent: { out_trade_no: outTradeNo } });
    if (r.code === '10000') return 'closed';
    if (r.subCode === 'ACQ.TRADE_NOT_EXIST') return 'not_found';
    if (r.subCode === 'ACQ.TRADE_STATUS_ERROR') return 'not_closable';
    throw this.refused(r);
  }

  async refund(req: RefundRequest): Promise<{ fundChange: boolean; providerRef: string | null }> {
    const r = await this.call('alipay.trade.refund', {
      bizContent: {
        trade_no: req.tradeNo,
        refund_amount: fenToYuan(req.amountCents),
        out_request_no: req.outRequestNo,
        refund_reason: req.reason.slice(0, 256),
      },
    });
    if (r.code !== '10000') throw this.refused(r);
    return {
      fundChange: r.fundChange === 'Y',
      providerRef: typeof r.tradeNo === 'string' ? `${r.tradeNo}/${req.outRequestNo}` : null,
    };
  }

  verifyNotice(params: Record<string, string>): boolean {
    try {
      return this.sdk.checkNotifySignV2(params);
    } catch {
      return false; // a sign that is not base64, an unknown sign_type...
    }
  }

  /** One form-API call; network trouble, HTTP errors, bad answers and "busy" codes are transient. */
  private async call(method: string, params: Record<string, unknown>): Promise<ExecResult> {
    let result: ExecResult;
    try {
      result = (await this.sdk.exec(method, params, { validateSign: true })) as ExecResult;
    } catch (err) {
      this.log.warn(`${method} failed: ${(err as Error).message.slice(0, 200)}`);
      throw new ProviderUnavailableError();
    }
    if (
      result.code === '20000' ||
      result.subCode?.startsWith('isp.') ||
      TRANSIENT_SUB_CODES.has(result.subCode ?? '')
    ) {
      this.log.warn(`${method}: Alipay is busy (${result.code} ${result.subCode ?? ''})`);
      throw new ProviderUnavailableError();
    }
    return result;
  }

  private refused(r: ExecResult): ProviderRefusedError {
    return new ProviderRefusedError(r.subCode ?? r.code ?? 'unknown', r.subMsg ?? r.msg ?? '');
  }
}

/** Alipay switched off (ALIPAY_APP_ID unset): nothing can be created, asked or refunded. */
export class DisabledAlipayGateway extends AlipayGateway {
  readonly enabled = false;
  readonly appId = null;

  pagePayUrl(): string {
    throw new ProviderUnavailableError('Alipay is not configured');
  }
  precreate(): Promise<{ qrCode: string }> {
    return Promise.reject(new ProviderUnavailableError('Alipay is not configured'));
  }
  query(): Promise<TradeState> {
    return Promise.reject(new ProviderUnavailableError('Alipay is not configured'));
  }
  close(): Promise<'closed' | 'not_found' | 'not_closable'> {
    return Promise.reject(new ProviderUnavailableError('Alipay is not configured'));
  }
  refund(): Promise<{ fundChange: boolean; providerRef: string | null }> {
    return Promise.reject(new ProviderUnavailableError('Alipay is not configured'));
  }
  verifyNotice(): boolean {
    return false;
  }
}
