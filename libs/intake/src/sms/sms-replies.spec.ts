import { fitsOneSms, firstThatFits, smsSize } from './sms-encoding';
import type { SmsLanguage } from './sms-grammar';
import { SmsReplies } from './sms-replies';

describe('smsSize', () => {
  it('counts GSM-7 septets, with two for extension characters', () => {
    expect(smsSize('Order ¥78.00 @PA1 #AG')).toEqual({ encoding: 'GSM-7', units: 21 });
    expect(smsSize('[a]')).toEqual({ encoding: 'GSM-7', units: 5 });
  });

  it('falls back to UCS-2 for anything outside GSM-7', () => {
    expect(smsSize('订单已确认')).toEqual({ encoding: 'UCS-2', units: 5 });
    expect(smsSize('Reply “YES”')).toEqual({ encoding: 'UCS-2', units: 11 });
  });

  it('knows the single-SMS limits', () => {
    expect(fitsOneSms('a'.repeat(160))).toBe(true);
    expect(fitsOneSms('a'.repeat(161))).toBe(false);
    expect(fitsOneSms('字'.repeat(70))).toBe(true);
    expect(fitsOneSms('字'.repeat(71))).toBe(false);
  });

  it('picks the first variant that fits, else the shortest', () => {
    expect(firstThatFits(['a'.repeat(200), 'short', 'x'])).toBe('short');
    expect(firstThatFits(['字'.repeat(90), '字'.repeat(80)])).toBe('字'.repeat(80));
  });
});

describe('SmsReplies', () => {
  // Realistic worst cases: long product and point names, a 14-character SKU, a 12-digit order number.
  const sku = 'ROUTER-AX3000P';
  const number = '251128000123';
  const quote = {
    sku,
    productName: 'Dual-band Wi-Fi 6 router with four gigabit ports',
    quantity: 12,
    totalCents: 1_234_567_00,
    paymentMethod: 'cod',
    pickupPointCode: 'PKU-EAST-LOBBY',
    pickupPointName: 'East dormitory lobby, building 7',
    minutes: 10,
  };
  const zhQuote = {
    ...quote,
    productName: '双频千兆无线路由器（四个千兆网口）',
    pickupPointName: '东区宿舍七号楼大堂',
  };
  const nearby = ['PKU-EAST-LOBBY', 'PKU-WEST-SHOP', 'PKU-LIB', 'PKU-GYM-DESK'];

  const replies: [string, (lang: SmsLanguage) => string][] = [
    ['quote', (l) => SmsReplies.quote(l, l === 'en' ? quote : zhQuote)],
    [
      'quote (price changed)',
      (l) => SmsReplies.quote(l, { ...(l === 'en' ? quote : zhQuote), priceChanged: true }),
    ],
    ['needPickupPoint', (l) => SmsReplies.needPickupPoint(l, { sku, quantity: 12, nearby })],
    [
      'needPickupPoint (campus unknown)',
      (l) => SmsReplies.needPickupPoint(l, { sku, quantity: 12, nearby: [] }),
    ],
    [
      'unknownPickupPoint',
      (l) => SmsReplies.unknownPickupPoint(l, { code: 'NOWHERE-123', sku, quantity: 12, nearby }),
    ],
    ['unknownSku', (l) => SmsReplies.unknownSku(l, { sku: 'NO-SUCH-PRODUCT-X' })],
    ['outOfStock (some left)', (l) => SmsReplies.outOfStock(l, { sku, available: 998, requested: 999 })],
    ['outOfStock (none left)', (l) => SmsReplies.outOfStock(l, { sku, available: 0, requested: 999 })],
    ['unknownAgentCode', (l) => SmsReplies.unknownAgentCode(l, { code: 'ZZZZZZZZZZ' })],
    ...(['missing_sku', 'bad_sku', 'bad_quantity', 'bad_pickup_code', 'bad_agent_code'] as const).map(
      (problem): [string, (l: SmsLanguage) => string] => [
        `invalid ${problem}`,
        (l) => SmsReplies.invalid(l, { keyword: 'buy', problem }),
      ],
    ),
    [
      'invalid order number',
      (l) => SmsReplies.invalid(l, { keyword: 'cancel', problem: 'bad_order_number' }),
    ],
    [
      'confirmed',
      (l) =>
        SmsReplies.confirmed(l, {
          number,
          totalCents: 1_234_567_00,
          paymentMethod: 'cod',
          pickupPointCode: 'PKU-EAST-LOBBY',
        }),
    ],
    ['alreadyPlaced', (l) => SmsReplies.alreadyPlaced(l, { number })],
    ['quoteExpired', (l) => SmsReplies.quoteExpired(l, { minutes: 10 })],
    ['noQuote', (l) => SmsReplies.noQuote(l)],
    ['quoteDiscarded', (l) => SmsReplies.quoteDiscarded(l)],
    [
      'status',
      (l) =>
        SmsReplies.status(l, {
          number,
          status: 'out_for_delivery',
          totalCents: 1_234_567_00,
          paymentMethod: 'cod',
        }),
    ],
    ['orderNotFound', (l) => SmsReplies.orderNotFound(l, { number })],
    ['noOrders', (l) => SmsReplies.noOrders(l)],
    ['cancelNeedsNumber', (l) => SmsReplies.cancelNeedsNumber(l)],
    ['cancelled', (l) => SmsReplies.cancelled(l, { number })],
    ['cannotCancel', (l) => SmsReplies.cannotCancel(l, { number, status: 'out_for_delivery' })],
    ['orderFailed', (l) => SmsReplies.orderFailed(l)],
    ['help', (l) => SmsReplies.help(l)],
    ['unknown', (l) => SmsReplies.unknown(l)],
    ['stopped', (l) => SmsReplies.stopped(l)],
    ['started', (l) => SmsReplies.started(l)],
    ['rateLimited', (l) => SmsReplies.rateLimited(l, { minutes: 10 })],
  ];

  describe.each(replies)('%s', (_name, reply) => {
    it('fits one GSM-7 SMS (160) in English', () => {
      const text = reply('en');
      expect(smsSize(text)).toEqual({ encoding: 'GSM-7', units: expect.any(Number) });
      expect(smsSize(text).units).toBeLessThanOrEqual(160);
      expect(text).not.toMatch(/undefined|NaN|null|\[object/);
    });

    it('fits one UCS-2 SMS (70) in Chinese', () => {
      const text = reply('zh-CN');
      expect(smsSize(text).encoding).toBe('UCS-2');
      expect(smsSize(text).units).toBeLessThanOrEqual(70);
      expect(text).toMatch(/[\u4e00-\u9fff]/);
      expect(text).not.toMatch(/undefined|NaN|null|\[object/);
    });
  });

  it('a quote names the items, the total, the payment, the place and the deadline', () => {
    const short = {
      ...quote,
      productName: 'USB stick',
      pickupPointName: 'Shop',
      pickupPointCode: 'PA1',
      quantity: 2,
      totalCents: 7800,
    };
    expect(SmsReplies.quote('en', short)).toBe(
      `Quote: 2 x ${sku} USB stick, total ¥78.00, cash on delivery, to pickup point PA1 (Shop). Reply YES within 10 minutes to confirm.`,
    );
    expect(SmsReplies.quote('zh-CN', { ...short, productName: 'U盘', pickupPointName: '小卖部' })).toBe(
      `报价：U盘(${sku})×2，共¥78.00，货到付款，送至小卖部(PA1)。10分钟内回复“是”确认。`,
    );
  });

  it('drops detail rather than going over one SMS', () => {
    const en = SmsReplies.quote('en', quote);
    expect(en).toContain(sku);
    expect(en).toContain('¥1234567.00');
    expect(en).toContain('PKU-EAST-LOBBY');
    expect(en).toContain('YES within 10 minutes');
    const zh = SmsReplies.quote('zh-CN', zhQuote);
    expect(zh).toContain('货到付款');
    expect(zh).toContain('10分钟内回复“是”确认');
  });

  it('lists as many nearby pickup points as fit', () => {
    const text = SmsReplies.needPickupPoint('en', { sku: 'USB-32G', quantity: 2, nearby: ['PA1', 'SA1'] });
    expect(text).toBe('Which pickup point? Send BUY USB-32G 2 @<code>. Pickup points near you: PA1, SA1');
  });
});
