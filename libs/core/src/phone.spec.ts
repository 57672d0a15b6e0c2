import { maskPhone, maskPhonesInText, toE164 } from './phone';

describe('toE164', () => {
  it.each([
    ['+8613800138000', '+8613800138000'],
    ['13800138000', '+8613800138000'],
    ['138 0013 8000', '+8613800138000'],
    ['+86-138-0013-8000', '+8613800138000'],
    ['008613800138000', '+8613800138000'],
    ['１３８００１３８０００', '+8613800138000'],
    ['+14155552671', '+14155552671'],
  ])('reads %s as %s', (input, expected) => {
    expect(toE164(input)).toBe(expected);
  });

  it.each(['', 'abc', '12345', '+86123', '1380013800012345678901234567890123', 42, null])(
    'refuses %p',
    (input) => {
      expect(toE164(input)).toBeNull();
    },
  );
});

describe('maskPhone', () => {
  it('hides the middle digits', () => {
    expect(maskPhone('+8613800138000')).toBe('+86138****8000');
  });

  it('masks numbers inside text but leaves order numbers alone', () => {
    expect(maskPhonesInText('to +8613800138000 about order 261125000123')).toBe(
      'to +86138****8000 about order 261125000123',
    );
    expect(maskPhonesInText('phone=13800138000&x=1')).toBe('phone=138****8000&x=1');
  });

  it('masks numbers written with a country code but no plus, and URL-encoded ones', () => {
    for (const text of [
      '/api/orders?phone=%2B8613800138000',
      '/api/orders?phone=%2b8613800138000',
      'from 8613800138000',
      'from 008613800138000',
    ]) {
      const masked = maskPhonesInText(text);
      expect(masked).not.toMatch(/13800138000/);
      expect(masked).toContain('****8000');
    }
  });
});
