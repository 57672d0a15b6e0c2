import { randomBytes, randomUUID } from 'node:crypto';
import twilio from 'twilio';
import { Clock } from '@campus/core';
import type { Fixtures, TestApp, World } from '@campus/testing';
import { eventually, phoneOrder } from '@campus/testing';
import { auth, startApp } from './support/app';

/** Real time, shifted on demand: quotes expire and timers come due without sleeping. */
class ShiftedClock extends Clock {
  private offset = 0;
  private readonly listeners = new Set<() => void>();
  get offsetMs(): number {
    return this.offset;
  }
  /** A jump: the outbox relay, which sleeps until its next timer, looks again. */
  set offsetMs(ms: number) {
    this.offset = ms;
    for (const l of this.listeners) l();
  }
  now(): Date {
    return new Date(Date.now() + this.offset);
  }
  override onJump(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

const WEBHOOK_PATH = '/api/channels/sms/twilio';
const OUR_NUMBER = '+8613912345678';
/** The ideographic (full-width) space Chinese keyboards type. */
const SP = '\u3000';

function unescapeXml(s: string): string {
  return s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
}

/** Timeline entries written by fulfilment's auto-assignment, asynchronously. */
const ASSIGNMENT_ENTRIES = new Set(['assign', 'unassign', 'assignment_pending']);

describe('SMS ordering channel over Twilio (e2e)', () => {
  const clock = new ShiftedClock();
  let app: TestApp;
  let fx: Fixtures;
  let w: World;

  beforeAll(async () => {
    ({ app, fx } = await startApp({ worker: true, clock, env: { PAYMENT_WINDOW_MINUTES: '60' } }));
    w = await fx.world();
  });
  afterAll(() => app?.close());
  afterEach(() => {
    clock.offsetMs = 0;
  });

  const webhookUrl = () => `${app.config.publicBaseUrl}${WEBHOOK_PATH}`;
  const newSid = () => `SM${randomBytes(16).toString('hex')}`;

  /** The form Twilio posts for an inbound text, signed the way Twilio signs it. */
  function twilioRequest(from: string, body: string, sid = newSid()) {
    const params: Record<string, string> = {
      ToCountry: 'CN',
      SmsMessageSid: sid,
      NumMedia: '0',
      SmsSid: sid,
      SmsStatus: 'received',
      Body: body,
      To: OUR_NUMBER,
      NumSegments: '1',
      MessageSid: sid,
      AccountSid: `AC${'0'.repeat(32)}`,
      From: from,
      ApiVersion: '2010-04-01',
    };
    const signature = twilio.getExpectedTwilioSignature(app.config.twilio.authToken!, webhookUrl(), params);
    return { params, signature, sid };
  }

  async function post(params: Record<string, string>, signature?: string) {
    const req = app.http().post(WEBHOOK_PATH).type('form');
    if (signature !== undefined) req.set('X-Twilio-Signature', signature);
    const res = await req.send(params);
    const m = res.text.match(/<Message>([\s\S]*)<\/Message>/);
    return { status: res.status, res, reply: m ? unescapeXml(m[1]) : null };
  }

  /** Texts `body` from `from` and returns the TwiML reply's text. */
  async function text(from: string, body: string, sid?: string): Promise<string> {
    const { params, signature } = twilioRequest(from, body, sid);
    const { status, res, reply } = await post(params, signature);
    expect(status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/xml/);
    expect(res.text).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?><Response>/);
    if (reply === null) throw new Error(`no <Message> in ${res.text}`);
    return reply;
  }

  /** An order through the HTTP API (another channel), as a signed-in caller. */
  async function placeOrder(token: string, body: object): Promise<{ id: string; number: string }> {
    const res = await app
      .http()
      .post('/api/orders')
      .set(auth(token))
      .set('Idempotency-Key', randomUUID())
      .send(body);
    expect(res.status).toBe(201);
    return res.body;
  }

  const orderNumberIn = (reply: string, pattern: RegExp) => {
    const m = reply.match(pattern);
    if (!m) throw new Error(`no order number in "${reply}"`);
    return m[1];
  };
  const count = async (sql: string, params: unknown[]) =>
    (await app.sql<{ n: number }>(`SELECT count(*)::int AS n FROM ${sql}`, params))[0].n;
  const stockOf = async (sku: string) =>
    (await app.http().get(`/api/products/${sku}`).set(auth(w.tokens.admin))).body.stock as {
      reserved: number;
      available: number;
    };
  const ordersOf = async (phone: string) =>
    (await app.http().get('/api/orders').query({ phone, limit: 200 }).set(auth(w.tokens.admin))).body
      .items as {
      id: string;
      number: string;
      channel: string;
      status: string;
      totalCents: number;
      paymentMethod: string;
      customer: { phone: string };
      fulfillment: { type: string; pickupPointId: string };
    }[];
  const timeline = async (orderId: string) =>
    (await app.http().get(`/api/orders/${orderId}/events`).query({ texts: false }).set(auth(w.tokens.admin)))
      .body as {
      type: string;
      channel: string | null;
      actor: { role: string };
      data: Record<string, unknown>;
    }[];

  describe('a whole conversation', () => {
    it('English: BUY → YES → STATUS → CANCEL, one order through the one order service, all on its timeline', async () => {
      const phone = '+8613600000101';
      const before = await stockOf(w.skus.usb);
      expect(await count('customers WHERE phone = $1', [phone])).toBe(0);

      const quote = await text(phone, `BUY ${w.skus.usb} 2 @${w.pointA1.code}`);
      expect(quote).toBe(
        `Quote: 2 x ${w.skus.usb} Product ${w.skus.usb}, total ¥78.00, cash on delivery, to pickup point ` +
          `${w.pointA1.code} (Point PA1). Reply YES within 10 minutes to confirm.`,
      );
      // A quote reserves nothing and creates no customer yet.
      expect((await stockOf(w.skus.usb)).reserved).toBe(before.reserved);
      expect(await count('customers WHERE phone = $1', [phone])).toBe(0);

      const confirmed = await text(phone, 'yes');
      const number = orderNumberIn(
        confirmed,
        /^Order (\d+) confirmed: ¥78\.00, cash on delivery, pickup point /,
      );
      const [order] = await ordersOf(phone);
      expect(order).toMatchObject({
        number,
        channel: 'sms',
        // Auto-assignment (fulfilment) may already have given it to an agent.
        status: expect.stringMatching(/^(confirmed|assigned)$/),
        totalCents: 7800,
        paymentMethod: 'cod',
        customer: { phone },
        fulfillment: { type: 'locker', pickupPointId: w.pointA1.id },
      });
      expect(await count('customers WHERE phone = $1', [phone])).toBe(1);
      expect((await stockOf(w.skus.usb)).reserved).toBe(before.reserved + 2);

      expect(await text(phone, `STATUS ${number}`)).toMatch(
        new RegExp(`^Order ${number}: (confirmed|with an agent), ¥78\\.00, cash on delivery\\.$`),
      );
      expect(await text(phone, `cancel ${number}`)).toBe(
        `Order ${number} is cancelled. Nothing will be delivered or charged.`,
      );
      expect((await ordersOf(phone))[0].status).toBe('cancelled');
      expect((await stockOf(w.skus.usb)).reserved).toBe(before.reserved);
      expect(await text(phone, `CANCEL ${number}`)).toBe(
        `Order ${number} can no longer be cancelled: it is cancelled.`,
      );

      // The SMS conversation and the customer's own moves; assignment entries arrive at their own pace.
      const events = (await timeline(order.id)).filter((e) => !ASSIGNMENT_ENTRIES.has(e.type));
      expect(events.map((e) => e.type)).toEqual([
        'placed',
        'sms_in',
        'sms_quote',
        'sms_in',
        'sms_out',
        'sms_in',
        'sms_out',
        'sms_in',
        'cancel',
        'sms_out',
        'sms_in',
        'sms_out',
      ]);
      expect(events[0]).toMatchObject({ channel: 'sms', actor: { role: 'customer' } });
      expect(events[1].data).toMatchObject({ body: `BUY ${w.skus.usb} 2 @${w.pointA1.code}` });
      expect(events[2].data).toMatchObject({ body: quote, sku: w.skus.usb, quantity: 2, totalCents: 7800 });
      expect(events[3].data).toMatchObject({ body: 'yes' });
      expect(events[4].data).toMatchObject({ body: confirmed });
      expect(events[8]).toMatchObject({ type: 'cancel', actor: { role: 'customer' } });
      const quoteRow = await app.sql<{ id: string; status: string; order_id: string }>(
        `SELECT id, status, order_id FROM sms_quotes WHERE phone = $1`,
        [phone],
      );
      expect(quoteRow).toEqual([{ id: events[0].data.smsQuoteId, status: 'placed', order_id: order.id }]);
      // Every text in and its reply is stored, and linked to the order.
      const messages = await app.sql<{ body: string; reply_body: string; order_id: string }>(
        `SELECT body, reply_body, order_id FROM sms_messages WHERE from_phone = $1 ORDER BY received_at`,
        [phone],
      );
      expect(messages).toHaveLength(5);
      expect(messages.every((m) => m.order_id === order.id && m.reply_body.length > 0)).toBe(true);

      // The pickup point used becomes the default: the next BUY needs no @code.
      expect(await text(phone, `BUY ${w.skus.pen}`)).toContain(`to pickup point ${w.pointA1.code}`);
      // The language the customer writes in reaches the notification preferences.
      await eventually(async () => {
        const [p] = await app.sql<{ language: string }>(
          `SELECT language FROM sms_preferences WHERE phone = $1`,
          [phone],
        );
        return p?.language === 'en';
      });
    });

    it('Chinese, typed messily: 买 → 是 → 查询 → 取消, answered in Chinese', async () => {
      const phone = '+8613600000102';
      const code = w.pointA1.code.replace(/[A-Z0-9]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));
      const quote = await text(phone, `买${SP}${w.skus.usb.toLowerCase()}${SP} ２${SP}＠${code}`);
      expect(quote).toBe(
        // Product and point names are shortened or dropped to keep one 70-character SMS.
        `报价：${w.skus.usb}×2，共¥78.00，货到付款，送至Point P…(${w.pointA1.code})。10分钟内回复“是”确认。`,
      );
      const confirmed = await text(phone, '是');
      const number = orderNumberIn(confirmed, /^订单(\d+)已确认：¥78\.00，货到付款，自提点/);
      const [order] = await ordersOf(phone);
      expect(order).toMatchObject({ number, channel: 'sms', totalCents: 7800 });
      expect(['confirmed', 'assigned']).toContain(order.status);

      const fullWidthNumber = number.replace(/\d/g, (d) => String.fromCharCode(d.charCodeAt(0) + 0xfee0));
      const statusReply = await text(phone, `查询 ${fullWidthNumber}`);
      expect(statusReply).toMatch(new RegExp(`^订单${number}：(已确认|已分配配送员)，¥78\\.00，货到付款。$`));
      expect(await text(phone, `取消${number}`)).toBe(`订单${number}已取消，不会配送也不会收费。`);
      expect((await ordersOf(phone))[0].status).toBe('cancelled');
      expect(
        (await timeline(order.id)).filter((e) => e.type.startsWith('sms_')).map((e) => e.data.body),
      ).toEqual([
        `买${SP}${w.skus.usb.toLowerCase()}${SP} ２${SP}＠${code}`,
        quote,
        '是',
        confirmed,
        `查询 ${fullWidthNumber}`,
        statusReply,
        `取消${number}`,
        `订单${number}已取消，不会配送也不会收费。`,
      ]);
      await eventually(async () => {
        const [p] = await app.sql<{ language: string }>(
          `SELECT language FROM sms_preferences WHERE phone = $1`,
          [phone],
        );
        return p?.language === 'zh-CN';
      });
    });

    it('HELP and anything else get an answer in the language they were written in', async () => {
      const phone = '+8613600000103';
      const help = twilioRequest(phone, 'help');
      const raw = (await post(help.params, help.signature)).res.text;
      expect(raw).toMatch(
        /^<\?xml version="1.0" encoding="UTF-8"\?><Response><Message>Campus Orders: BUY &lt;code&gt; &lt;qty&gt;.*<\/Message><\/Response>$/,
      );
      expect(await text(phone, '帮助')).toMatch(/^发送“买 商品代码 数量 @自提点”获取报价/);
      expect(await text(phone, 'hello there')).toMatch(/^Sorry, we did not understand\. Send BUY/);
      expect(await text(phone, '你好')).toMatch(/^抱歉，没看懂/);
      expect(await text(phone, 'BUY USB-32G 0')).toMatch(
        /^The quantity must be a whole number from 1 to 999/,
      );
      expect(await text(phone, 'YES')).toMatch(/^There is nothing to confirm/);
    });
  });

  describe('Twilio signature', () => {
    it('a forged, missing or replayed-elsewhere signature is 403 problem+json and stores nothing', async () => {
      const phone = '+8613600000201';
      const { params, signature } = twilioRequest(phone, `BUY ${w.skus.usb} 1 @${w.pointA1.code}`);
      const forged = await post(params, Buffer.from('not a signature').toString('base64'));
      expect(forged.status).toBe(403);
      expect(forged.res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(forged.res.body).toMatchObject({ status: 403, code: 'bad_signature' });
      expect((await post(params)).status).toBe(403);
      // Signed by the right key for another URL, or with the text changed after signing.
      const otherUrl = twilio.getExpectedTwilioSignature(
        app.config.twilio.authToken!,
        'http://elsewhere.test/api/channels/sms/twilio',
        params,
      );
      expect((await post(params, otherUrl)).status).toBe(403);
      expect((await post({ ...params, Body: `BUY ${w.skus.usb} 99` }, signature)).status).toBe(403);
      // Signed with another account's token.
      const otherToken = twilio.getExpectedTwilioSignature('someone-elses-token', webhookUrl(), params);
      expect((await post(params, otherToken)).status).toBe(403);

      expect(await count('sms_messages WHERE from_phone = $1', [phone])).toBe(0);
      expect(await count('sms_quotes WHERE phone = $1', [phone])).toBe(0);
      expect(await count(`outbox WHERE payload->>'phone' = $1`, [phone])).toBe(0);
      // The genuine request goes through.
      expect((await post(params, signature)).reply).toMatch(/^Quote: 1 x /);
    });

    it('a signed request without the fields Twilio always sends is 400, not 500', async () => {
      const params = { Body: 'HELP', From: 'not-a-phone', MessageSid: 'x' };
      const signature = twilio.getExpectedTwilioSignature(app.config.twilio.authToken!, webhookUrl(), params);
      const res = await post(params, signature);
      expect(res.status).toBe(400);
      expect(res.res.body.errors.map((e: { field: string }) => e.field).sort()).toEqual([
        'From',
        'MessageSid',
      ]);
    });
  });

  describe("Twilio's retries", () => {
    it('a replayed MessageSid gets the same reply and creates nothing new', async () => {
      const phone = '+8613600000301';
      const buy = twilioRequest(phone, `BUY ${w.skus.pen} 3 @${w.pointA1.code}`);
      const first = await post(buy.params, buy.signature);
      const again = await post(buy.params, buy.signature);
      expect(again.res.text).toBe(first.res.text);
      expect(await count('sms_quotes WHERE phone = $1', [phone])).toBe(1);

      const yes = twilioRequest(phone, 'YES');
      // Twilio may retry while the first delivery is still being handled.
      const answers = await Promise.all(Array.from({ length: 5 }, () => post(yes.params, yes.signature)));
      expect(new Set(answers.map((a) => a.res.text)).size).toBe(1);
      expect(answers[0].reply).toMatch(/^Order \d+ confirmed/);
      const later = await post(yes.params, yes.signature);
      expect(later.res.text).toBe(answers[0].res.text);

      expect(await ordersOf(phone)).toHaveLength(1);
      expect(await count('sms_messages WHERE from_phone = $1', [phone])).toBe(2);
      expect(
        await count('idempotency_keys k JOIN orders o ON o.id = k.order_id WHERE o.customer_phone = $1', [
          phone,
        ]),
      ).toBe(1);
      // A second YES (a new message) does not place the quote twice either.
      expect(await text(phone, 'Y')).toMatch(/^That quote is already order \d+/);
      expect(await ordersOf(phone)).toHaveLength(1);
    });
  });

  describe('quotes', () => {
    it('an expired quote is not placed and says so', async () => {
      const phone = '+8613600000401';
      await text(phone, `BUY ${w.skus.usb} 1 @${w.pointA1.code}`);
      clock.offsetMs = 11 * 60_000;
      expect(await text(phone, 'YES')).toBe(
        'Your quote has expired (quotes last 10 minutes) and nothing was ordered. Send BUY <code> <quantity> for a new one.',
      );
      expect(await text(phone, '确认')).toBe(
        '报价已过期（有效10分钟），未下单。请重新发送“买 商品代码 数量”。',
      );
      expect(await ordersOf(phone)).toHaveLength(0);
      expect(await count('customers WHERE phone = $1', [phone])).toBe(0);
      // A fresh quote works.
      await text(phone, `BUY ${w.skus.usb} 1 @${w.pointA1.code}`);
      expect(await text(phone, 'YES')).toMatch(/^Order \d+ confirmed/);
    });

    it('a price change between quote and YES gets a new quote instead of a surprise total', async () => {
      const phone = '+8613600000409';
      const sku = await fx.product(`PRICE-${randomUUID().slice(0, 6)}`, { priceCents: 1000, stock: 10 });
      expect(await text(phone, `BUY ${sku} 2 @${w.pointA1.code}`)).toContain('total ¥20.00');
      await app
        .http()
        .patch(`/api/products/${sku}`)
        .set(auth(w.tokens.admin))
        .send({ priceCents: 1200 })
        .expect(200);
      expect(await text(phone, 'YES')).toMatch(
        /^Price changed\. New quote: 2 x .*total ¥24\.00.*Reply YES within 10/,
      );
      expect(await ordersOf(phone)).toHaveLength(0);
      expect((await stockOf(sku)).reserved).toBe(0);
      expect(await text(phone, 'YES')).toMatch(/^Order \d+ confirmed: ¥24\.00/);
      expect((await ordersOf(phone))[0].totalCents).toBe(2400);
    });

    it('an unknown SKU gets a helpful reply and no quote', async () => {
      const phone = '+8613600000402';
      expect(await text(phone, `BUY NOPE-${w.suffix} 1 @${w.pointA1.code}`)).toBe(
        `Sorry, we have no product NOPE-${w.suffix}. Check the product code and send BUY <code> <quantity>, or HELP.`,
      );
      expect(await text(phone, `买 NOPE-${w.suffix}`)).toBe(
        `抱歉，没有商品NOPE-${w.suffix}。请核对商品代码后回复“买 代码 数量”，或发送“帮助”。`,
      );
      expect(await count('sms_quotes WHERE phone = $1', [phone])).toBe(0);
    });

    it('out of stock: at quote time, and when the last units sell before YES', async () => {
      const phone = '+8613600000403';
      const sku = await fx.product(`LAST-${randomUUID().slice(0, 6)}`, { stock: 1 });
      expect(await text(phone, `BUY ${sku} 3 @${w.pointA1.code}`)).toBe(
        `Sorry, only 1 of ${sku} left (you asked for 3). Send BUY ${sku} 1 to take them.`,
      );
      expect(await count('sms_quotes WHERE phone = $1', [phone])).toBe(0);

      expect(await text(phone, `BUY ${sku} 1 @${w.pointA1.code}`)).toMatch(/^Quote: 1 x /);
      // Someone else takes the last unit through the call centre.
      await placeOrder(w.tokens.callCenter, phoneOrder(w, { sku }));
      const before = await app.sql(`SELECT count(*)::int AS n FROM idempotency_keys`);
      expect(await text(phone, 'YES')).toBe(
        `Sorry, ${sku} is out of stock right now. Please try again in a few days, or send HELP.`,
      );
      expect(await ordersOf(phone)).toHaveLength(0);
      expect(await app.sql(`SELECT count(*)::int AS n FROM idempotency_keys`)).toEqual(before);
      expect(await text(phone, `买 ${sku}`)).toBe(`抱歉，${sku}暂时缺货，请过几天再试。`);
      // The refused YES is still stored with its reply.
      expect(
        await count(
          `sms_messages WHERE from_phone = $1 AND command = 'confirm' AND reply_body LIKE 'Sorry%'`,
          [phone],
        ),
      ).toBe(1);
    });

    it('without a pickup point it asks for one, listing nearby codes when the campus is known', async () => {
      const stranger = '+8613600000404';
      expect(await text(stranger, `BUY ${w.skus.usb} 2`)).toBe(
        `Which pickup point? Send BUY ${w.skus.usb} 2 @<code>, with the code of a pickup point.`,
      );
      // A customer known from an earlier phone order on campus A1.
      const known = '+8613600000405';
      await placeOrder(w.tokens.callCenter, {
        ...phoneOrder(w, { phone: known }),
        fulfillment: { type: 'delivery', campusId: w.campusA1.id, address: 'Dorm 5' },
      });
      const codes = [w.pointA1.code, w.shopA1.code].sort();
      expect(await text(known, `BUY ${w.skus.usb} 2`)).toBe(
        `Which pickup point? Send BUY ${w.skus.usb} 2 @<code>. Pickup points near you: ${codes.join(', ')}`,
      );
      expect(await text(known, `买 ${w.skus.usb} 2`)).toBe(
        `请告诉我们送到哪个自提点：回复“买 ${w.skus.usb} 2 @代码”。附近自提点：${codes.join('、')}`,
      );
      expect(await text(known, `BUY ${w.skus.usb} 2 @NOWHERE`)).toBe(
        `There is no pickup point NOWHERE. Send BUY ${w.skus.usb} 2 @<code> with one near you: ${codes.join(', ')}.`,
      );
      expect(await count('sms_quotes WHERE phone = ANY($1)', [[stranger, known]])).toBe(0);
      // A counter point without a locker gets counter fulfilment; an agent code attributes the order.
      await text(known, `BUY ${w.skus.usb} 2 @${w.shopA1.code} #${w.agentA1.referralCode.toLowerCase()}`);
      await text(known, 'YES');
      const sms = (await ordersOf(known)).find((o) => o.channel === 'sms')!;
      const full = (await app.http().get(`/api/orders/${sms.id}`).set(auth(w.tokens.admin))).body;
      expect(full).toMatchObject({
        fulfillment: { type: 'counter', pickupPointId: w.shopA1.id },
        agentId: w.agentA1.id,
      });
      expect(await text(known, `BUY ${w.skus.usb} 1 @${w.shopA1.code} #NOSUCH`)).toBe(
        'Agent code NOSUCH is not known. Send your order again with the right code, or without it.',
      );
    });

    it('STATUS and CANCEL only reach the sender’s own orders', async () => {
      const owner = '+8613600000406';
      const other = '+8613600000407';
      await text(owner, `BUY ${w.skus.pen} 1 @${w.pointA1.code}`);
      const number = orderNumberIn(await text(owner, 'YES'), /^Order (\d+) confirmed/);
      await text(other, `BUY ${w.skus.pen} 1 @${w.pointA1.code}`);
      await text(other, 'YES');
      expect(await text(other, `STATUS ${number}`)).toBe(
        `We found no order ${number} for this phone number. Please check the number.`,
      );
      expect(await text(other, `CANCEL ${number}`)).toBe(
        `We found no order ${number} for this phone number. Please check the number.`,
      );
      expect(await text('+8613600000408', `STATUS ${number}`)).toMatch(/^We found no order/);
      expect(['confirmed', 'assigned']).toContain((await ordersOf(owner))[0].status);
      expect(await text(owner, 'STATUS')).toMatch(
        new RegExp(`^Order ${number}: (confirmed|with an agent), ¥5\\.00, cash on delivery\\.$`),
      );
    });
  });

  describe('rate limit', () => {
    it('20 messages per 10 minutes per number; past it, one polite answer, then silence, and no order', async () => {
      const phone = '+8613600000501';
      expect(await text(phone, `BUY ${w.skus.pen} 1 @${w.pointA1.code}`)).toMatch(/^Quote/);
      for (let i = 2; i <= 20; i++) expect(await text(phone, 'HELP')).toMatch(/^Campus Orders/);

      expect(await text(phone, 'YES')).toBe(
        'You have sent many messages in a short time. Please wait 10 minutes, then try again. Thank you!',
      );
      const again = twilioRequest(phone, 'YES');
      const quiet = await post(again.params, again.signature);
      expect(quiet.status).toBe(200);
      expect(quiet.res.text).toBe('<?xml version="1.0" encoding="UTF-8"?><Response/>');
      expect(await ordersOf(phone)).toHaveLength(0);
      // Other numbers are not affected, and opting out always works.
      expect(await text('+8613600000502', 'HELP')).toMatch(/^Campus Orders/);
      expect(await text(phone, 'STOP')).toMatch(/^You are unsubscribed/);
      // Counted in PostgreSQL over a sliding window: ten minutes later the number may text again.
      clock.offsetMs = 10 * 60_000 + 1000;
      expect(await text(phone, 'HELP')).toMatch(/^Campus Orders/);
      const limited = await count(`sms_messages WHERE from_phone = $1 AND command = 'rate_limited'`, [phone]);
      expect(limited).toBe(2);
    });
  });

  describe('STOP / START', () => {
    const placeOnlineOrder = async (token: string) => {
      // Placed 40 minutes "ago" on a 60-minute payment window: its reminder (half-way) is due now,
      // its expiry not yet.
      clock.offsetMs = -40 * 60_000;
      try {
        return await placeOrder(token, {
          lines: [{ sku: w.skus.pen, quantity: 1 }],
          fulfillment: { type: 'locker', pickupPointId: w.pointA1.id },
          paymentMethod: 'online',
        });
      } finally {
        clock.offsetMs = 0;
      }
    };
    const reminderFor = (phone: string, orderId: string) =>
      eventually(async () => {
        const res = await app
          .http()
          .get('/api/notifications')
          .query({ to: phone, type: 'payment_reminder', orderId })
          .set(auth(w.tokens.admin));
        return res.body.items[0] as { status: string; body: string } | undefined;
      }, 20_000);

    it('after STOP a payment reminder is not sent; after START it is', async () => {
      const phone = '+8613600000601';
      expect(await text(phone, 'STOP')).toBe(
        'You are unsubscribed: no more texts from Campus Orders except codes you ask for. Send START to subscribe again.',
      );
      await eventually(async () => {
        const [p] = await app.sql<{ opted_out: boolean }>(
          `SELECT opted_out FROM sms_preferences WHERE phone = $1`,
          [phone],
        );
        return p?.opted_out === true;
      });

      // Sign-in codes still reach an opted-out number (kind "code"); the web order's reminder does not.
      const customer = await fx.customer(phone);
      const suppressedOrder = await placeOnlineOrder(customer.token);
      const suppressed = await reminderFor(phone, suppressedOrder.id);
      expect(suppressed.status).toBe('suppressed');
      expect(suppressed.body).toMatch(/unpaid/);

      expect(await text(phone, 'start')).toBe(
        'You are subscribed to Campus Orders texts again. Send HELP for commands.',
      );
      await eventually(async () => {
        const [p] = await app.sql<{ opted_out: boolean }>(
          `SELECT opted_out FROM sms_preferences WHERE phone = $1`,
          [phone],
        );
        return p?.opted_out === false;
      });
      const sentOrder = await placeOnlineOrder(customer.token);
      const sent = await reminderFor(phone, sentOrder.id);
      expect(sent.status).not.toBe('suppressed');
      // Written in English, so the reminder went out in English.
      expect(sent.body).toMatch(/^\[Campus Orders\] Order \d+ .* is unpaid/);
    });

    it('退订 opts out in Chinese and is answered in Chinese', async () => {
      const phone = '+8613600000602';
      expect(await text(phone, '退订')).toBe('已退订：除您申请的验证码外不再发送短信。发送“订阅”可恢复。');
      await eventually(async () => {
        const [p] = await app.sql<{ opted_out: boolean; language: string }>(
          `SELECT opted_out, language FROM sms_preferences WHERE phone = $1`,
          [phone],
        );
        return p?.opted_out === true && p.language === 'zh-CN';
      });
    });
  });
});
