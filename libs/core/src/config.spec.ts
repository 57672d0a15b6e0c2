import { ConfigError, loadConfig, twilioConfigured } from './config';

const valid = {
  DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/x',
  REDIS_URL: 'redis://127.0.0.1:6379',
  JWT_SECRET: 'a-very-long-secret-value',
  ADMIN_USERNAME: 'admin',
  ADMIN_PASSWORD: 'admin-password',
  PUBLIC_BASE_URL: 'http://localhost:3000/',
  PAYMENT_WEBHOOK_SECRET: 'another-long-secret',
};

describe('loadConfig', () => {
  it('reads a valid environment with defaults', () => {
    const c = loadConfig(valid);
    expect(c.port).toBe(3000);
    expect(c.publicBaseUrl).toBe('http://localhost:3000');
    expect(c.demoData).toBe(true);
    expect(c.paymentWindowMinutes).toBe(30);
    expect(c.lockerHoldHours).toBe(72);
    expect(c.lockerHourMs).toBe(3_600_000);
    expect(twilioConfigured(c)).toBe(false);
  });

  it('names every bad or missing variable', () => {
    const env: Record<string, string> = {
      ...valid,
      PORT: 'eighty',
      REDIS_URL: 'http://x',
      DEMO_DATA: 'maybe',
    };
    delete env.DATABASE_URL;
    try {
      loadConfig(env);
      throw new Error('should have failed');
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      const msg = (e as Error).message;
      expect(msg).toContain('DATABASE_URL is required');
      expect(msg).toContain('PORT must be an integer');
      expect(msg).toContain('REDIS_URL must be a redis: or rediss: URL');
      expect(msg).toContain('DEMO_DATA must be true or false');
    }
  });

  it('refuses a short JWT secret and a malformed Twilio SID', () => {
    expect(() => loadConfig({ ...valid, JWT_SECRET: 'short' })).toThrow(/JWT_SECRET must be at least 16/);
    expect(() => loadConfig({ ...valid, TWILIO_ACCOUNT_SID: 'nope' })).toThrow(/TWILIO_ACCOUNT_SID/);
  });

  it('trusts X-Forwarded-For only from loopback by default, and reads TRUST_PROXY', () => {
    expect(loadConfig(valid).trustProxy).toBe('loopback');
    expect(loadConfig({ ...valid, TRUST_PROXY: 'false' }).trustProxy).toBe(false);
    expect(loadConfig({ ...valid, TRUST_PROXY: 'true' }).trustProxy).toBe(true);
    expect(loadConfig({ ...valid, TRUST_PROXY: '2' }).trustProxy).toBe(2);
    expect(loadConfig({ ...valid, TRUST_PROXY: 'loopback, 10.0.0.0/8,fd00::/8' }).trustProxy).toBe(
      'loopback,10.0.0.0/8,fd00::/8',
    );
    expect(() => loadConfig({ ...valid, TRUST_PROXY: 'everyone' })).toThrow(/TRUST_PROXY must be/);
  });

  it('reads the public catalogue rate limit per address (default 300 a minute)', () => {
    expect(loadConfig(valid).shopRateLimitPerMinute).toBe(300);
    expect(loadConfig({ ...valid, SHOP_RATE_LIMIT_PER_MINUTE: '20' }).shopRateLimitPerMinute).toBe(20);
    expect(() => loadConfig({ ...valid, SHOP_RATE_LIMIT_PER_MINUTE: '0' })).toThrow(
      /SHOP_RATE_LIMIT_PER_MINUTE must be an integer between 1 and 1000000/,
    );
  });

  it('refuses a shortened locker hour in production', () => {
    expect(loadConfig({ ...valid, LOCKER_HOUR_MS: '50' }).lockerHourMs).toBe(50);
    expect(() => loadConfig({ ...valid, NODE_ENV: 'production', LOCKER_HOUR_MS: '50' })).toThrow(
      /LOCKER_HOUR_MS is a test setting/,
    );
  });

  it('uses Twilio only when all three variables are set', () => {
    const c = loadConfig({
      ...valid,
      TWILIO_ACCOUNT_SID: 'AC' + 'a'.repeat(32),
      TWILIO_AUTH_TOKEN: 'token',
      TWILIO_FROM: '+15005550006',
    });
    expect(twilioConfigured(c)).toBe(true);
  });
});
