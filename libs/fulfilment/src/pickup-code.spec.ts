import { pickupCodeHash } from './pickup-code';

describe('pickupCodeHash', () => {
  const secret = 'a-test-secret-of-some-length';

  it('is stable for the same place and code, and never the code itself', () => {
    const h = pickupCodeHash(secret, 'locker-1', '123456');
    expect(h).toBe(pickupCodeHash(secret, 'locker-1', '123456'));
    expect(h).toMatch(/^[0-9a-f]{64}$/);
    expect(h).not.toContain('123456');
  });

  it('differs by place, by code and by secret', () => {
    const h = pickupCodeHash(secret, 'locker-1', '123456');
    expect(pickupCodeHash(secret, 'locker-2', '123456')).not.toBe(h);
    expect(pickupCodeHash(secret, 'locker-1', '123457')).not.toBe(h);
    expect(pickupCodeHash('another-secret-value', 'locker-1', '123456')).not.toBe(h);
  });
});
