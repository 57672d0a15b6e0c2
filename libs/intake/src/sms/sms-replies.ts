import { formatYuan } from '@campus/core';
import type { SmsLanguage, SmsProblem } from './sms-grammar';
import { firstThatFits } from './sms-encoding';

/**
 * Every answer the SMS channel sends, in English and Chinese. Each reply lists variants from the
 * richest to the barest; the first that fits one SMS (160 GSM-7 / 70 UCS-2) is sent. English texts
 * keep to the GSM-7 alphabet (no curly quotes, no "×"), so one SMS holds 160 characters.
 */
function pick(lang: SmsLanguage, variants: { en: string[]; zh: string[] }): string {
  return firstThatFits(lang === 'en' ? variants.en : variants.zh);
}

const yuan = formatYuan;

const STATUS_TEXT: Record<string, { en: string; zh: string }> = {
  pending_payment: { en: 'awaiting payment', zh: '待付款' },
  confirmed: { en: 'confirmed', zh: '已确认' },
  assigned: { en: 'with an agent', zh: '已分配配送员' },
  out_for_delivery: { en: 'out for delivery', zh: '配送中' },
  awaiting_pickup: { en: 'ready for pickup', zh: '待取件' },
  delivered: { en: 'delivered', zh: '已送达' },
  completed: { en: 'completed', zh: '已完成' },
  cancelled: { en: 'cancelled', zh: '已取消' },
  returned: { en: 'returned', zh: '已退货' },
};

const PAYMENT_TEXT: Record<string, { en: string; zh: string }> = {
  cod: { en: 'cash on delivery', zh: '货到付款' },
  online: { en: 'online payment', zh: '在线支付' },
  counter: { en: 'paid at the counter', zh: '柜台付款' },
};

function statusText(lang: SmsLanguage, status: string): string {
  const t = STATUS_TEXT[status];
  return t ? (lang === 'en' ? t.en : t.zh) : status;
}

function paymentText(lang: SmsLanguage, method: string): string {
  const t = PAYMENT_TEXT[method];
  return t ? (lang === 'en' ? t.en : t.zh) : method;
}

/** Shortens a free-text name (product, pickup point) to `max` characters. */
function clip(text: string, max: number, ellipsis = '…'): string {
  const chars = [...text.trim()];
  return chars.length <= max
    ? chars.join('')
    : `${chars
        .slice(0, max - ellipsis.length)
        .join('')
        .trim()}${ellipsis}`;
}

/** English variants must stay GSM-7: names with other characters are left out of them. */
function gsmSafe(text: string): string | null {
  return /^[A-Za-z0-9 .,'()/&+-]*$/.test(text) ? text : null;
}

export interface QuoteFacts {
  sku: string;
  productName: string;
  quantity: number;
  totalCents: number;
  paymentMethod: string;
  pickupPointCode: string;
  pickupPointName: string;
  minutes: number;
  /** The price moved since the last quote: this is a new one. */
  priceChanged?: boolean;
  /** A suspended agent's code: the order will not be credited to anyone. */
  refusedAgentCode?: string;
}

export const SmsReplies = {
  quote(lang: SmsLanguage, q: QuoteFacts): string {
    const enName = gsmSafe(clip(q.productName, 30, '...'));
    const enPoint = gsmSafe(clip(q.pickupPointName, 24, '...'));
    const pay = paymentText(lang, q.paymentMethod);
    const enHead = q.priceChanged ? 'Price changed. New quote' : 'Quote';
    const zhHead = q.priceChanged ? '价格有变，新报价' : '报价';
    const enTail = `Reply YES within ${q.minutes} minutes to confirm.`;
    const zhTail = `${q.minutes}分钟内回复“是”确认。`;
    const enNote = q.refusedAgentCode ? `Agent code ${q.refusedAgentCode} is inactive: not credited. ` : '';
    const zhNote = q.refusedAgentCode ? `代理码${q.refusedAgentCode}已停用，不计入。` : '';
    const en = [
      enName && enPoint
        ? `${enHead}: ${q.quantity} x ${q.sku} ${enName}, total ${yuan(q.totalCents)}, ${pay}, to pickup point ${q.pickupPointCode} (${enPoint}). ${enTail}`
        : null,
      enName
        ? `${enHead}: ${q.quantity} x ${q.sku} ${enName}, total ${yuan(q.totalCents)}, ${pay}, to pickup point ${q.pickupPointCode}. ${enTail}`
        : null,
      `${enHead}: ${q.quantity} x ${q.sku}, total ${yuan(q.totalCents)}, ${pay}, to pickup point ${q.pickupPointCode}. ${enTail}`,
      `${enHead}: ${q.quantity} x ${q.sku} = ${yuan(q.totalCents)}, ${pay}, to ${q.pickupPointCode}. Reply YES in ${q.minutes} min.`,
    ]
      .filter((v): v is string => v !== null)
      .map((v) => enNote + v);
    const zh = [
      `${zhHead}：${clip(q.productName, 12)}(${q.sku})×${q.quantity}，共${yuan(q.totalCents)}，${pay}，送至${clip(q.pickupPointName, 8)}(${q.pickupPointCode})。${zhTail}`,
      `${zhHead}：${q.sku}×${q.quantity}，共${yuan(q.totalCents)}，${pay}，送至${clip(q.pickupPointName, 8)}(${q.pickupPointCode})。${zhTail}`,
      `${zhHead}：${q.sku}×${q.quantity}，共${yuan(q.totalCents)}，${pay}，送至自提点${q.pickupPointCode}。${zhTail}`,
      `${q.sku}×${q.quantity}共${yuan(q.totalCents)}，${pay}，送${q.pickupPointCode}。${zhTail}`,
    ].map((v) => zhNote + v);
    return pick(lang, { en, zh });
  },

  needPickupPoint(lang: SmsLanguage, p: { sku: string; quantity: number; nearby: string[] }): string {
    const en = (codes: string[]) =>
      `Which pickup point? Send BUY ${p.sku} ${p.quantity} @<code>` +
      (codes.length ? `. Pickup points near you: ${codes.join(', ')}` : ', with the code of a pickup point.');
    const zh = (codes: string[]) =>
      `请告诉我们送到哪个自提点：回复“买 ${p.sku} ${p.quantity} @代码”` +
      (codes.length ? `。附近自提点：${codes.join('、')}` : '，代码见自提点门口。');
    const lists = [p.nearby.slice(0, 4), p.nearby.slice(0, 3), p.nearby.slice(0, 2), p.nearby.slice(0, 1)];
    return pick(lang, {
      en: [...lists.filter((l) => l.length).map(en), en([])],
      zh: [...lists.filter((l) => l.length).map(zh), zh([])],
    });
  },

  unknownPickupPoint(
    lang: SmsLanguage,
    p: { code: string; sku: string; quantity: number; nearby: string[] },
  ): string {
    const codes = (n: number) => p.nearby.slice(0, n);
    const en = (list: string[]) =>
      `There is no pickup point ${p.code}. Send BUY ${p.sku} ${p.quantity} @<code>` +
      (list.length ? ` with one near you: ${list.join(', ')}.` : ' with the code shown at the point.');
    const zh = (list: string[]) =>
      `没有代码为${p.code}的自提点。请回复“买 ${p.sku} ${p.quantity} @代码”` +
      (list.length ? `，附近：${list.join('、')}。` : '。');
    return pick(lang, {
      en: [en(codes(3)), en(codes(2)), en(codes(1)), en([])],
      zh: [zh(codes(3)), zh(codes(2)), zh(codes(1)), zh([])],
    });
  },

  unknownSku(lang: SmsLanguage, p: { sku: string }): string {
    return pick(lang, {
      en: [
        `Sorry, we have no product ${p.sku}. Check the product code and send BUY <code> <quantity>, or HELP.`,
        `Sorry, no product ${p.sku}. Check the code and send BUY <code> <quantity>.`,
      ],
      zh: [
        `抱歉，没有商品${p.sku}。请核对商品代码后回复“买 代码 数量”，或发送“帮助”。`,
        `抱歉，没有商品${p.sku}。请核对后回复“买 代码 数量”。`,
      ],
    });
  },

  outOfStock(lang: SmsLanguage, p: { sku: string; available: number; requested: number }): string {
    if (p.available <= 0) {
      return pick(lang, {
        en: [
          `Sorry, ${p.sku} is out of stock right now. Please try again in a few days, or send HELP.`,
          `Sorry, ${p.sku} is out of stock right now.`,
        ],
        zh: [`抱歉，${p.sku}暂时缺货，请过几天再试。`, `抱歉，${p.sku}暂时缺货。`],
      });
    }
    return pick(lang, {
      en: [
        `Sorry, only ${p.available} of ${p.sku} left (you asked for ${p.requested}). Send BUY ${p.sku} ${p.available} to take them.`,
        `Sorry, only ${p.available} of ${p.sku} left. Send BUY ${p.sku} ${p.available} to take them.`,
      ],
      zh: [
        `抱歉，${p.sku}仅剩${p.available}件（您要${p.requested}件）。可回复“买 ${p.sku} ${p.available}”。`,
        `抱歉，${p.sku}仅剩${p.available}件。可回复“买 ${p.sku} ${p.available}”。`,
      ],
    });
  },

  unknownAgentCode(lang: SmsLanguage, p: { code: string }): string {
    return pick(lang, {
      en: [
        `Agent code ${p.code} is not known. Send your order again with the right code, or without it.`,
        `Unknown agent code ${p.code}. Send the order again without it.`,
      ],
      zh: [`代理码${p.code}无效，请改正或去掉后重新发送。`],
    });
  },

  invalid(lang: SmsLanguage, p: { keyword: 'buy' | 'status' | 'cancel'; problem: SmsProblem }): string {
    const cmd = p.keyword === 'status' ? 'STATUS' : 'CANCEL';
    const zhCmd = p.keyword === 'status' ? '查询' : '取消';
    const texts: Record<SmsProblem, { en: string; zh: string }> = {
      missing_sku: {
        en: 'Which product? Send BUY <product code> <quantity> @<pickup point code>, e.g. BUY <code> 2.',
        zh: '请告诉我们要买什么：回复“买 商品代码 数量 @自提点代码”。',
      },
      bad_sku: {
        en: 'Please send the product code (letters, digits and -), e.g. BUY <code> 2. Send HELP for more.',
        zh: '请发送商品代码（字母、数字和-），如“买 代码 2”。发送“帮助”查看说明。',
      },
      bad_quantity: {
        en: 'The quantity must be a whole number from 1 to 999, e.g. BUY <code> 2.',
        zh: '数量须为1到999的整数，如“买 代码 2”。',
      },
      bad_pickup_code: {
        en: 'Put the pickup point code after @, e.g. BUY <code> 2 @<pickup point code>.',
        zh: '请在@后写自提点代码，如“买 代码 2 @自提点代码”。',
      },
      bad_agent_code: {
        en: 'Put the agent code after #, e.g. BUY <code> 2 #<agent code>.',
        zh: '请在#后写代理码，如“买 代码 2 #代理码”。',
      },
      bad_order_number: {
        en: `Order numbers are digits, e.g. ${cmd} 251128000123.`,
        zh: `订单号为数字，如“${zhCmd} 251128000123”。`,
      },
    };
    const t = texts[p.problem];
    return pick(lang, { en: [t.en], zh: [t.zh] });
  },

  confirmed(
    lang: SmsLanguage,
    p: { number: string; totalCents: number; paymentMethod: string; pickupPointCode: string },
  ): string {
    const pay = paymentText(lang, p.paymentMethod);
    return pick(lang, {
      en: [
        `Order ${p.number} confirmed: ${yuan(p.totalCents)}, ${pay}, pickup point ${p.pickupPointCode}. Send STATUS ${p.number} to follow it.`,
        `Order ${p.number} confirmed: ${yuan(p.totalCents)}, ${pay}.`,
      ],
      zh: [
        `订单${p.number}已确认：${yuan(p.totalCents)}，${pay}，自提点${p.pickupPointCode}。回复“查询 ${p.number}”查看状态。`,
        `订单${p.number}已确认：${yuan(p.totalCents)}，${pay}。`,
      ],
    });
  },

  alreadyPlaced(lang: SmsLanguage, p: { number: string }): string {
    return pick(lang, {
      en: [`That quote is already order ${p.number}. Send STATUS ${p.number} to follow it.`],
      zh: [`该报价已下单，订单号${p.number}。回复“查询 ${p.number}”查看状态。`],
    });
  },

  quoteExpired(lang: SmsLanguage, p: { minutes: number }): string {
    return pick(lang, {
      en: [
        `Your quote has expired (quotes last ${p.minutes} minutes) and nothing was ordered. Send BUY <code> <quantity> for a new one.`,
      ],
      zh: [`报价已过期（有效${p.minutes}分钟），未下单。请重新发送“买 商品代码 数量”。`],
    });
  },

  noQuote(lang: SmsLanguage): string {
    return pick(lang, {
      en: ['There is nothing to confirm. Send BUY <product code> <quantity> first to get a quote.'],
      zh: ['没有待确认的报价。请先发送“买 商品代码 数量”获取报价。'],
    });
  },

  quoteDiscarded(lang: SmsLanguage): string {
    return pick(lang, {
      en: ['Quote cancelled: nothing was ordered.'],
      zh: ['报价已取消，未下单。'],
    });
  },

  status(
    lang: SmsLanguage,
    p: { number: string; status: string; totalCents: number; paymentMethod: string },
  ): string {
    const s = statusText(lang, p.status);
    const pay = paymentText(lang, p.paymentMethod);
    return pick(lang, {
      en: [`Order ${p.number}: ${s}, ${yuan(p.totalCents)}, ${pay}.`],
      zh: [`订单${p.number}：${s}，${yuan(p.totalCents)}，${pay}。`],
    });
  },

  orderNotFound(lang: SmsLanguage, p: { number: string }): string {
    return pick(lang, {
      en: [`We found no order ${p.number} for this phone number. Please check the number.`],
      zh: [`本号码下没有订单${p.number}，请核对订单号。`],
    });
  },

  noOrders(lang: SmsLanguage): string {
    return pick(lang, {
      en: ['You have no orders yet. Send BUY <product code> <quantity> to order.'],
      zh: ['您还没有订单。发送“买 商品代码 数量”即可下单。'],
    });
  },

  cancelNeedsNumber(lang: SmsLanguage): string {
    return pick(lang, {
      en: ['Which order? Send CANCEL <order number>.'],
      zh: ['请发送“取消 订单号”。'],
    });
  },

  cancelled(lang: SmsLanguage, p: { number: string }): string {
    return pick(lang, {
      en: [`Order ${p.number} is cancelled. Nothing will be delivered or charged.`],
      zh: [`订单${p.number}已取消，不会配送也不会收费。`],
    });
  },

  cannotCancel(lang: SmsLanguage, p: { number: string; status: string }): string {
    const s = statusText(lang, p.status);
    return pick(lang, {
      en: [`Order ${p.number} can no longer be cancelled: it is ${s}.`],
      zh: [`订单${p.number}${s}，无法取消。`],
    });
  },

  orderFailed(lang: SmsLanguage): string {
    return pick(lang, {
      en: ['Sorry, that order could not be placed. Please send BUY again, or HELP.'],
      zh: ['抱歉，下单失败，请重新发送“买 商品代码 数量”。'],
    });
  },

  help(lang: SmsLanguage): string {
    return pick(lang, {
      en: [
        'Campus Orders: BUY <code> <qty> @<pickup> #<agent> for a quote, YES to confirm, STATUS <no>, CANCEL <no>, STOP to opt out.',
        'BUY <code> <qty> @<pickup> for a quote, YES to confirm, STATUS <no>, CANCEL <no>, STOP to opt out.',
      ],
      zh: [
        '发送“买 商品代码 数量 @自提点”获取报价，回复“是”确认；“查询 订单号”查状态；“取消 订单号”；“退订”停止短信。',
        '“买 代码 数量 @自提点”报价，“是”确认，“查询 订单号”，“取消 订单号”，“退订”。',
      ],
    });
  },

  unknown(lang: SmsLanguage): string {
    return pick(lang, {
      en: [
        'Sorry, we did not understand. Send BUY <product code> <quantity> to order, or HELP for all commands.',
      ],
      zh: ['抱歉，没看懂。发送“买 商品代码 数量”下单，或发送“帮助”查看说明。'],
    });
  },

  stopped(lang: SmsLanguage): string {
    return pick(lang, {
      en: [
        'You are unsubscribed: no more texts from Campus Orders except codes you ask for. Send START to subscribe again.',
      ],
      zh: ['已退订：除您申请的验证码外不再发送短信。发送“订阅”可恢复。'],
    });
  },

  started(lang: SmsLanguage): string {
    return pick(lang, {
      en: ['You are subscribed to Campus Orders texts again. Send HELP for commands.'],
      zh: ['已恢复订阅校园订单短信。发送“帮助”查看说明。'],
    });
  },

  rateLimited(lang: SmsLanguage, p: { minutes: number }): string {
    return pick(lang, {
      en: [
        `You have sent many messages in a short time. Please wait ${p.minutes} minutes, then try again. Thank you!`,
      ],
      zh: [`您发送的短信较多，请${p.minutes}分钟后再试，谢谢！`],
    });
  },
};
