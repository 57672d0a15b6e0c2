import i18next from 'i18next';
import { beforeAll, describe, expect, it } from 'vitest';
import { ApiProblem } from '../api/problem';
import { resources } from '../locales';
import { localizeFieldError, localizeProblem } from './problem-i18n';

describe('localizeProblem', () => {
  beforeAll(async () => {
    await i18next.init({
      resources,
      lng: 'zh-CN',
      fallbackLng: 'zh-CN',
      interpolation: { escapeValue: false },
    });
  });

  const outOfStock = {
    type: 'https://campus-orders.dev/problems/out-of-stock',
    title: 'Not enough stock',
    status: 409,
    code: 'out_of_stock',
    detail: 'Not enough stock for USB-32G: 2 available, 5 requested',
    sku: 'USB-32G',
    available: 2,
    requested: 5,
  };

  it('translates a problem by its code, with its own fields in the detail', async () => {
    await i18next.changeLanguage('zh-CN');
    expect(localizeProblem(outOfStock, i18next.t.bind(i18next), 'HTTP 409')).toEqual({
      title: '库存不足',
      detail: 'USB-32G 库存不足：可售 2，需要 5。',
    });
    await i18next.changeLanguage('en');
    expect(localizeProblem(outOfStock, i18next.t.bind(i18next), 'HTTP 409')).toEqual({
      title: 'Not enough stock',
      detail: 'Not enough USB-32G: 2 available, 5 requested.',
    });
  });

  it('keeps the server text for a code it does not know, and drops an English detail the title covers', async () => {
    await i18next.changeLanguage('zh-CN');
    const unknown = { code: 'brand_new_rule', title: 'Refused by a business rule', detail: 'Brand new rule' };
    expect(localizeProblem(unknown, i18next.t.bind(i18next), 'x')).toEqual({
      title: 'Refused by a business rule',
      detail: 'Brand new rule',
    });
    const taken = {
      code: 'username_taken',
      title: 'Conflict',
      detail: 'The username cc.wang is already taken',
    };
    expect(localizeProblem(taken, i18next.t.bind(i18next), 'x')).toEqual({
      title: '用户名已被占用',
      detail: '请换一个用户名。',
    });
    const weak = {
      code: 'weak_password',
      title: 'Invalid input',
      detail: 'newPassword: is one of the most common',
    };
    expect(localizeProblem(weak, i18next.t.bind(i18next), 'x')).toEqual({
      title: '请设置更安全的密码',
      detail: undefined,
    });
    await i18next.changeLanguage('en');
    expect(localizeProblem(weak, i18next.t.bind(i18next), 'x').detail).toBe(
      'newPassword: is one of the most common',
    );
    expect(localizeProblem({ title: 'Old server' }, i18next.t.bind(i18next), 'x')).toEqual({
      title: 'Old server',
      detail: undefined,
    });
  });
});

describe('localizeFieldError', () => {
  it('translates a field message by its rule, with the limit the server named', async () => {
    await i18next.changeLanguage('zh-CN');
    const t = i18next.t.bind(i18next);
    expect(localizeFieldError({ code: 'isPhone', message: 'must be a valid phone number' }, t)).toBe(
      '必须是有效的手机号，例如 13800138000',
    );
    expect(localizeFieldError({ code: 'min', message: 'must not be less than 1' }, t)).toBe('不能小于 1');
    expect(
      localizeFieldError(
        { code: 'maxLength', message: 'must be shorter than or equal to 100 characters' },
        t,
      ),
    ).toBe('最多 100 个字符');
    expect(localizeFieldError({ code: 'password_common', message: 'is common' }, t)).toBe(
      '是最常见的密码之一，请换一个',
    );
    expect(localizeFieldError({ code: 'somethingNew', message: 'is odd' }, t)).toBe('is odd');
    expect(localizeFieldError({ message: 'unknown SKU X' }, t)).toBe('unknown SKU X');
  });

  it('ApiProblem shows titles, details and field messages in the reader’s language', async () => {
    await i18next.changeLanguage('zh-CN');
    const p = new ApiProblem(400, {
      title: 'Invalid input',
      code: 'validation_failed',
      detail: 'customer.phone: must be a valid phone number',
      errors: [{ field: 'customer.phone', message: 'must be a valid phone number', code: 'isPhone' }],
    });
    expect(p.title).toBe('请检查标出的字段');
    expect(p.fieldErrors()).toEqual([
      { name: ['customer', 'phone'], errors: ['必须是有效的手机号，例如 13800138000'] },
    ]);
  });
});
