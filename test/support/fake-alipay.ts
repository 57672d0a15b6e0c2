import { createSign, createVerify, generateKeyPairSync, randomBytes, randomInt } from 'node:crypto';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local Alipay gateway for tests: it speaks Alipay's OpenAPI 2.0 form protocol the way the official
 * SDK (`alipay-sdk` v4) expects it, signatures included, so the app's real Alipay adapter runs against
 * it unchanged. It has its own RSA key pair (as Alipay does) and knows the app's public key:
 *
 * - every request (`exec` POSTs and the cashier URLs built by `pageExecute`) is checked against the
 *   app's public key; a bad signature or app id gets Alipay's `isv.invalid-signature` answer;
 * - every answer is signed with its private key in Alipay's format (`{"<method>_response":{…},"sign":…}`),
 *   so the SDK's response-signature check passes (and fails if the app has the wrong Alipay key);
 * - `alipay.trade.precreate | query | close | refund` behave like Alipay's (refunds are idempotent on
 *   `out_request_no`: the same request twice pays back once);
 * - opening a WAP/page cashier URL (GET) shows a plain HTML cashier with a 「确认付款 / Pay」 button;
 *   pressing it marks the trade paid, sends the signed asynchronous notice (form-encoded, signed as
 *   Alipay signs notices) to `notify_url`, then redirects the browser to `return_url`.
 *
 * Tests drive it through the returned handle: mark a trade paid without a notice, send (or forge)
 * notices, make the next N calls of a method fail (HTTP 500, a reset connection before or after the
 * call took effect, or a business error with a sub_code), read the refunds it executed.
 */

export type FailureMode =
  | 'http500'
  /** The connection is reset before anything happens (the SDK's urllib retries a reset once by itself). */
  | 'reset'
  /** The call takes effect, then the connection is reset: the app never hears the answer. */
  | 'reset_after'
  | { subCode: string; subMsg: string };

export interface FakeTrade {
  outTradeNo: string;
  tradeNo: string;
  totalAmount: string;
  subject: string;
  status: 'WAIT_BUYER_PAY' | 'TRADE_SUCCESS' | 'TRADE_CLOSED';
  method: string;
  notifyUrl: string | null;
  returnUrl: string | null;
  timeExpire: string | null;
  createdAt: Date;
  paidAt: Date | null;
  refunds: Map<string, string>;
}

export interface FakeRefund {
  tradeNo: string;
  outTradeNo: string;
  outRequestNo: string;
  refundAmount: string;
  reason: string | null;
  at: Date;
}

export interface KeyPair {
  publicKey: string;
  privateKey: string;
}

export interface FakeAlipayOptions {
  appId?: string;
  /** The app's key pair (generated here by default); `keyFormat` picks PKCS#1 or PKCS#8 for the private key. */
  appKeys?: KeyPair;
  keyFormat?: 'pkcs1' | 'pkcs8';
  /**
   * How notices reach the app. Default: an HTTP POST to `notify_url` (with its origin replaced by
   * `notifyBaseUrl` when set). Tests without a listening app pass a function (e.g. through supertest).
   */
  deliver?: (url: URL, form: string) => Promise<{ status: number; text: string }>;
  notifyBaseUrl?: string;
}

export interface FakeAlipay {
  url: string;
  appId: string;
  /** The app's keys and Alipay's public key, as the app is configured with them. */
  appKeys: KeyPair;
  alipayKeys: KeyPair;
  /** ALIPAY_* variables for the app under test. */
  env: Record<string, string>;
  trades: Map<string, FakeTrade>;
  /** Every executed refund (a repeated out_request_no is not a new refund). */
  refunds: FakeRefund[];
  /** Every gateway call: method and its biz_content. */
  calls: { method: string; biz: Record<string, unknown>; at: Date }[];
  /** The notices sent and what the app answered. */
  notices: { outTradeNo: string; status: number; text: string }[];
  /** The next `times` calls of `method` fail as `mode`. */
  failNext(method: string, times: number, mode: FailureMode): void;
  /** Forgets the failures still queued (for one method, or all). */
  clearFailures(method?: string): void;
  /** Marks a trade paid (as if the buyer paid in the Alipay app); sends the notice only when asked. */
  markPaid(outTradeNo: string, opts?: { notify?: boolean }): Promise<FakeTrade>;
  /** The signed notice Alipay would send for a trade (`overrides` change fields before signing). */
  noticeFor(
    outTradeNo: string,
    overrides?: Record<string, string>,
    signWith?: string,
  ): Record<string, string>;
  /** Sends a notice (by default the trade's own) to the app; returns the app's answer. */
  sendNotice(outTradeNo: string, params?: Record<string, string>): Promise<{ status: number; text: string }>;
  callsOf(method: string): { method: string; biz: Record<string, unknown>; at: Date }[];
  close(): Promise<void>;
}

/** A 2048-bit RSA key pair as PEM (the private key in PKCS#1 or PKCS#8). */
export function rsaKeyPair(format: 'pkcs1' | 'pkcs8' = 'pkcs8'): KeyPair {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: format, format: 'pem' },
  });
  return { publicKey, privateKey };
}

/** Alipay's signing string: every parameter but `sign` (and, for notices, `sign_type`), sorted, raw. */
export function signingString(params: Record<string, string>, opts: { withSignType?: boolean } = {}): string {
  return Object.keys(params)
    .filter((k) => k !== 'sign' && (opts.withSignType !== false || k !== 'sign_type'))
    .sort()
    .map((k) => `${k}=${params[k]}`)
    .join('&');
}

export function rsa2Sign(content: string, privateKey: string): string {
  return createSign('RSA-SHA256').update(content, 'utf8').sign(privateKey, 'base64');
}

/** Checks an Alipay-style RSA2 signature of `params` (request or notice) with a public key. */
export function verifyAlipaySignature(
  params: Record<string, string>,
  publicKey: string,
  opts: { withSignType?: boolean } = {},
): boolean {
  if (!params.sign) return false;
  try {
    return createVerify('RSA-SHA256')
      .update(signingString(params, opts), 'utf8')
      .verify(publicKey, params.sign, 'base64');
  } catch {
    return false;
  }
}

const pad = (n: number) => String(n).padStart(2, '0');
/** "yyyy-MM-dd HH:mm:ss" in Beijing time. */
function beijing(at: Date): string {
  const b = new Date(at.getTime() + 8 * 3600_000);
  return `${b.getUTCFullYear()}-${pad(b.getUTCMonth() + 1)}-${pad(b.getUTCDate())} ${pad(b.getUTCHours())}:${pad(
    b.getUTCMinutes(),
  )}:${pad(b.getUTCSeconds())}`;
}

function parseBeijing(v: string | null): Date | null {
  if (!v || !/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(v)) return null;
  return new Date(`${v.replace(' ', 'T')}+08:00`);
}

const fen = (yuan: string) => {
  const [i, f = ''] = yuan.split('.');
  return Number(i) * 100 + Number(f.padEnd(2, '0'));
};
const yuan = (cents: number) => `${Math.floor(cents / 100)}.${pad(cents % 100)}`;
const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function formToObject(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of new URLSearchParams(text)) out[k] = v;
  return out;
}

/** Starts the fake on 127.0.0.1 with a free port; `env` configures the app to use it. */
export async function startFakeAlipay(opts: FakeAlipayOptions = {}): Promise<FakeAlipay> {
  const appId =
    opts.appId ??
    `2021${String(Date.now()).slice(-8)}${String(Math.floor(Math.random() * 1e4)).padStart(4, '0')}`;
  const appKeys = opts.appKeys ?? rsaKeyPair(opts.keyFormat ?? 'pkcs8');
  const alipayKeys = rsaKeyPair('pkcs8');
  const sellerId = '2088000000000001';
  const trades = new Map<string, FakeTrade>();
  const refunds: FakeRefund[] = [];
  const calls: FakeAlipay['calls'] = [];
  const notices: FakeAlipay['notices'] = [];
  const failures = new Map<string, { times: number; mode: FailureMode }[]>();

  const takeFailure = (method: string): FailureMode | null => {
    const queue = failures.get(method);
    if (!queue?.length) return null;
    const head = queue[0];
    head.times--;
    if (head.times <= 0) queue.shift();
    return head.mode;
  };

  let tradeSeq = 0;
  /** Alipay-like trade numbers: the Beijing date, 2200, then digits. */
  const newTradeNo = () =>
    `${beijing(new Date()).replace(/\D/g, '').slice(0, 8)}2200${String(randomInt(1e9)).padStart(9, '0')}${String(++tradeSeq).padStart(6, '0')}`;

  /** A signed answer in Alipay's format: the signature covers the response object's exact JSON. */
  const answer = (res: ServerResponse, method: string, body: Record<string, unknown>) => {
    const inner = JSON.stringify(body);
    const key = `${method.replace(/\./g, '_')}_response`;
    const sign = rsa2Sign(inner, alipayKeys.privateKey);
    res.writeHead(200, { 'Content-Type': 'text/html;charset=utf-8' });
    res.end(`{"${key}":${inner},"sign":"${sign}"}`);
  };
  const bizError = (code: string, msg: string, subCode: string, subMsg: string) => ({
    code,
    msg,
    sub_code: subCode,
    sub_msg: subMsg,
  });
  const ok = (fields: Record<string, unknown>) => ({ code: '10000', msg: 'Success', ...fields });

  /** The notice Alipay sends for a trade, signed with its private key (no sign_type in the content). */
  const noticeFor = (outTradeNo: string, overrides: Record<string, string> = {}, signWith?: string) => {
    const t = trades.get(outTradeNo);
    if (!t) throw new Error(`fake alipay: no trade ${outTradeNo}`);
    const now = new Date();
    const params: Record<string, string> = {
      notify_time: beijing(now),
      notify_type: 'trade_status_sync',
      notify_id: randomBytes(16).toString('hex'),
      app_id: appId,
      charset: 'utf-8',
      version: '1.0',
      sign_type: 'RSA2',
      trade_no: t.tradeNo,
      out_trade_no: t.outTradeNo,
      trade_status: t.status === 'WAIT_BUYER_PAY' ? 'WAIT_BUYER_PAY' : t.status,
      total_amount: t.totalAmount,
      receipt_amount: t.totalAmount,
      buyer_pay_amount: t.totalAmount,
      subject: t.subject,
      gmt_create: beijing(t.createdAt),
      gmt_payment: beijing(t.paidAt ?? now),
      buyer_id: '2088102177846875',
      buyer_logon_id: 'stu***@163.com',
      seller_id: sellerId,
      fund_bill_list: JSON.stringify([{ amount: t.totalAmount, fundChannel: 'ALIPAYACCOUNT' }]),
      ...overrides,
    };
    delete params.sign;
    params.sign = rsa2Sign(signingString(params, { withSignType: false }), signWith ?? alipayKeys.privateKey);
    return params;
  };

  const deliver =
    opts.deliver ??
    (async (url: URL, form: string) => {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded; charset=utf-8' },
        body: form,
      });
      return { status: res.status, text: await res.text() };
    });

  const sendNotice = async (outTradeNo: string, params?: Record<string, string>) => {
    const t = trades.get(outTradeNo);
    if (!t?.notifyUrl) throw new Error(`fake alipay: trade ${outTradeNo} has no notify_url`);
    const target = new URL(t.notifyUrl);
    const url = opts.notifyBaseUrl ? new URL(target.pathname + target.search, opts.notifyBaseUrl) : target;
    const form = new URLSearchParams(params ?? noticeFor(outTradeNo)).toString();
    const result = await deliver(url, form);
    notices.push({ outTradeNo, ...result });
    return result;
  };

  const pay = async (outTradeNo: string, notify: boolean) => {
    const t = trades.get(outTradeNo);
    if (!t) throw new Error(`fake alipay: no trade ${outTradeNo}`);
    if (t.status === 'WAIT_BUYER_PAY') {
      t.status = 'TRADE_SUCCESS';
      t.paidAt = new Date();
    }
    if (notify) await sendNotice(outTradeNo);
    return t;
  };

  /** The gateway.do form API (`exec`): one method per call. */
  const execute = (method: string, biz: Record<string, string>, params: Record<string, string>) => {
    const outTradeNo = biz.out_trade_no;
    const byTrade = biz.trade_no ? [...trades.values()].find((x) => x.tradeNo === biz.trade_no) : undefined;
    switch (method) {
      case 'alipay.trade.precreate': {
        if (trades.has(outTradeNo))
          return bizError('40004', 'Business Failed', 'ACQ.TRADE_HAS_SUCCESS', '交易已存在');
        trades.set(outTradeNo, {
          outTradeNo,
          tradeNo: newTradeNo(),
          totalAmount: biz.total_amount,
          subject: biz.subject,
          status: 'WAIT_BUYER_PAY',
          method,
          notifyUrl: params.notify_url ?? null,
          returnUrl: null,
          timeExpire: null,
          createdAt: new Date(),
          paidAt: null,
          refunds: new Map(),
        });
        return ok({ out_trade_no: outTradeNo, qr_code: `https://qr.alipay.com/fake${outTradeNo}` });
      }
      case 'alipay.trade.query': {
        const t = trades.get(outTradeNo) ?? byTrade;
        if (!t) return bizError('40004', 'Business Failed', 'ACQ.TRADE_NOT_EXIST', '交易不存在');
        return ok({
          trade_no: t.tradeNo,
          out_trade_no: t.outTradeNo,
          buyer_logon_id: 'stu***@163.com',
          trade_status: t.status,
          total_amount: t.totalAmount,
          ...(t.paidAt ? { send_pay_date: beijing(t.paidAt), receipt_amount: t.totalAmount } : {}),
        });
      }
      case 'alipay.trade.close': {
        const t = trades.get(outTradeNo) ?? byTrade;
        if (!t) return bizError('40004', 'Business Failed', 'ACQ.TRADE_NOT_EXIST', '交易不存在');
        if (t.status === 'TRADE_SUCCESS')
          return bizError('40004', 'Business Failed', 'ACQ.TRADE_STATUS_ERROR', '交易状态不合法');
        t.status = 'TRADE_CLOSED';
        return ok({ trade_no: t.tradeNo, out_trade_no: t.outTradeNo });
      }
      case 'alipay.trade.refund': {
        const t = trades.get(outTradeNo) ?? byTrade;
        if (!t) return bizError('40004', 'Business Failed', 'ACQ.TRADE_NOT_EXIST', '交易不存在');
        if (t.status !== 'TRADE_SUCCESS')
          return bizError('40004', 'Business Failed', 'ACQ.TRADE_STATUS_ERROR', '交易状态不合法');
        const requestNo = biz.out_request_no ?? t.outTradeNo;
        const refundedBefore = [...t.refunds.values()].reduce((n, a) => n + fen(a), 0);
        if (!t.refunds.has(requestNo)) {
          if (!/^\d+(\.\d{1,2})?$/.test(biz.refund_amount ?? '')) {
            return bizError('40004', 'Business Failed', 'ACQ.INVALID_PARAMETER', '参数无效');
          }
          if (refundedBefore + fen(biz.refund_amount) > fen(t.totalAmount)) {
            return bizError('40004', 'Business Failed', 'ACQ.REFUND_AMT_NOT_EQUAL_TOTAL', '退款金额超限');
          }
          t.refunds.set(requestNo, biz.refund_amount);
          refunds.push({
            tradeNo: t.tradeNo,
            outTradeNo: t.outTradeNo,
            outRequestNo: requestNo,
            refundAmount: biz.refund_amount,
            reason: biz.refund_reason ?? null,
            at: new Date(),
          });
          return ok({
            trade_no: t.tradeNo,
            out_trade_no: t.outTradeNo,
            buyer_logon_id: 'stu***@163.com',
            fund_change: 'Y',
            refund_fee: yuan(refundedBefore + fen(biz.refund_amount)),
          });
        }
        // The same out_request_no again: Alipay answers with the refund it already made, no money moves.
        return ok({
          trade_no: t.tradeNo,
          out_trade_no: t.outTradeNo,
          buyer_logon_id: 'stu***@163.com',
          fund_change: 'N',
          refund_fee: yuan(refundedBefore),
        });
      }
      default:
        return bizError(
          '40004',
          'Business Failed',
          'isv.invalid-method',
          `fake alipay does not implement ${method}`,
        );
    }
  };

  const checkRequest = (params: Record<string, string>): { subCode: string; subMsg: string } | null => {
    if (params.app_id !== appId) return { subCode: 'isv.invalid-app-id', subMsg: '无效的AppID参数' };
    if (params.sign_type !== 'RSA2')
      return { subCode: 'isv.invalid-signature-type', subMsg: '无效的签名类型' };
    if (!verifyAlipaySignature(params, appKeys.publicKey, { withSignType: true })) {
      return {
        subCode: 'isv.invalid-signature',
        subMsg: `验签出错，建议检查签名字符串或签名私钥与应用公钥是否匹配，网关生成的验签字符串为：${signingString(params)}`,
      };
    }
    return null;
  };

  const cashierPage = (res: ServerResponse, t: FakeTrade | null, message?: string) => {
    res.writeHead(t ? 200 : 400, { 'Content-Type': 'text/html; charset=utf-8' });
    const body = t
      ? `<h1>支付宝收银台 <span lang="en">Alipay cashier</span></h1>
         <dl>
           <dt>商品 <span lang="en">Item</span></dt><dd id="subject">${escapeHtml(t.subject)}</dd>
           <dt>金额 <span lang="en">Amount</span></dt><dd id="amount">¥${escapeHtml(t.totalAmount)}</dd>
           <dt>订单号 <span lang="en">Trade</span></dt><dd id="out-trade-no">${escapeHtml(t.outTradeNo)}</dd>
         </dl>
         ${
           t.status === 'WAIT_BUYER_PAY'
             ? `<form method="post" action="/cashier/pay">
                  <input type="hidden" name="out_trade_no" value="${escapeHtml(t.outTradeNo)}">
                  <button type="submit">确认付款 / Pay</button>
                </form>`
             : `<p role="status">${t.status === 'TRADE_SUCCESS' ? '已付款 / Paid' : '交易已关闭 / Closed'}</p>`
         }`
      : `<h1>支付宝收银台 <span lang="en">Alipay cashier</span></h1><p role="alert">${escapeHtml(message ?? 'error')}</p>`;
    res.end(`<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>支付宝 - 收银台 (test double)</title>
<style>body{font-family:sans-serif;max-width:28rem;margin:2rem auto;padding:0 1rem}button{font-size:1.2rem;padding:.6rem 1.2rem;background:#1677ff;color:#fff;border:0;border-radius:4px}</style>
</head><body><main>${body}</main></body></html>`);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    const query = Object.fromEntries(url.searchParams);
    if (url.pathname === '/gateway.do' && req.method === 'GET') {
      // A cashier URL (pageExecute with GET): check it like Alipay, then show the cashier.
      const problem = checkRequest(query);
      if (problem) return cashierPage(res, null, `${problem.subCode}: ${problem.subMsg}`);
      let biz: Record<string, string>;
      try {
        biz = JSON.parse(query.biz_content ?? '{}') as Record<string, string>;
      } catch {
        return cashierPage(res, null, 'biz_content is not JSON');
      }
      calls.push({ method: query.method, biz, at: new Date() });
      let t = trades.get(biz.out_trade_no);
      if (!t) {
        t = {
          outTradeNo: biz.out_trade_no,
          tradeNo: newTradeNo(),
          totalAmount: biz.total_amount,
          subject: biz.subject,
          status: 'WAIT_BUYER_PAY',
          method: query.method,
          notifyUrl: query.notify_url ?? null,
          returnUrl: query.return_url ?? null,
          timeExpire: biz.time_expire ?? null,
          createdAt: new Date(),
          paidAt: null,
          refunds: new Map(),
        };
        trades.set(t.outTradeNo, t);
      }
      const expires = parseBeijing(t.timeExpire);
      if (t.status === 'WAIT_BUYER_PAY' && expires && expires.getTime() < Date.now())
        t.status = 'TRADE_CLOSED';
      return cashierPage(res, t);
    }
    if (url.pathname === '/cashier/pay' && req.method === 'POST') {
      const form = formToObject(await readBody(req));
      const t = trades.get(form.out_trade_no ?? '');
      if (!t || t.status !== 'WAIT_BUYER_PAY')
        return cashierPage(res, t ?? null, '交易不可支付 / not payable');
      await pay(t.outTradeNo, true);
      if (!t.returnUrl) return cashierPage(res, t);
      const back = new URL(t.returnUrl);
      const ret: Record<string, string> = {
        charset: 'utf-8',
        out_trade_no: t.outTradeNo,
        method: `${t.method}.return`,
        total_amount: t.totalAmount,
        trade_no: t.tradeNo,
        auth_app_id: appId,
        version: '1.0',
        app_id: appId,
        sign_type: 'RSA2',
        seller_id: sellerId,
        timestamp: beijing(new Date()),
      };
      ret.sign = rsa2Sign(signingString(ret, { withSignType: false }), alipayKeys.privateKey);
      for (const [k, v] of Object.entries(ret)) back.searchParams.set(k, v);
      res.writeHead(302, { Location: back.toString() });
      return res.end();
    }
    if (url.pathname === '/gateway.do' && req.method === 'POST') {
      const params = { ...query, ...formToObject(await readBody(req)) };
      const method = params.method ?? '';
      let biz: Record<string, string> = {};
      try {
        biz = JSON.parse(params.biz_content ?? '{}') as Record<string, string>;
      } catch {
        /* answered below as invalid */
      }
      calls.push({ method, biz, at: new Date() });
      const failure = takeFailure(method);
      if (failure === 'http500') {
        res.writeHead(500, { 'Content-Type': 'text/plain' });
        return res.end('Internal Server Error');
      }
      if (failure === 'reset') return req.socket.destroy();
      const problem = checkRequest(params);
      if (problem)
        return answer(res, method, bizError('40002', 'Invalid Arguments', problem.subCode, problem.subMsg));
      if (failure && typeof failure === 'object') {
        return answer(res, method, bizError('40004', 'Business Failed', failure.subCode, failure.subMsg));
      }
      const result = execute(method, biz, params);
      if (failure === 'reset_after') return req.socket.destroy();
      return answer(res, method, result);
    }
    res.writeHead(404, { 'Content-Type': 'text/plain' });
    res.end('not found');
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((err: Error) => {
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain' });
      res.end(`fake alipay error: ${err.message}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;

  return {
    url,
    appId,
    appKeys,
    alipayKeys,
    env: {
      ALIPAY_APP_ID: appId,
      ALIPAY_PRIVATE_KEY: appKeys.privateKey,
      ALIPAY_PUBLIC_KEY: alipayKeys.publicKey,
      ALIPAY_GATEWAY: `${url}/gateway.do`,
    },
    trades,
    refunds,
    calls,
    notices,
    failNext(method, times, mode) {
      const list = failures.get(method) ?? [];
      list.push({ times, mode });
      failures.set(method, list);
    },
    clearFailures(method) {
      if (method) failures.delete(method);
      else failures.clear();
    },
    markPaid: (outTradeNo, o = {}) => pay(outTradeNo, o.notify ?? false),
    noticeFor,
    sendNotice,
    callsOf: (method) => calls.filter((c) => c.method === method),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}
