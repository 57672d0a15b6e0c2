import { generateKeyPairSync } from 'node:crypto';
import {
  ALIPAY_PRODUCTION_GATEWAY,
  alipayNotifyUrl,
  ConfigError,
  loadConfig,
  twilioConfigured,
} from './config';

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

  it('reads the scale-out settings: Redis Cluster needs a hash-tagged prefix; named statements can be off', () => {
    const plain = loadConfig(valid);
    expect(plain.redisCluster).toBe(false);
    expect(plain.dbPreparedStatements).toBe(true);
    expect(() => loadConfig({ ...valid, REDIS_CLUSTER: 'true' })).toThrow(
      /QUEUE_PREFIX must contain a hash tag with REDIS_CLUSTER=true/,
    );
    const cluster = loadConfig({ ...valid, REDIS_CLUSTER: 'true', QUEUE_PREFIX: '{campus}' });
    expect(cluster.redisCluster).toBe(true);
    expect(cluster.queuePrefix).toBe('{campus}');
    expect(loadConfig({ ...valid, DB_PREPARED_STATEMENTS: 'false' }).dbPreparedStatements).toBe(false);
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

  describe('Alipay', () => {
    const pair = (type: 'pkcs1' | 'pkcs8') =>
      generateKeyPairSync('rsa', {
        modulusLength: 2048,
        publicKeyEncoding: { type: 'spki', format: 'pem' },
        privateKeyEncoding: { type, format: 'pem' },
      });
    const app8 = pair('pkcs8');
    const app1 = pair('pkcs1');
    const alipay = pair('pkcs8');
    const alipayEnv = {
      ALIPAY_APP_ID: '2021000122671080',
      ALIPAY_PRIVATE_KEY: app8.privateKey,
      ALIPAY_PUBLIC_KEY: alipay.publicKey,
    };

    it('is off when ALIPAY_APP_ID is unset (cash on delivery only)', () => {
      expect(loadConfig(valid).alipay).toBeUndefined();
    });

    it('reads the keys, detects PKCS#8 and PKCS#1, and derives the v3 endpoint from the gateway', () => {
      const c = loadConfig({ ...valid, ...alipayEnv });
      expect(c.alipay).toMatchObject({
        appId: '2021000122671080',
        keyType: 'PKCS8',
        gateway: ALIPAY_PRODUCTION_GATEWAY,
        endpoint: 'https://openapi.alipay.com',
      });
      expect(c.alipay!.alipayPublicKey).toContain('BEGIN PUBLIC KEY');
      expect(alipayNotifyUrl(c)).toBe('http://localhost:3000/api/payments/alipay/notify');

      const pkcs1 = loadConfig({
        ...valid,
        ...alipayEnv,
        ALIPAY_PRIVATE_KEY: app1.privateKey,
        ALIPAY_GATEWAY: 'https://openapi-sandbox.dl.alipaydev.com/gateway.do',
      }).alipay!;
      expect(pkcs1.keyType).toBe('PKCS1');
      expect(pkcs1.privateKey).toContain('BEGIN RSA PRIVATE KEY');
      expect(pkcs1.endpoint).toBe('https://openapi-sandbox.dl.alipaydev.com');
    });

    it("accepts keys on one line (\\n escapes) and as bare base64, as Alipay's key tool shows them", () => {
      const oneLine = app8.privateKey.trim().replace(/\n/g, '\\n');
      expect(loadConfig({ ...valid, ...alipayEnv, ALIPAY_PRIVATE_KEY: oneLine }).alipay!.keyType).toBe(
        'PKCS8',
      );
      const bare = app1.privateKey.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '');
      expect(loadConfig({ ...valid, ...alipayEnv, ALIPAY_PRIVATE_KEY: bare }).alipay!.keyType).toBe('PKCS1');
      const barePublic = alipay.publicKey.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '');
      expect(
        loadConfig({ ...valid, ...alipayEnv, ALIPAY_PUBLIC_KEY: barePublic }).alipay!.alipayPublicKey,
      ).toBe(alipay.publicKey);
    });

    it('needs all three together and names what is missing or unusable', () => {
      expect(() => loadConfig({ ...valid, ALIPAY_APP_ID: '2021000122671080' })).toThrow(
        /missing ALIPAY_PRIVATE_KEY, ALIPAY_PUBLIC_KEY/,
      );
      expect(() => loadConfig({ ...valid, ...alipayEnv, ALIPAY_PRIVATE_KEY: 'not a key' })).toThrow(
        /ALIPAY_PRIVATE_KEY is not a usable key/,
      );
      expect(() =>
        loadConfig({ ...valid, ...alipayEnv, ALIPAY_PUBLIC_KEY: app8.privateKey.slice(0, 200) }),
      ).toThrow(/ALIPAY_PUBLIC_KEY is not a usable key/);
      expect(() => loadConfig({ ...valid, ...alipayEnv, ALIPAY_APP_ID: 'my-app' })).toThrow(
        /ALIPAY_APP_ID must be/,
      );
      expect(() => loadConfig({ ...valid, ...alipayEnv, ALIPAY_GATEWAY: 'ftp://x/gateway.do' })).toThrow(
        /ALIPAY_GATEWAY must be/,
      );
      expect(() =>
        loadConfig({
          ...valid,
          ...alipayEnv,
          NODE_ENV: 'production',
          ALIPAY_GATEWAY: 'http://127.0.0.1:9/gateway.do',
        }),
      ).toThrow(/ALIPAY_GATEWAY must be an https: URL in production/);
    });
  });

  it('reads the abuse limits with their defaults, and refuses a country that is not ISO 3166', () => {
    const c = loadConfig(valid);
    expect(c).toMatchObject({
      smsAllowedCountries: ['CN'],
      otpHourlyBudget: 2000,
      maxOpenCodOrders: 3,
      codConfirmHours: 24,
      orderRatePerMinute: 30,
      commissionMaxBps: 1500,
    });
    expect(loadConfig({ ...valid, SMS_ALLOWED_COUNTRIES: 'cn, hk,CN' }).smsAllowedCountries).toEqual([
      'CN',
      'HK',
    ]);
    expect(() => loadConfig({ ...valid, SMS_ALLOWED_COUNTRIES: 'CN,XX' })).toThrow(/SMS_ALLOWED_COUNTRIES/);
    expect(() => loadConfig({ ...valid, MAX_OPEN_COD_ORDERS: '0' })).toThrow(/MAX_OPEN_COD_ORDERS/);
    expect(() => loadConfig({ ...valid, COMMISSION_MAX_BPS: '20000' })).toThrow(/COMMISSION_MAX_BPS/);
  });

  it('uses its own CODES_SECRET when given; outside production one is derived from JWT_SECRET', () => {
    expect(loadConfig({ ...valid, CODES_SECRET: 'codes-secret-0123456789' }).codesSecret).toBe(
      'codes-secret-0123456789',
    );
    expect(loadConfig(valid).codesSecret).not.toBe(valid.JWT_SECRET);
    expect(() => loadConfig({ ...valid, CODES_SECRET: 'short' })).toThrow(/CODES_SECRET must be at least 16/);
  });
});
