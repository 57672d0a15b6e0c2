import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import type { Fixtures, TestApp, World } from '@campus/testing';
import { eventually, TestClock } from '@campus/testing';
import { auth, startApp, withAnotherApi } from './support/app';
import { FakeAlipay, rsaKeyPair, startFakeAlipay, verifyAlipaySignature } from './support/fake-alipay';
import { FulfilmentDriver, newPhone, Site } from './support/fulfilment';

/**
 * Alipay end to end: the real API and worker on PostgreSQL and Redis, the official SDK talking to a
 * local fake Alipay gateway (test/support/fake-alipay.ts) that checks every signature with the app's
 * public key and signs its answers and notices with its own key pair, both generated here.
 */

interface Attempt {
  id: string;
  outTradeNo: string;
  method: string;
  amountCents: number;
  status: string;
  expiresAt: string;
  redirectUrl: string | null;
  qrCode: string | null;
  tradeNo: string | null;
  reused: boolean;
}

interface Refund {
  id: string;
  orderId: string;
  amountCents: number;
  method: string;
  status: string;
  cause: string;
  reason: string;
  providerRef: string | null;
  failureCode: string | null;
  failureReason: string | null;
  holder: { agentId: string | null; pickupPointId: string | null } | null;
}

describe('Online payment with Alipay (e2e, fake gateway)', () => {
  let app: TestApp;
  let fx: Fixtures;
  let w: World;
  let fake: FakeAlipay;
  let customer: { id: string; token: string };
  const clock = new TestClock();

  beforeAll(async () => {
    fake = await startFakeAlipay({
      // Notices reach the app in-process (it does not listen on a port in tests).
      deliver: async (url, form) => {
        const res = await app.http().post(url.pathname).type('form').send(form);
        return { status: res.status, text: res.text };
      },
    });
    ({ app, fx } = await startApp({
      clock,
      worker: true,
      workerAttempts: 3,
      workerBackoffMs: 200,
      env: { ...fake.env, PAYMENT_WINDOW_MINUTES: '30' },
    }));
    w = await fx.world();
    customer = await fx.customer('+8613866661001');
  });
  afterAll(async () => {
    await app?.close();
    await fake?.close();
  });

  const placeOnline = async (token = customer.token, quantity = 2) => {
    const res = await app
      .http()
      .post('/api/orders')
      .set(auth(token))
      .set('Idempotency-Key', randomUUID())
      .send({
        channel: 'wap',
        lines: [{ sku: w.skus.usb, quantity }],
        fulfillment: { type: 'locker', pickupPointId: w.pointA1.id },
        paymentMethod: 'online',
      });
    expect(res.status).toBe(201);
    return res.body as { id: string; number: string; totalCents: number; paymentDueAt: string };
  };

  const pay = (orderId: string, body: object, token = customer.token) =>
    app.http().post(`/api/orders/${orderId}/payments`).set(auth(token)).send(body);

  const order = async (id: string) =>
    (await app.http().get(`/api/orders/${id}`).set(auth(w.tokens.admin))).body as {
      status: string;
      paidAt: string | null;
      paymentMethod: string;
      cancelledAt: string | null;
      codCollectedCents: number | null;
      assignedAgentId: string | null;
    };

  const events = async (id: string) =>
    (await app.http().get(`/api/orders/${id}/events`).set(auth(w.tokens.admin))).body as {
      type: string;
      at: string;
      reason: string | null;
      data: Record<string, unknown>;
    }[];

  const payments = async (id: string, token = w.tokens.admin) =>
    (await app.http().get(`/api/orders/${id}/payments`).set(auth(token))).body as {
      orderStatus: string;
      attempts: Attempt[];
      refunds: Refund[];
    };

  /** Opens the cashier URL as the customer's browser would (the fake checks its signature). */
  const openCashier = async (a: Attempt) => {
    const res = await fetch(a.redirectUrl!);
    const html = await res.text();
    expect(res.status).toBe(200);
    expect(html).toContain('确认付款 / Pay');
    return html;
  };

  /** Presses 「确认付款」 on the fake cashier: pays, sends the notice, redirects back. */
  const pressPay = async (a: Attempt) => {
    await openCashier(a);
    const res = await fetch(`${fake.url}/cashier/pay`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ out_trade_no: a.outTradeNo }).toString(),
      redirect: 'manual',
    });
    expect(res.status).toBe(302);
    return new URL(res.headers.get('location')!);
  };

  const postNotice = (params: Record<string, string>) =>
    app.http().post('/api/payments/alipay/notify').type('form').send(new URLSearchParams(params).toString());

  describe('cashier URLs', () => {
    it('WAP and page pay URLs are signed by the app and carry the trade, the amount in yuan and the notify URL', async () => {
      const o = await placeOnline();
      for (const [method, alipayMethod, productCode] of [
        ['alipay_wap', 'alipay.trade.wap.pay', 'QUICK_WAP_WAY'],
        ['alipay_page', 'alipay.trade.page.pay', 'FAST_INSTANT_TRADE_PAY'],
      ] as const) {
        const res = await pay(o.id, { method });
        expect(res.status).toBe(201);
        const a = res.body as Attempt;
        expect(a).toMatchObject({
          method,
          amountCents: o.totalCents,
          status: 'open',
          qrCode: null,
          reused: false,
        });
        expect(new Date(a.expiresAt).getTime()).toBeLessThanOrEqual(new Date(o.paymentDueAt).getTime());

        const url = new URL(a.redirectUrl!);
        expect(`${url.origin}${url.pathname}`).toBe(`${fake.url}/gateway.do`);
        const params = Object.fromEntries(url.searchParams);
        expect(params).toMatchObject({
          app_id: fake.appId,
          method: alipayMethod,
          sign_type: 'RSA2',
          charset: 'utf-8',
          notify_url: 'http://campus.test/api/payments/alipay/notify',
          return_url: `http://campus.test/shop/orders/${o.id}`,
        });
        const biz = JSON.parse(params.biz_content) as Record<string, string>;
        expect(biz).toMatchObject({
          out_trade_no: a.outTradeNo,
          total_amount: (o.totalCents / 100).toFixed(2),
          product_code: productCode,
        });
        expect(biz.time_expire).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
        // The signature is the app's: it verifies with the app's public key, and not once a field changes.
        expect(verifyAlipaySignature(params, fake.appKeys.publicKey)).toBe(true);
        expect(
          verifyAlipaySignature(
            {
              ...params,
              biz_content: params.biz_content.replace(/"total_amount":"[^"]+"/, '"total_amount":"0.01"'),
            },
            fake.appKeys.publicKey,
          ),
        ).toBe(false);
        expect(verifyAlipaySignature(params, rsaKeyPair().publicKey)).toBe(false);
        // The fake gateway accepts it as Alipay would, and shows its cashier.
        await openCashier(a);
      }
    });

    it('hands out the open attempt again instead of piling up trades; a foreign return URL is refused', async () => {
      const o = await placeOnline();
      const first = (await pay(o.id, { method: 'alipay_wap', returnUrl: '/shop/orders/x?back=1' }))
        .body as Attempt;
      const again = await pay(o.id, { method: 'alipay_wap', returnUrl: '/shop/orders/x?back=1' });
      expect(again.status).toBe(201);
      expect(again.body).toMatchObject({ id: first.id, outTradeNo: first.outTradeNo, reused: true });
      for (const evil of ['https://evil.example/phish', '//evil.example/x', 'javascript:alert(1)']) {
        const res = await pay(o.id, { method: 'alipay_wap', returnUrl: evil });
        expect(res.status).toBe(400);
        expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(res.body.errors[0].field).toBe('returnUrl');
      }
      const rows = await app.sql(`SELECT 1 FROM payment_attempts WHERE order_id = $1`, [o.id]);
      expect(rows).toHaveLength(1);
    });

    it('refuses what cannot be paid: another customer (404), staff roles, a QR from a customer, a paid order (409)', async () => {
      const o = await placeOnline();
      const other = await fx.customer('+8613866661002');
      expect((await pay(o.id, { method: 'alipay_wap' }, other.token)).status).toBe(404);
      expect((await pay(o.id, { method: 'alipay_wap' }, w.tokens.callCenter)).status).toBe(403);
      const qr = await pay(o.id, { method: 'alipay_qr' });
      expect(qr.status).toBe(403);
      expect(qr.body.code).toBe('method_not_allowed_for_role');
      expect((await pay(o.id, { method: 'bitcoin' })).status).toBe(400);
      const cod = await app
        .http()
        .post('/api/orders')
        .set(auth(customer.token))
        .set('Idempotency-Key', randomUUID())
        .send({
          lines: [{ sku: w.skus.pen, quantity: 1 }],
          fulfillment: { type: 'locker', pickupPointId: w.pointA1.id },
          paymentMethod: 'cod',
        });
      const refused = await pay(cod.body.id, { method: 'alipay_wap' });
      expect(refused.status).toBe(409);
      expect(refused.body).toMatchObject({ code: 'order_not_payable', currentStatus: 'confirmed' });
    });
  });

  describe('notices', () => {
    it('the cashier pays, a signed notice confirms the order and the customer is sent back; a replay is taken and changes nothing', async () => {
      const o = await placeOnline();
      const a = (await pay(o.id, { method: 'alipay_wap' })).body as Attempt;
      const back = await pressPay(a);
      expect(back.origin + back.pathname).toBe(`http://campus.test/shop/orders/${o.id}`);
      expect(back.searchParams.get('out_trade_no')).toBe(a.outTradeNo);
      expect(fake.notices.filter((n) => n.outTradeNo === a.outTradeNo)).toEqual([
        { outTradeNo: a.outTradeNo, status: 200, text: 'success' },
      ]);
      const paid = await order(o.id);
      expect(paid.status === 'confirmed' || paid.status === 'assigned').toBe(true);
      expect(paid.paidAt).not.toBeNull();
      const trade = fake.trades.get(a.outTradeNo)!;
      const attempt = (await payments(o.id)).attempts.find((x) => x.id === a.id)!;
      expect(attempt).toMatchObject({ status: 'paid', tradeNo: trade.tradeNo });
      const receipts = await app.sql<{ method: string; provider_ref: string; amount_cents: string }>(
        `SELECT method, provider_ref, amount_cents FROM payments WHERE order_id = $1`,
        [o.id],
      );
      expect(receipts).toEqual([
        { method: 'alipay', provider_ref: trade.tradeNo, amount_cents: String(o.totalCents) },
      ]);

      // Alipay sends notices again until it hears success: each replay is taken and changes nothing.
      const replay = fake.noticeFor(a.outTradeNo);
      for (let i = 0; i < 3; i++) {
        const res = await postNotice(replay);
        expect(res.status).toBe(200);
        expect(res.headers['content-type']).toMatch(/^text\/plain/);
        expect(res.text).toBe('success');
      }
      const finished = await postNotice(fake.noticeFor(a.outTradeNo, { trade_status: 'TRADE_FINISHED' }));
      expect(finished.text).toBe('success');
      expect((await events(o.id)).filter((e) => e.type === 'pay')).toHaveLength(1);
      expect(await app.sql(`SELECT 1 FROM payments WHERE order_id = $1`, [o.id])).toHaveLength(1);
    });

    it('concurrent copies of one notice confirm once', async () => {
      const o = await placeOnline();
      const a = (await pay(o.id, { method: 'alipay_page' })).body as Attempt;
      await openCashier(a);
      await fake.markPaid(a.outTradeNo);
      const notice = fake.noticeFor(a.outTradeNo);
      const answers = await Promise.all(Array.from({ length: 8 }, () => postNotice(notice)));
      expect(answers.map((r) => r.text)).toEqual(Array(8).fill('success'));
      expect((await events(o.id)).filter((e) => e.type === 'pay')).toHaveLength(1);
      expect(await app.sql(`SELECT 1 FROM payments WHERE order_id = $1`, [o.id])).toHaveLength(1);
    });

    it('forged, tampered, wrong-app, wrong-amount and unknown-trade notices get fail and change nothing', async () => {
      const o = await placeOnline();
      const a = (await pay(o.id, { method: 'alipay_wap' })).body as Attempt;
      await openCashier(a);
      await fake.markPaid(a.outTradeNo);
      const forgedKey = rsaKeyPair().privateKey;
      const valid = fake.noticeFor(a.outTradeNo);
      const cases: [string, Record<string, string>][] = [
        ['signed with another key', fake.noticeFor(a.outTradeNo, {}, forgedKey)],
        ['amount changed after signing', { ...valid, total_amount: '0.01' }],
        ['no signature', Object.fromEntries(Object.entries(valid).filter(([k]) => k !== 'sign'))],
        ['another app', fake.noticeFor(a.outTradeNo, { app_id: '2021000000000000' })],
        [
          'another amount, signed',
          fake.noticeFor(a.outTradeNo, { total_amount: ((o.totalCents - 1) / 100).toFixed(2) }),
        ],
        ['a float amount', fake.noticeFor(a.outTradeNo, { total_amount: '7.8e1' })],
        ['a trade we never opened', fake.noticeFor(a.outTradeNo, { out_trade_no: 'NOT_OURS_123' })],
        ['an unknown status', fake.noticeFor(a.outTradeNo, { trade_status: 'TRADE_PENDING' })],
      ];
      for (const [label, params] of cases) {
        const res = await postNotice(params);
        expect({ label, status: res.status, text: res.text }).toEqual({ label, status: 400, text: 'fail' });
      }
      // A notice that the buyer has not paid yet is taken (Alipay stops sending it) and changes nothing.
      expect((await postNotice(fake.noticeFor(a.outTradeNo, { trade_status: 'WAIT_BUYER_PAY' }))).text).toBe(
        'success',
      );
      expect((await order(o.id)).status).toBe('pending_payment');
      expect(await app.sql(`SELECT 1 FROM payments WHERE order_id = $1`, [o.id])).toHaveLength(0);
      expect((await payments(o.id)).attempts[0].status).toBe('open');
      // The genuine notice is still taken afterwards.
      expect((await postNotice(valid)).text).toBe('success');
      expect((await order(o.id)).paidAt).not.toBeNull();
    });
  });

  it('a refused notice is logged at warn with its identifiers masked', async () => {
    const o = await placeOnline();
    const a = (await pay(o.id, { method: 'alipay_wap' })).body as Attempt;
    await openCashier(a);
    await fake.markPaid(a.outTradeNo);
    const forged = fake.noticeFor(a.outTradeNo, {}, rsaKeyPair().privateKey);
    const chunks: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        chunks.push(chunk.toString('utf8'));
        done();
      },
    });
    await withAnotherApi(
      { ...app.config, logLevel: 'warn' },
      async (api) => {
        const { default: request } = await import('supertest');
        const res = await request(api.getHttpServer())
          .post('/api/payments/alipay/notify')
          .type('form')
          .send(new URLSearchParams(forged).toString());
        expect(res.text).toBe('fail');
      },
      { logDestination: sink },
    );
    const refused = chunks
      .join('')
      .split('\n')
      .filter((l) => l.includes('Alipay notice refused'));
    expect(refused).toHaveLength(1);
    const line = JSON.parse(refused[0]) as { level: number; msg: string };
    expect(line.level).toBe(40); // warn
    expect(line.msg).toContain('bad_signature');
    expect(line.msg).toContain(a.outTradeNo);
    expect(line.msg).not.toContain(forged.trade_no);
    expect(line.msg).not.toContain(forged.buyer_logon_id);
    expect(line.msg).not.toContain(forged.sign);
    expect((await order(o.id)).status).toBe('pending_payment');
  });

  describe('never "paid but shows unpaid"', () => {
    it('the customer comes back from Alipay: sync asks Alipay and confirms (no notice needed)', async () => {
      const o = await placeOnline();
      const a = (await pay(o.id, { method: 'alipay_wap' })).body as Attempt;
      await openCashier(a);
      await fake.markPaid(a.outTradeNo); // paid, but the notice is lost
      const other = await fx.customer('+8613866661003');
      expect((await app.http().post(`/api/orders/${o.id}/payments/sync`).set(auth(other.token))).status).toBe(
        404,
      );

      // Two resets: the SDK's HTTP client (urllib) retries a reset connection once by itself.
      fake.failNext('alipay.trade.query', 2, 'reset');
      const down = await app.http().post(`/api/orders/${o.id}/payments/sync`).set(auth(customer.token));
      expect(down.status).toBe(502);
      expect(down.body.code).toBe('provider_unavailable');
      expect((await order(o.id)).status).toBe('pending_payment');

      const res = await app.http().post(`/api/orders/${o.id}/payments/sync`).set(auth(customer.token));
      expect(res.status).toBe(200);
      expect(res.body.orderStatus).toBe('confirmed');
      expect(res.body.attempts[0]).toMatchObject({
        id: a.id,
        status: 'paid',
        tradeNo: fake.trades.get(a.outTradeNo)!.tradeNo,
      });
      expect(res.body.refunds).toEqual([]);
      const pay1 = (await events(o.id)).find((e) => e.type === 'pay')!;
      expect(pay1.data).toMatchObject({ method: 'alipay', source: 'query', outTradeNo: a.outTradeNo });
    });

    it('a notice that never comes but trade.query says paid: confirmed at the deadline, not cancelled', async () => {
      const o = await placeOnline();
      const a = (await pay(o.id, { method: 'alipay_wap' })).body as Attempt;
      await openCashier(a);
      await fake.markPaid(a.outTradeNo);
      const queriesBefore = fake.callsOf('alipay.trade.query').length;
      clock.advanceMinutes(31);
      const confirmed = await eventually(async () => {
        const now = await order(o.id);
        return now.paidAt !== null && now;
      }, 20_000);
      expect(confirmed.cancelledAt).toBeNull();
      expect(fake.callsOf('alipay.trade.query').length).toBeGreaterThan(queriesBefore);
      const types = (await events(o.id)).map((e) => e.type);
      expect(types).toContain('pay');
      expect(types).not.toContain('cancel');
    });

    it('unpaid at the deadline: Alipay is asked, then the order is cancelled and its trades closed at the gateway', async () => {
      const o = await placeOnline();
      const wap = (await pay(o.id, { method: 'alipay_wap' })).body as Attempt;
      const page = (await pay(o.id, { method: 'alipay_page' })).body as Attempt;
      await openCashier(wap); // this trade exists at Alipay; the page one was never opened
      clock.advanceMinutes(31);
      await eventually(async () => (await order(o.id)).status === 'cancelled', 20_000);
      const cancel = (await events(o.id)).find((e) => e.type === 'cancel')!;
      expect(cancel).toMatchObject({ reason: 'payment window expired', data: { cause: 'unpaid_timeout' } });
      const attempts = (await payments(o.id)).attempts;
      expect(attempts.map((x) => [x.outTradeNo, x.status])).toEqual([
        [wap.outTradeNo, 'closed'],
        [page.outTradeNo, 'closed'],
      ]);
      await eventually(async () => {
        const closed = fake.callsOf('alipay.trade.close').map((c) => c.biz.out_trade_no);
        return closed.includes(wap.outTradeNo) && closed.includes(page.outTradeNo);
      }, 20_000);
      expect(fake.trades.get(wap.outTradeNo)!.status).toBe('TRADE_CLOSED');
      // The queries came before the cancellation.
      const queried = fake.callsOf('alipay.trade.query').filter((c) => c.biz.out_trade_no === wap.outTradeNo);
      expect(queried.length).toBeGreaterThan(0);
      expect(queried[0].at.getTime()).toBeLessThanOrEqual(Date.parse(cancel.at));
    });

    it('Alipay unreachable at the deadline: the order waits (retried, then put off) and is cancelled only once Alipay answers', async () => {
      const o = await placeOnline();
      const a = (await pay(o.id, { method: 'alipay_wap' })).body as Attempt;
      await openCashier(a);
      fake.failNext('alipay.trade.query', 1000, 'http500');
      clock.advanceMinutes(31);
      // Three tries (Bull backoff), then the expiry is put off by a new timer; the order is untouched.
      const deferred = await eventually(
        async () => (await events(o.id)).find((e) => e.type === 'payment_check_deferred'),
        30_000,
      );
      expect(deferred.data).toMatchObject({ deferrals: 1 });
      expect((await order(o.id)).status).toBe('pending_payment');
      expect(
        fake.callsOf('alipay.trade.query').filter((c) => c.biz.out_trade_no === a.outTradeNo).length,
      ).toBeGreaterThanOrEqual(3);

      fake.clearFailures('alipay.trade.query');
      clock.advanceMinutes(3);
      await eventually(async () => (await order(o.id)).status === 'cancelled', 20_000);
      await eventually(async () => fake.trades.get(a.outTradeNo)!.status === 'TRADE_CLOSED', 20_000);
    });
  });

  describe('choosing cash on delivery', () => {
    it('an unpaid online order switches to COD: confirmed at once, attempts closed, its deadline no longer cancels it', async () => {
      const o = await placeOnline();
      const a = (await pay(o.id, { method: 'alipay_wap' })).body as Attempt;
      // Back from a cashier that would not load, the shop asks Alipay: unreachable, a clear problem.
      fake.failNext('alipay.trade.query', 2, 'reset'); // urllib retries a reset once
      const down = await app.http().post(`/api/orders/${o.id}/payments/sync`).set(auth(customer.token));
      expect(down.status).toBe(502);
      expect(down.body).toMatchObject({
        code: 'provider_unavailable',
        title: 'Payment provider unavailable',
      });
      const bad = await app
        .http()
        .post(`/api/orders/${o.id}/payment-method`)
        .set(auth(customer.token))
        .send({ paymentMethod: 'online' });
      expect(bad.status).toBe(400);
      const other = await fx.customer('+8613866661004');
      expect(
        (
          await app
            .http()
            .post(`/api/orders/${o.id}/payment-method`)
            .set(auth(other.token))
            .send({ paymentMethod: 'cod' })
        ).status,
      ).toBe(404);
      const res = await app
        .http()
        .post(`/api/orders/${o.id}/payment-method`)
        .set(auth(customer.token))
        .send({ paymentMethod: 'cod' });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        id: o.id,
        status: 'confirmed',
        paymentMethod: 'cod',
        paymentDueAt: null,
      });
      const again = await app
        .http()
        .post(`/api/orders/${o.id}/payment-method`)
        .set(auth(customer.token))
        .send({ paymentMethod: 'cod' });
      expect(again.status).toBe(409);
      expect((await events(o.id)).map((e) => e.type)).toContain('choose_cod');
      expect((await payments(o.id)).attempts[0]).toMatchObject({
        id: a.id,
        status: 'closed',
        closeReason: 'switched_to_cod',
      });
      const outbox = await app.sql<{ payload: { action: string } }>(
        `SELECT payload FROM outbox WHERE aggregate_id = $1 AND event_type = 'order.status_changed'`,
        [o.id],
      );
      expect(outbox.map((r) => r.payload.action)).toContain('choose_cod');
      await eventually(async () =>
        fake.callsOf('alipay.trade.close').some((c) => c.biz.out_trade_no === a.outTradeNo),
      );
      clock.advanceMinutes(31);
      await new Promise((r) => setTimeout(r, 1500));
      const now = await order(o.id);
      expect(now.cancelledAt).toBeNull();
      expect(now.paymentMethod).toBe('cod');
    });

    it('the payment methods on offer: Alipay when configured, none (cash on delivery only) when not', async () => {
      const on = await app.http().get('/api/payments/methods');
      expect(on.status).toBe(200);
      expect(on.body).toEqual({ methods: ['alipay_wap', 'alipay_page', 'alipay_qr'] });
      const o = await placeOnline();
      await withAnotherApi({ ...app.config, alipay: undefined }, async (api) => {
        const { default: request } = await import('supertest');
        const off = await request(api.getHttpServer()).get('/api/payments/methods');
        expect(off.body).toEqual({ methods: [] });
        const refused = await request(api.getHttpServer())
          .post(`/api/orders/${o.id}/payments`)
          .set(auth(customer.token))
          .send({ method: 'alipay_wap' });
        expect(refused.status).toBe(422);
        expect(refused.body.code).toBe('payment_method_unavailable');
        const notice = await request(api.getHttpServer())
          .post('/api/payments/alipay/notify')
          .type('form')
          .send('a=b');
        expect(notice.text).toBe('fail');
      });
    });
  });

  describe('refunds through Alipay', () => {
    /** A paid (confirmed) online order, paid through the fake cashier. */
    const paidOrder = async () => {
      const o = await placeOnline();
      const a = (await pay(o.id, { method: 'alipay_wap' })).body as Attempt;
      await pressPay(a);
      await eventually(async () => (await order(o.id)).paidAt !== null);
      return { ...o, attempt: a, tradeNo: fake.trades.get(a.outTradeNo)!.tradeNo };
    };

    it('cancelling a paid order writes its refund with the cancel; a transient gateway error first, exactly one refund at Alipay', async () => {
      const o = await paidOrder();
      // The first refund call takes effect at Alipay but its answer is lost (connection reset); the
      // client's own retry meets a 500, so the job fails and the queue tries again later.
      fake.failNext('alipay.trade.refund', 1, 'reset_after');
      fake.failNext('alipay.trade.refund', 1, 'http500');
      const cancel = await app
        .http()
        .post(`/api/orders/${o.id}/cancel`)
        .set(auth(w.tokens.callCenter))
        .send({ reason: 'customer changed mind' });
      expect(cancel.status).toBe(200);
      const [row] = await app.sql<{ status: string; amount_cents: string; method: string; cause: string }>(
        `SELECT status, amount_cents, method, cause FROM refunds WHERE order_id = $1`,
        [o.id],
      );
      expect(row).toMatchObject({ amount_cents: String(o.totalCents), method: 'alipay', cause: 'cancel' });
      expect((await events(o.id)).find((e) => e.type === 'cancel')!.data.refunds).toEqual([
        expect.objectContaining({ amountCents: o.totalCents, method: 'alipay' }),
      ]);
      const done = await eventually(async () => {
        const r = (await payments(o.id, customer.token)).refunds[0];
        return r?.status === 'succeeded' && r;
      }, 20_000);
      expect(done).toMatchObject({
        method: 'alipay',
        amountCents: o.totalCents,
        cause: 'cancel',
        reason: 'customer changed mind',
      });
      expect(done.providerRef).toContain(o.tradeNo);
      const atAlipay = fake.refunds.filter((r) => r.tradeNo === o.tradeNo);
      expect(atAlipay).toEqual([
        expect.objectContaining({ outRequestNo: done.id, refundAmount: (o.totalCents / 100).toFixed(2) }),
      ]);
      expect(
        fake.callsOf('alipay.trade.refund').filter((c) => c.biz.out_request_no === done.id).length,
      ).toBeGreaterThanOrEqual(3);
      expect((await events(o.id)).map((e) => e.type)).toContain('refund_succeeded');
    });

    it("a permanent refusal marks the refund failed with Alipay's reason, visible to the customer and to finance; an admin retry pays it once", async () => {
      const o = await paidOrder();
      fake.failNext('alipay.trade.refund', 1, {
        subCode: 'ACQ.SELLER_BALANCE_NOT_ENOUGH',
        subMsg: '卖家余额不足',
      });
      await app
        .http()
        .post(`/api/orders/${o.id}/cancel`)
        .set(auth(customer.token))
        .send({ reason: 'too slow' })
        .expect(200);
      const failed = await eventually(async () => {
        const r = (await payments(o.id, customer.token)).refunds[0];
        return r?.status === 'failed' && r;
      }, 20_000);
      expect(failed).toMatchObject({
        failureCode: 'ACQ.SELLER_BALANCE_NOT_ENOUGH',
        failureReason: '卖家余额不足',
      });
      const finance = await app
        .http()
        .get('/api/refunds')
        .query({ status: 'failed', method: 'alipay' })
        .set(auth(w.tokens.admin));
      expect(finance.status).toBe(200);
      expect(finance.body.items.map((r: Refund) => r.id)).toContain(failed.id);
      const managerA = await app
        .http()
        .get('/api/refunds')
        .query({ status: 'failed' })
        .set(auth(w.tokens.managerA));
      expect(managerA.body.items.map((r: Refund) => r.id)).toContain(failed.id);
      const managerB = await app.http().get('/api/refunds').set(auth(w.tokens.managerB));
      expect(managerB.body.items.map((r: Refund) => r.id)).not.toContain(failed.id);
      expect(fake.refunds.filter((r) => r.tradeNo === o.tradeNo)).toHaveLength(0);

      expect(
        (await app.http().post(`/api/refunds/${failed.id}/retry`).set(auth(w.tokens.managerA))).status,
      ).toBe(403);
      const retry = await app.http().post(`/api/refunds/${failed.id}/retry`).set(auth(w.tokens.admin));
      expect(retry.status).toBe(200);
      expect(retry.body.status).toBe('pending');
      await eventually(async () => (await payments(o.id)).refunds[0].status === 'succeeded', 20_000);
      expect(fake.refunds.filter((r) => r.tradeNo === o.tradeNo)).toHaveLength(1);
      expect(
        (await app.http().post(`/api/refunds/${failed.id}/paid-out`).set(auth(w.tokens.admin))).body.code,
      ).toBe('not_a_cash_refund');
    });

    it('money that arrives for a cancelled order is refunded automatically, once, whoever notices it first', async () => {
      const o = await placeOnline();
      const a = (await pay(o.id, { method: 'alipay_wap' })).body as Attempt;
      await openCashier(a);
      await fake.markPaid(a.outTradeNo); // paid at Alipay while the customer cancels here
      await app
        .http()
        .post(`/api/orders/${o.id}/cancel`)
        .set(auth(customer.token))
        .send({ reason: 'found it cheaper' })
        .expect(200);
      // Closing the trade finds it paid (the worker), and the notice arrives too: one refund either way.
      expect((await fake.sendNotice(a.outTradeNo)).text).toBe('success');
      const refund = await eventually(async () => {
        const r = (await payments(o.id)).refunds;
        return r.length === 1 && r[0].status === 'succeeded' && r[0];
      }, 20_000);
      expect(refund).toMatchObject({ method: 'alipay', cause: 'late_payment', amountCents: o.totalCents });
      await new Promise((r) => setTimeout(r, 1000));
      expect((await payments(o.id)).refunds).toHaveLength(1);
      expect(fake.refunds.filter((r) => r.outTradeNo === a.outTradeNo)).toHaveLength(1);
      expect((await order(o.id)).status).toBe('cancelled');
      expect((await events(o.id)).map((e) => e.type)).toContain('payment_refund_required');
    });
  });

  describe('an Alipay QR code at the door', () => {
    let d: FulfilmentDriver;
    let site: Site;
    beforeAll(async () => {
      d = new FulfilmentDriver(app, fx, w);
      site = await d.site({ agents: 1 });
    });

    it('the delivering agent shows a QR for an unpaid COD order; paid → delivered with no cash to collect', async () => {
      const o = await d.order(d.doorOrder(site.campus.id, newPhone()));
      const agentId = await d.assigned(o.id);
      const agent = site.agents.find((x) => x.id === agentId)!;
      const early = await pay(o.id, { method: 'alipay_qr' }, agent.token);
      expect(early.status).toBe(409);
      expect(early.body.code).toBe('order_not_payable');
      await d.outForDelivery(o.id, site);
      expect((await pay(o.id, { method: 'alipay_qr' }, w.agentA1.token)).status).toBe(404);

      const res = await pay(o.id, { method: 'alipay_qr' }, agent.token);
      expect(res.status).toBe(201);
      const a = res.body as Attempt;
      expect(a).toMatchObject({
        method: 'alipay_qr',
        amountCents: o.totalCents,
        status: 'open',
        redirectUrl: null,
      });
      expect(a.qrCode).toMatch(/^https:\/\/qr\.alipay\.com\//);
      const precreate = fake
        .callsOf('alipay.trade.precreate')
        .find((c) => c.biz.out_trade_no === a.outTradeNo)!;
      expect(precreate.biz.total_amount).toBe((o.totalCents / 100).toFixed(2));
      expect((await pay(o.id, { method: 'alipay_qr' }, agent.token)).body).toMatchObject({
        id: a.id,
        reused: true,
      });

      await fake.markPaid(a.outTradeNo, { notify: true }); // the customer scans and pays
      expect(fake.notices.find((n) => n.outTradeNo === a.outTradeNo)).toMatchObject({ text: 'success' });
      const paid = await order(o.id);
      expect(paid).toMatchObject({ status: 'out_for_delivery', paymentMethod: 'cod' });
      expect(paid.paidAt).not.toBeNull();
      expect((await events(o.id)).map((e) => e.type)).toContain('cod_paid_online');
      const work = await app.http().get('/api/fulfilment/work').set(auth(agent.token));
      expect(work.body.items.find((i: { order: { id: string } }) => i.order.id === o.id).collectCents).toBe(
        0,
      );

      const withCash = await d.post(agent.token, `/api/orders/${o.id}/deliver`, {
        codCollectedCents: o.totalCents,
      });
      expect(withCash.status).toBe(422);
      expect(withCash.body.code).toBe('nothing_to_collect');
      const delivered = await d.post(agent.token, `/api/orders/${o.id}/deliver`, {});
      expect(delivered.status).toBe(200);
      expect(delivered.body).toMatchObject({ status: 'delivered', codCollectedCents: null });
      expect(await app.sql(`SELECT 1 FROM cod_ledger WHERE order_id = $1`, [o.id])).toHaveLength(0);
      expect(await app.sql(`SELECT method FROM payments WHERE order_id = $1`, [o.id])).toEqual([
        { method: 'alipay' },
      ]);
    });

    it('Alipay unreachable when the QR is asked for: 502 problem+json and nothing written', async () => {
      const o = await d.order(d.doorOrder(site.campus.id, newPhone()));
      const agent = await d.outForDelivery(o.id, site);
      for (const mode of ['reset', 'http500'] as const) {
        fake.failNext('alipay.trade.precreate', mode === 'reset' ? 2 : 1, mode); // urllib retries a reset once
        const res = await pay(o.id, { method: 'alipay_qr' }, agent.token);
        expect(res.status).toBe(502);
        expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(res.body.code).toBe('provider_unavailable');
      }
      expect(await app.sql(`SELECT 1 FROM payment_attempts WHERE order_id = $1`, [o.id])).toHaveLength(0);
      // Alipay refusing the trade for good is a 422 with its reason, nothing written either.
      fake.failNext('alipay.trade.precreate', 1, {
        subCode: 'ACQ.ACCESS_FORBIDDEN',
        subMsg: '无权限使用接口',
      });
      const refused = await pay(o.id, { method: 'alipay_qr' }, agent.token);
      expect(refused.status).toBe(422);
      expect(refused.body).toMatchObject({ code: 'provider_refused', subCode: 'ACQ.ACCESS_FORBIDDEN' });
      expect(await app.sql(`SELECT 1 FROM payment_attempts WHERE order_id = $1`, [o.id])).toHaveLength(0);
      // The agent collects cash instead.
      expect(
        (await d.post(agent.token, `/api/orders/${o.id}/deliver`, { codCollectedCents: o.totalCents }))
          .status,
      ).toBe(200);
    });
  });
});
