import {
  LANGUAGES,
  render,
  renderMasked,
  secretParams,
  TEMPLATES,
  TemplateName,
  templateKind,
} from './templates';

describe('templates', () => {
  const params = {
    code: '123456',
    number: '261125000001',
    totalCents: 7800,
    paymentMethod: 'cod',
    minutes: 15,
    reason: 'changed mind',
    sku: 'USB-32G',
    name: 'USB stick',
    available: 3,
    threshold: 5,
    place: 'L1 S03',
    until: '11-28 18:00',
    link: 'https://campus.example/shop/orders/0f3c',
    destination: 'Dorm 3 lobby',
    collectCents: 7800,
    install: 'yes',
    kind: 'repair_pickup',
    address: 'Dorm 5, room 302',
    ref: '3F2A9C1E',
    hours: 24,
    body: 'Please restart the router once',
    note: 'Router replaced',
    compensationCents: 500,
  };

  it.each(Object.keys(TEMPLATES) as TemplateName[])('%s renders in every language with no gaps', (name) => {
    for (const lang of LANGUAGES) {
      const body = render(name, lang, params);
      expect(body.length).toBeGreaterThan(10);
      expect(body).not.toMatch(/undefined|NaN|\[object/);
    }
  });

  it('puts the payment link in the staff order text, and the cash to collect in the agent text', () => {
    expect(render('order_payment_link', 'en', params)).toContain('https://campus.example/shop/orders/0f3c');
    expect(render('agent_order_assigned', 'zh-CN', params)).toContain('代收¥78.00');
    expect(render('agent_order_assigned', 'en', { ...params, collectCents: 0, install: '' })).not.toMatch(
      /collect|installation/,
    );
  });

  it('shows money from cents', () => {
    expect(render('order_placed', 'en', params)).toContain('¥78.00');
    expect(render('order_placed', 'zh-CN', params)).toContain('货到付款');
  });
});

describe('code templates', () => {
  it.each(Object.keys(TEMPLATES) as TemplateName[])(
    '%s: a code template names its secret parameters, and its stored text never shows them',
    (name) => {
      const kind = templateKind(name);
      const secret = secretParams(name);
      if (kind === 'code') expect(secret.length).toBeGreaterThan(0);
      for (const lang of LANGUAGES) {
        const stored = renderMasked(name, lang, { code: '424242', number: '261125000001' }, '******');
        if (secret.includes('code')) {
          expect(stored).toContain('******');
          expect(stored).not.toContain('424242');
        }
      }
    },
  );

  it('texts a ticket reply and a resolution with the reference, and money back only when there is some', () => {
    const p = { ref: '3F2A9C1E', body: 'Please restart the router', note: 'Replaced' };
    expect(render('ticket_reply', 'en', p)).toBe(
      '[Campus Orders] Reply to your ticket 3F2A9C1E: Please restart the router',
    );
    expect(render('ticket_resolved', 'zh-CN', { ...p, compensationCents: 500 })).toContain('补偿¥5.00');
    expect(render('ticket_resolved', 'en', { ...p, compensationCents: 0 })).not.toContain('compensation');
    expect(templateKind('ticket_reply')).toBe('transactional');
  });
});
