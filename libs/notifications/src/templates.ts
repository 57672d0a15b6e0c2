import { formatYuan } from '@campus/core';

export type Language = 'zh-CN' | 'en';
export const LANGUAGES: readonly Language[] = ['zh-CN', 'en'];

/**
 * Why a text is sent decides whether an opted-out number still gets it: only one-time codes the
 * customer needs (sign-in, pickup, installation confirmation) are sent after STOP.
 */
export type MessageKind = 'code' | 'transactional' | 'reminder' | 'marketing' | 'alert';

type Params = Record<string, string | number | null | undefined>;
type Render = (p: Params) => string;

interface TemplateDef {
  kind: MessageKind;
  /**
   * Parameters that are one-time codes: the message log shows them masked, and only a sealed copy
   * of the full text reaches the sender (see code-seal.ts). Every `code` template names its own.
   */
  secret?: readonly string[];
  'zh-CN': Render;
  en: Render;
}

const yuan = (v: unknown) => formatYuan(Number(v ?? 0));

/** An agent task's kind as the customer and the agent read it. */
const TASK_LABEL_ZH: Record<string, string> = {
  delivery_install: '上门安装',
  repair_pickup: '维修取件',
  return_pickup: '退货取件',
  training: '使用培训',
  repair_return: '维修送还',
};
const TASK_LABEL_EN: Record<string, string> = {
  delivery_install: 'Installation',
  repair_pickup: 'Repair pickup',
  return_pickup: 'Return pickup',
  training: 'Training',
  repair_return: 'Repair return',
};

/** Every outbound text, in Chinese and English. Kept short: one SMS segment where possible. */
export const TEMPLATES = {
  otp: {
    kind: 'code',
    secret: ['code'],
    'zh-CN': (p) => `【校园订单】验证码 ${p.code}，5分钟内有效。请勿告诉他人。`,
    en: (p) => `[Campus Orders] Your code is ${p.code}. It expires in 5 minutes. Never share it.`,
  },
  order_placed: {
    kind: 'transactional',
    'zh-CN': (p) =>
      p.paymentMethod === 'online'
        ? `【校园订单】订单${p.number}已创建，金额${yuan(p.totalCents)}，请在${p.minutes}分钟内付款。`
        : `【校园订单】订单${p.number}已确认，金额${yuan(p.totalCents)}${p.paymentMethod === 'cod' ? '，货到付款' : ''}。`,
    en: (p) =>
      p.paymentMethod === 'online'
        ? `[Campus Orders] Order ${p.number} placed, ${yuan(p.totalCents)}. Please pay within ${p.minutes} minutes.`
        : `[Campus Orders] Order ${p.number} confirmed, ${yuan(p.totalCents)}${p.paymentMethod === 'cod' ? ', cash on delivery' : ''}.`,
  },
  payment_reminder: {
    kind: 'reminder',
    'zh-CN': (p) =>
      `【校园订单】订单${p.number}尚未付款（${yuan(p.totalCents)}），${p.minutes}分钟后将自动取消。`,
    en: (p) =>
      `[Campus Orders] Order ${p.number} (${yuan(p.totalCents)}) is unpaid and will be cancelled in ${p.minutes} min.`,
  },
  order_cancelled: {
    kind: 'transactional',
    'zh-CN': (p) => `【校园订单】订单${p.number}已取消${p.reason ? `：${p.reason}` : ''}。`,
    en: (p) => `[Campus Orders] Order ${p.number} was cancelled${p.reason ? `: ${p.reason}` : ''}.`,
  },
  out_for_delivery: {
    kind: 'transactional',
    'zh-CN': (p) =>
      `【校园订单】订单${p.number}正在配送${p.paymentMethod === 'cod' ? `，请备好${yuan(p.totalCents)}现金` : ''}。`,
    en: (p) =>
      `[Campus Orders] Order ${p.number} is on its way${p.paymentMethod === 'cod' ? `; please have ${yuan(p.totalCents)} in cash` : ''}.`,
  },
  delivered: {
    kind: 'transactional',
    'zh-CN': (p) => `【校园订单】订单${p.number}已送达，感谢您的购买！`,
    en: (p) => `[Campus Orders] Order ${p.number} was delivered. Thank you!`,
  },
  pickup_code: {
    kind: 'code',
    secret: ['code'],
    'zh-CN': (p) => `【校园订单】订单${p.number}已到${p.place}，取件码${p.code}，请于${p.until}前取件。`,
    en: (p) =>
      `[Campus Orders] Order ${p.number} is at ${p.place}. Pickup code ${p.code}; collect by ${p.until}.`,
  },
  pickup_reminder: {
    kind: 'reminder',
    'zh-CN': (p) => `【校园订单】订单${p.number}仍在${p.place}等您取件，请于${p.until}前凭取件码取件。`,
    en: (p) =>
      `[Campus Orders] Order ${p.number} is still waiting at ${p.place}. Collect it with your code by ${p.until}.`,
  },
  parcel_returned: {
    kind: 'transactional',
    'zh-CN': (p) => `【校园订单】订单${p.number}超时未取，已从${p.place}退回。`,
    en: (p) =>
      `[Campus Orders] Order ${p.number} was not collected in time and was returned from ${p.place}.`,
  },
  parcel_retrieve: {
    kind: 'alert',
    'zh-CN': (p) => `【校园订单】订单${p.number}超时未取，请到${p.place}取回包裹。`,
    en: (p) => `[Campus Orders] Order ${p.number} expired uncollected; please retrieve it from ${p.place}.`,
  },
  task_code: {
    kind: 'code',
    secret: ['code'],
    'zh-CN': (p) =>
      `【校园订单】${TASK_LABEL_ZH[String(p.kind)] ?? '上门安装'}已预约${p.window ? `（${p.window}）` : ''}${p.number ? `，订单${p.number}` : ''}。完成后请把确认码${p.code}告诉校园代理，勿提前告知。`,
    en: (p) =>
      `[Campus Orders] ${TASK_LABEL_EN[String(p.kind)] ?? 'Installation'} booked${p.window ? ` for ${p.window}` : ''}${p.number ? `, order ${p.number}` : ''}. When the job is done, give the agent code ${p.code}; not before.`,
  },
  coupon_issued: {
    kind: 'marketing',
    'zh-CN': (p) =>
      `【校园订单】${p.name}：您的优惠码 ${p.code}，下单时输入即可使用，${p.until}前有效。回复TD退订`,
    en: (p) =>
      `[Campus Orders] ${p.name}: your coupon code ${p.code}, enter it at checkout; valid until ${p.until}. Reply STOP to opt out`,
  },
  order_payment_link: {
    kind: 'transactional',
    'zh-CN': (p) =>
      `【校园订单】订单${p.number}已创建，金额${yuan(p.totalCents)}，请在${p.minutes}分钟内付款：${p.link}`,
    en: (p) =>
      `[Campus Orders] Order ${p.number} placed, ${yuan(p.totalCents)}. Pay within ${p.minutes} min: ${p.link}`,
  },
  agent_order_assigned: {
    kind: 'transactional',
    'zh-CN': (p) =>
      `【校园订单】新配送：订单${p.number}，${p.destination}${Number(p.collectCents) > 0 ? `，代收${yuan(p.collectCents)}` : ''}${p.install ? '，含上门安装' : ''}。`,
    en: (p) =>
      `[Campus Orders] New delivery: order ${p.number}, ${p.destination}${Number(p.collectCents) > 0 ? `, collect ${yuan(p.collectCents)}` : ''}${p.install ? ', with installation' : ''}.`,
  },
  agent_task_assigned: {
    kind: 'transactional',
    'zh-CN': (p) =>
      `【校园订单】新任务：${TASK_LABEL_ZH[String(p.kind)] ?? '上门安装'}${p.number ? `（订单${p.number}）` : ''}${p.address ? `，${p.address}` : ''}。请与客户约定时间。`,
    en: (p) =>
      `[Campus Orders] New task: ${(TASK_LABEL_EN[String(p.kind)] ?? 'Installation').toLowerCase()}${p.number ? ` (order ${p.number})` : ''}${p.address ? `, ${p.address}` : ''}. Agree a time with the customer.`,
  },
  low_stock: {
    kind: 'alert',
    'zh-CN': (p) => `库存预警：${p.sku}（${p.name}）可用库存${p.available}，低于阈值${p.threshold}。`,
    en: (p) =>
      `Low stock: ${p.sku} (${p.name}) has ${p.available} available, below the threshold of ${p.threshold}.`,
  },
} satisfies Record<string, TemplateDef>;

export type TemplateName = keyof typeof TEMPLATES;

export function templateKind(name: TemplateName): MessageKind {
  return TEMPLATES[name].kind as MessageKind;
}

export function render(name: TemplateName, language: Language, params: Params): string {
  const t = TEMPLATES[name] as TemplateDef;
  return t[language](params);
}

/** The parameters of a template that must never be stored in clear (its one-time codes). */
export function secretParams(name: TemplateName): readonly string[] {
  return (TEMPLATES[name] as TemplateDef).secret ?? [];
}

/** The text as the message log keeps it: every secret parameter replaced by `mask`. */
export function renderMasked(name: TemplateName, language: Language, params: Params, mask: string): string {
  const masked = { ...params };
  for (const p of secretParams(name)) masked[p] = mask;
  return render(name, language, masked);
}
