import { describe, expect, it } from 'vitest';
import { parseDeskSearch, shareLink } from './desk-search';

describe('the call centre’s search box', () => {
  it('reads a phone number in the forms staff type', () => {
    expect(parseDeskSearch('138 0013 8000')).toEqual({ phone: '+8613800138000' });
    expect(parseDeskSearch('+86 138-0013-8000')).toEqual({ phone: '+8613800138000' });
  });

  it('reads an order number as read out, spaces ignored', () => {
    expect(parseDeskSearch('261206 000003')).toEqual({ number: '261206000003' });
    expect(parseDeskSearch('261206000003')).toEqual({ number: '261206000003' });
  });

  it('refuses anything else', () => {
    expect(parseDeskSearch('CO-123')).toBeNull();
    expect(parseDeskSearch('12345')).toBeNull();
    expect(parseDeskSearch('')).toBeNull();
  });
});

describe('shareLink', () => {
  it('is the shop with the agent’s code', () => {
    expect(shareLink('https://campus.example', 'AG7K2Q')).toBe('https://campus.example/shop?agent=AG7K2Q');
  });
});
