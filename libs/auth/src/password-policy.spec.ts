import { loadCommonPasswords, passwordWeakness } from './password-policy';

describe('passwordWeakness', () => {
  const common = loadCommonPasswords();

  it('ships a list of common passwords', () => {
    expect(common.size).toBeGreaterThan(1000);
    expect(common.has('password123')).toBe(true);
    expect(common.has('woaini1314')).toBe(true);
  });

  it('refuses short, common (any case), username and unchanged passwords', () => {
    expect(passwordWeakness('short-pw1', { common })).toBe('too_short');
    expect(passwordWeakness('x'.repeat(201), { common })).toBe('too_long');
    expect(passwordWeakness('Password123', { common })).toBe('common');
    expect(passwordWeakness('QWERTYUIOP', { common })).toBe('common');
    expect(passwordWeakness('cc.wang.2026', { common, username: 'CC.Wang.2026' })).toBe('same_as_username');
    expect(passwordWeakness('old-password-1', { common, current: 'old-password-1' })).toBe('unchanged');
  });

  it('accepts a long uncommon password, counting characters rather than bytes', () => {
    expect(passwordWeakness('lantern-harbour-42', { common })).toBeNull();
    expect(passwordWeakness('校园订单系统密码很长啊', { common })).toBeNull();
    expect(passwordWeakness('校园订单系统密码', { common })).toBe('too_short');
  });
});
