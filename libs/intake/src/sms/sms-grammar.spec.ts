import { detectLanguage, normalizeSms, parseSms, SmsCommand } from './sms-grammar';

const buy = (
  sku: string,
  quantity = 1,
  pickupPointCode: string | null = null,
  agentCode: string | null = null,
): SmsCommand => ({ kind: 'buy', sku, quantity, pickupPointCode, agentCode });
const invalid = (keyword: 'buy' | 'status' | 'cancel', problem: string): SmsCommand =>
  ({ kind: 'invalid', keyword, problem }) as SmsCommand;

describe('parseSms', () => {
  const table: [string, SmsCommand][] = [
    // BUY, English
    ['BUY USB-32G 2', buy('USB-32G', 2)],
    ['buy usb-32g 2', buy('USB-32G', 2)],
    ['Buy Usb-32g', buy('USB-32G', 1)],
    ['  BUY    USB-32G     3   ', buy('USB-32G', 3)],
    ['BUY USB-32G 2 @pa1', buy('USB-32G', 2, 'PA1')],
    ['BUY USB-32G 2 @PA1 #ag7k2q', buy('USB-32G', 2, 'PA1', 'AG7K2Q')],
    ['BUY USB-32G #AG7K2Q @PA1', buy('USB-32G', 1, 'PA1', 'AG7K2Q')],
    ['BUY USB-32G@PA1', buy('USB-32G', 1, 'PA1')],
    ['BUY USB-32G 2 @ PA1', buy('USB-32G', 2, 'PA1')],
    ['BUY 2 USB-32G', buy('USB-32G', 2)],
    ['BUY USB-32G x2', buy('USB-32G', 2)],
    ['BUY USB-32G 2 pcs', buy('USB-32G', 2)],
    ['BUY: USB-32G 2', buy('USB-32G', 2)],
    ['BUY USB-32G 2.', buy('USB-32G', 2)],
    ['ORDER PEN-01 10', buy('PEN-01', 10)],
    // full-width letters, digits, symbols and the ideographic space
    ['ＢＵＹ　ＵＳＢ－３２Ｇ　２', buy('USB-32G', 2)],
    ['buy usb–32g ２ ＠ｐａ１', buy('USB-32G', 2, 'PA1')],
    // BUY, Chinese
    ['买 USB-32G 2', buy('USB-32G', 2)],
    ['买USB-32G 2', buy('USB-32G', 2)],
    ['买 usb-32g 2个', buy('USB-32G', 2)],
    ['购买 USB-32G ×3 @PA1', buy('USB-32G', 3, 'PA1')],
    ['买：USB-32G　２　＠PA1　＃AG7K2Q', buy('USB-32G', 2, 'PA1', 'AG7K2Q')],
    ['买 USB-32G 2 件', buy('USB-32G', 2)],
    // BUY, messy or wrong
    ['BUY', invalid('buy', 'missing_sku')],
    ['买', invalid('buy', 'missing_sku')],
    ['BUY @PA1', invalid('buy', 'missing_sku')],
    ['BUY USB-32G 0', invalid('buy', 'bad_quantity')],
    ['BUY USB-32G -1', invalid('buy', 'bad_quantity')],
    ['BUY USB-32G two', invalid('buy', 'bad_quantity')],
    ['BUY USB-32G 2.5', invalid('buy', 'bad_quantity')],
    ['BUY USB-32G 1000', invalid('buy', 'bad_quantity')],
    ['BUY USB-32G 2 3', invalid('buy', 'bad_quantity')],
    ['买 U盘 2', invalid('buy', 'bad_sku')],
    ['BUY USB-32G 2 @', invalid('buy', 'bad_pickup_code')],
    ['BUY USB-32G 2 #!!', invalid('buy', 'bad_agent_code')],
    // confirm
    ['YES', { kind: 'confirm' }],
    ['yes', { kind: 'confirm' }],
    ['Y', { kind: 'confirm' }],
    [' Yes! ', { kind: 'confirm' }],
    ['ＹＥＳ', { kind: 'confirm' }],
    ['是', { kind: 'confirm' }],
    ['是的', { kind: 'confirm' }],
    ['确认。', { kind: 'confirm' }],
    // status
    ['STATUS 251128000123', { kind: 'status', orderNumber: '251128000123' }],
    ['status   251128 000123', { kind: 'status', orderNumber: '251128000123' }],
    ['STATUS #251128000123', { kind: 'status', orderNumber: '251128000123' }],
    ['查询 ２５１１２８０００１２３', { kind: 'status', orderNumber: '251128000123' }],
    ['查询订单251128000123', { kind: 'status', orderNumber: '251128000123' }],
    ['STATUS', { kind: 'status', orderNumber: null }],
    ['STATUS abc', invalid('status', 'bad_order_number')],
    // cancel
    ['CANCEL 251128000123', { kind: 'cancel', orderNumber: '251128000123' }],
    ['cancel 251128000123', { kind: 'cancel', orderNumber: '251128000123' }],
    ['取消251128000123', { kind: 'cancel', orderNumber: '251128000123' }],
    ['取消 ２５１１２８０００１２３', { kind: 'cancel', orderNumber: '251128000123' }],
    ['CANCEL', { kind: 'cancel', orderNumber: null }],
    ['CANCEL my order', invalid('cancel', 'bad_order_number')],
    // help, opt-out, opt-in
    ['HELP', { kind: 'help' }],
    ['help', { kind: 'help' }],
    ['?', { kind: 'help' }],
    ['？', { kind: 'help' }],
    ['帮助', { kind: 'help' }],
    ['STOP', { kind: 'stop' }],
    ['stop', { kind: 'stop' }],
    ['UNSUBSCRIBE', { kind: 'stop' }],
    ['退订', { kind: 'stop' }],
    ['TD', { kind: 'stop' }],
    ['START', { kind: 'start' }],
    ['start', { kind: 'start' }],
    ['订阅', { kind: 'start' }],
    // anything else
    ['hello', { kind: 'unknown' }],
    ['你好', { kind: 'unknown' }],
    ['', { kind: 'unknown' }],
    ['   ', { kind: 'unknown' }],
    ['BUYUSB 2', { kind: 'unknown' }],
    ['I want to buy a USB stick', { kind: 'unknown' }],
    ['STOP sending me the USB', { kind: 'unknown' }],
  ];

  it('has a table of at least 30 texts', () => {
    expect(table.length).toBeGreaterThanOrEqual(30);
  });

  it.each(table)('reads %j', (text, expected) => {
    expect(parseSms(text).command).toEqual(expected);
  });
});

describe('detectLanguage', () => {
  it.each([
    ['BUY USB-32G 2', 'en'],
    ['ＢＵＹ ＵＳＢ', 'en'],
    ['买 USB-32G 2', 'zh-CN'],
    ['是', 'zh-CN'],
    ['Y', 'en'],
    ['?', null],
    ['251128000123', null],
  ])('%j is %p', (text, lang) => {
    expect(detectLanguage(text)).toBe(lang);
  });
});

describe('normalizeSms', () => {
  it('folds width, case, dashes and spaces', () => {
    expect(normalizeSms('  ｂｕｙ\u3000usb—32g\u200b   ２  ')).toBe('BUY USB-32G 2');
  });
});
