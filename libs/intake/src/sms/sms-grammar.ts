import { MAX_QUANTITY } from '../dto/place-order.dto';

/** The languages the SMS channel answers in (the same two the notification templates have). */
export type SmsLanguage = 'zh-CN' | 'en';

export type SmsProblem =
  'missing_sku' | 'bad_sku' | 'bad_quantity' | 'bad_pickup_code' | 'bad_agent_code' | 'bad_order_number';

/** What a text asks for. Parsing never fails: anything unreadable is `unknown` or `invalid`. */
export type SmsCommand =
  | {
      kind: 'buy';
      sku: string;
      quantity: number;
      pickupPointCode: string | null;
      agentCode: string | null;
    }
  | { kind: 'confirm' }
  | { kind: 'status'; orderNumber: string | null }
  | { kind: 'cancel'; orderNumber: string | null }
  | { kind: 'help' }
  | { kind: 'stop' }
  | { kind: 'start' }
  | { kind: 'invalid'; keyword: 'buy' | 'status' | 'cancel'; problem: SmsProblem }
  | { kind: 'unknown' };

export interface ParsedSms {
  command: SmsCommand;
  /** The language the text is written in, or null when it has no letters to tell (e.g. "?"). */
  language: SmsLanguage | null;
  /** The text as read: NFKC, upper-case, one space between words. */
  normalized: string;
}

const SKU = /^[A-Z0-9][A-Z0-9._-]{0,63}$/;
const CODE = /^[A-Z0-9][A-Z0-9_-]{0,31}$/;
const ORDER_NUMBER = /^\d{6,20}$/;
const CJK = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]/;
const LATIN = /[A-Za-z]/;

// Whole-message keywords (after trailing punctuation is dropped).
const CONFIRM = new Set(['YES', 'Y', 'CONFIRM', '是', '是的', '确认', '确定']);
const HELP = new Set(['HELP', 'INFO', '?', '帮助']);
const STOP = new Set(['STOP', 'STOPALL', 'UNSUBSCRIBE', 'END', 'QUIT', '退订', 'TD']);
const START = new Set(['START', 'UNSTOP', '订阅']);

// Keywords followed by arguments. Chinese keywords need no space after them ("买USB-32G").
const WITH_ARGS: { pattern: RegExp; keyword: 'buy' | 'status' | 'cancel' }[] = [
  { pattern: /^(?:BUY|ORDER)(?:\s+(.*))?$/, keyword: 'buy' },
  { pattern: /^(?:购买|买)\s*(.*)$/, keyword: 'buy' },
  { pattern: /^(?:STATUS|TRACK)(?:\s+(.*))?$/, keyword: 'status' },
  { pattern: /^(?:查询|状态)\s*(.*)$/, keyword: 'status' },
  { pattern: /^CANCEL(?:\s+(.*))?$/, keyword: 'cancel' },
  { pattern: /^取消\s*(.*)$/, keyword: 'cancel' },
];

/** The language a text is written in: any Chinese character makes it Chinese. */
export function detectLanguage(text: string): SmsLanguage | null {
  const t = text.normalize('NFKC');
  if (CJK.test(t)) return 'zh-CN';
  if (LATIN.test(t)) return 'en';
  return null;
}

/**
 * Full-width letters and digits become ASCII (NFKC), every kind of dash becomes "-", invisible
 * characters go, runs of spaces (also the ideographic space) become one, letters are upper-cased.
 */
export function normalizeSms(text: string): string {
  return text
    .normalize('NFKC')
    .replace(/[\u200b-\u200d\u2060\ufeff]/g, '')
    .replace(/[\u2010-\u2015\u2212\u30fc\uff70]/g, '-')
    .replace(/[\s\u3000]+/g, ' ')
    .trim()
    .toUpperCase();
}

/** Drops polite trailing punctuation: "YES!" "确认。" "STOP." */
function stripTrailingPunctuation(text: string): string {
  return text.replace(/[\s.!?,;:。！？，、~]+$/u, '').trim();
}

/** Reads one inbound text into a command. Case, width, spacing and Chinese keywords are tolerated. */
export function parseSms(raw: string): ParsedSms {
  const normalized = normalizeSms(raw ?? '');
  const language = detectLanguage(normalized);
  return { command: commandOf(normalized), language, normalized };
}

function commandOf(text: string): SmsCommand {
  if (HELP.has(text)) return { kind: 'help' };
  // "BUY: USB-32G" / "查询：…" read like "BUY USB-32G"
  const bare = stripTrailingPunctuation(text).replace(/^([^\s:]+?)\s*:\s*/, '$1 ');
  if (bare === '') return { kind: 'unknown' };
  if (CONFIRM.has(bare)) return { kind: 'confirm' };
  if (HELP.has(bare)) return { kind: 'help' };
  if (STOP.has(bare)) return { kind: 'stop' };
  if (START.has(bare)) return { kind: 'start' };
  for (const { pattern, keyword } of WITH_ARGS) {
    const m = bare.match(pattern);
    if (!m) continue;
    const args = (m[1] ?? '').trim();
    if (keyword === 'buy') return parseBuy(args);
    const orderNumber = parseOrderNumber(args);
    if (orderNumber === undefined) return { kind: 'invalid', keyword, problem: 'bad_order_number' };
    return keyword === 'status' ? { kind: 'status', orderNumber } : { kind: 'cancel', orderNumber };
  }
  return { kind: 'unknown' };
}

/** "251128 000123", "#251128000123", "NO.251128000123" → digits; empty → null; anything else → undefined. */
function parseOrderNumber(args: string): string | null | undefined {
  const compact = args.replace(/^(?:NO\.?|#|编号|订单号?)\s*/, '').replace(/[\s-]/g, '');
  if (compact === '') return null;
  return ORDER_NUMBER.test(compact) ? compact : undefined;
}

function parseBuy(args: string): SmsCommand {
  const tokens = args
    // "@ PA1" → "@PA1"; "USB-32G@PA1" → "USB-32G @PA1"
    .replace(/([@#])\s+/g, '$1')
    .replace(/(\S)([@#])/g, '$1 $2')
    .split(/[\s,、]+/)
    .filter((t) => t !== '');
  let pickupPointCode: string | null = null;
  let agentCode: string | null = null;
  const words: string[] = [];
  for (const t of tokens) {
    if (t.startsWith('@')) {
      const code = t.slice(1);
      if (!CODE.test(code)) return { kind: 'invalid', keyword: 'buy', problem: 'bad_pickup_code' };
      pickupPointCode = code;
    } else if (t.startsWith('#')) {
      const code = t.slice(1);
      if (!CODE.test(code)) return { kind: 'invalid', keyword: 'buy', problem: 'bad_agent_code' };
      agentCode = code;
    } else {
      words.push(t);
    }
  }
  if (words.length === 0) return { kind: 'invalid', keyword: 'buy', problem: 'missing_sku' };

  // "BUY 2 USB-32G": a number first and one word with a letter after it.
  if (words.length === 2 && /^\d+$/.test(words[0]) && /[A-Z]/.test(words[1])) words.reverse();
  const [sku, ...rest] = words;
  if (!SKU.test(sku)) return { kind: 'invalid', keyword: 'buy', problem: 'bad_sku' };
  const quantity = parseQuantity(rest);
  if (quantity === null) return { kind: 'invalid', keyword: 'buy', problem: 'bad_quantity' };
  return { kind: 'buy', sku, quantity, pickupPointCode, agentCode };
}

/** [] → 1; ["2"], ["X2"], ["×", "2"], ["2个"], ["2", "PCS"] → 2; anything else (0, -1, 2.5, "TWO") → null. */
function parseQuantity(words: string[]): number | null {
  const parts = [...words];
  if (parts.length === 0) return 1;
  if (parts.length > 1 && /^[X×*]$/.test(parts[0])) parts.shift();
  if (parts.length > 1 && /^(个|件|台|PCS?|UNITS?)$/.test(parts[parts.length - 1])) parts.pop();
  if (parts.length !== 1) return null;
  const m = parts[0].match(/^[X×*]?(\d{1,6})(?:个|件|台|PCS?)?$/);
  if (!m) return null;
  const n = Number(m[1]);
  return n >= 1 && n <= MAX_QUANTITY ? n : null;
}
