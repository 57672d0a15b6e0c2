import i18next from 'i18next';
import { beforeAll, describe, expect, it } from 'vitest';
import { resources } from '../locales';
import { ApiProblem, asProblem, fieldPath } from './problem';

describe('asProblem', () => {
  beforeAll(async () => {
    await i18next.init({
      resources,
      lng: 'zh-CN',
    });
  });

  it('keeps an API problem as it is', () => {
    const p = new ApiProblem(409, { title: 'Not enough stock', detail: 'USB-C: 1 left' });
    expect(asProblem(p)).toBe(p);
  });

  it('turns a network failure into a problem titled in the current language, with the cause', async () => {
    const zh = asProblem(new TypeError('Failed to fetch'));
    expect(zh).toMatchObject({ status: 0, title: '网络错误', detail: 'Failed to fetch' });
    await i18next.changeLanguage('en');
    expect(asProblem('offline').title).toBe('Network error');
  });
});

describe('fieldPath', () => {
  it('names the form field of an API error path', () => {
    expect(fieldPath('lines[1].quantity')).toEqual(['lines', 1, 'quantity']);
    expect(fieldPath('customer.phone')).toEqual(['customer', 'phone']);
  });
});
