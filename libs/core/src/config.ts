import { SECRET_VARIABLES, secretProblem } from './secrets';
import { createPrivateKey, createPublicKey, KeyObject } from 'node:crypto';

/**
 * Configuration is read once from the environment and validated before anything starts.
 * A bad or missing variable stops boot with a message naming it.
 */

/** Alipay's production gateway (the form API); the v3 API lives at the same origin. */
export const ALIPAY_PRODUCTION_GATEWAY = 'https://openapi.alipay.com/gateway.do';

/** Online payment by Alipay: set only when ALIPAY_APP_ID, ALIPAY_PRIVATE_KEY and ALIPAY_PUBLIC_KEY are. */
export interface AlipayConfig {
  appId: string;
  /** The app's RSA private key as PEM, in the format it was given. */
  privateKey: string;
  keyType: 'PKCS1' | 'PKCS8';
  /** Alipay's RSA public key as SPKI PEM (checks notices and the gateway's answers). */
  alipayPublicKey: string;
  /** The form API (`…/gateway.do`). */
  gateway: string;
  /** The v3 API's base (the gateway's origin and base path, without `/gateway.do`). */
  endpoint: string;
}

export interface AppConfig {
  nodeEnv: string;
  port: number;
  databaseUrl: string;
  dbPoolSize: number;
  redisUrl: string;
  /**
   * REDIS_URL names one node of a Redis Cluster (the others are discovered). Queue keys then need one
   * hash slot per queue: QUEUE_PREFIX must carry a hash tag (`{campus}`), checked at start-up.
   */
  redisCluster: boolean;
  queuePrefix: string;
  /**
   * How long a worker's hold on a running job lasts without renewal (Bull's lockDuration; renewed at
   * half of it). A worker that dies (SIGKILL, lost host) leaves its jobs "stalled"; another worker
   * takes them back after at most about twice this. Default 30 s.
   */
  queueLockMs: number;
  /**
   * Named (server-side prepared) statements on the hot paths. Off behind a pooler in transaction
   * mode that cannot keep them (PgBouncer < 1.21, or without max_prepared_statements): the same SQL
   * then runs unnamed, parsed per execution.
   */
  dbPreparedStatements: boolean;
  /** Signs access tokens (HS256), and nothing else. */
  jwtSecret: string;
  /**
   * Master secret of one-time codes: HKDF derives one key per purpose from it (OTP hashes, pickup
   * codes, task codes, the sealed texts that carry codes to the sender; see `purposeKey`).
   */
  codesSecret: string;
  jwtTtlSeconds: number;
  adminUsername: string;
  adminPassword: string;
  publicBaseUrl: string;
  twilio: { accountSid?: string; authToken?: string; from?: string; apiBaseUrl?: string };
  paymentWebhookSecret: string;
  /** Alipay, or undefined when ALIPAY_APP_ID is unset (online payment off: cash on delivery only). */
  alipay?: AlipayConfig;
  demoData: boolean;
  paymentWindowMinutes: number;
  lockerHoldHours: number;
  /**
   * How long one hour of the locker schedule lasts (reminders at 24/48 h, expiry at lockerHoldHours).
   * Always 3 600 000 in production; tests shorten it so the real outbox timers fire in seconds.
   */
  lockerHourMs: number;
  installSlaHours: number;
  /** An after-sales ticket without a first staff reply this many hours after it was opened is overdue. */
  ticketSlaHours: number;
  /** Delivered orders without tasks complete after this many hours (0 = at once). */
  returnWindowHours: number;
  /** A customer may ask to return lines of a delivered order for this many days after delivery. */
  returnRequestDays: number;
  smsQuoteTtlMinutes: number;
  logLevel: string;
  bodyLimitBytes: number;
  /**
   * Outbox relay: the poll interval while its LISTEN connection is down (it wakes on NOTIFY
   * otherwise), and the base of its back-off while Redis is unreachable.
   */
  relayIntervalMs: number;
  /** Outbox relay: the slow safety poll while it listens (a lost notice is picked up by then). */
  relaySafetyPollMs: number;
  /** Outbox relay: how long a wake-up waits to gather more rows into one claim (group commit). */
  relayBatchWindowMs: number;
  /** Outbox relay: where it LISTENs (a direct PostgreSQL URL; LISTEN does not pass a transaction pooler). */
  relayListenUrl: string;
  /** Whether rate limits are enforced (off only for benchmarks). */
  rateLimits: boolean;
  /**
   * Which peers may set X-Forwarded-For (the client address behind rate limits and logs): false,
   * true (anyone: only behind a proxy that overwrites the header), a hop count, or addresses/CIDRs.
   */
  trustProxy: boolean | number | string;
  /** ISO 3166 countries whose numbers may be texted a one-time code. */
  smsAllowedCountries: string[];
  /** One-time sign-in codes texted per clock hour, all numbers together; beyond it, 429 and an alert. */
  otpHourlyBudget: number;
  /** Undelivered cash-on-delivery orders a customer may have open at once. */
  maxOpenCodOrders: number;
  /** COD orders still undelivered this long after placement go on the managers' list. */
  codConfirmHours: number;
  /** Orders one caller may create per minute. */
  orderRatePerMinute: number;
  /** Commission rates and tier bonuses above this (basis points) are for admins only. */
  commissionMaxBps: number;
  /** Requests per minute one client address may make to the public catalogue (GET /api/shop/...). */
  shopRateLimitPerMinute: number;
  /** Reliability (issue 17.7–17.8): retries, dead letters, the sweeper, statement limits, retention. */
  reliability: ReliabilityConfig;
}

export interface ReliabilityConfig {
  /** A failing job is retried for at least this many hours before it becomes a dead letter. */
  jobRetryHours: number;
  /** First retry delay; each next one doubles, up to jobBackoffMaxMs. */
  jobBackoffBaseMs: number;
  /** The cap of the retry delay. */
  jobBackoffMaxMs: number;
  /** How often the sweeper looks for overdue outbox rows and vanished jobs (≥ 30 s in production). */
  sweepIntervalMs: number;
  /** A text stuck in "sending" this long is reconciled with the provider before it is sent again. */
  smsSendingStaleSeconds: number;
  /** statement_timeout of API requests (ms). */
  dbStatementTimeoutMs: number;
  /** statement_timeout of report queries (ms): longer. */
  dbReportStatementTimeoutMs: number;
  /** statement_timeout of the worker's jobs (ms). */
  dbWorkerStatementTimeoutMs: number;
  /** idle_in_transaction_session_timeout of every connection (ms). */
  dbIdleInTransactionTimeoutMs: number;
  /** How often the retention job runs (minutes). */
  retentionIntervalMinutes: number;
  /** Idempotency keys of orders are kept this long (≥ 24 h). */
  retentionIdempotencyHours: number;
  /** Processed-job markers are kept this long (must outlive any redelivery: > JOB_RETRY_HOURS + 1 h). */
  retentionProcessedJobsHours: number;
  /** Expired or used one-time codes, lockout rows and their budgets are kept this long. */
  retentionCodesHours: number;
  /** Inbound SMS conversations (messages, quotes) and delivery reports are kept this many days. */
  retentionSmsDays: number;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

class Reader {
  readonly problems: string[] = [];
  constructor(private readonly env: Env) {}

  private raw(name: string): string | undefined {
    const v = this.env[name];
    return v === undefined || v.trim() === '' ? undefined : v.trim();
  }

  string(name: string, opts: { required?: boolean; default?: string; minLength?: number } = {}): string {
    const v = this.raw(name) ?? opts.default;
    if (v === undefined) {
      if (opts.required !== false) this.problems.push(`${name} is required`);
      return '';
    }
    if (opts.minLength && v.length < opts.minLength) {
      this.problems.push(`${name} must be at least ${opts.minLength} characters`);
    }
    return v;
  }

  optional(name: string): string | undefined {
    return this.raw(name);
  }

  int(name: string, def: number, min: number, max: number): number {
    const v = this.raw(name);
    if (v === undefined) return def;
    const n = Number(v);
    if (!/^-?\d+$/.test(v) || !Number.isSafeInteger(n) || n < min || n > max) {
      this.problems.push(`${name} must be an integer between ${min} and ${max}, got "${v}"`);
      return def;
    }
    return n;
  }

  bool(name: string, def: boolean): boolean {
    const v = this.raw(name);
    if (v === undefined) return def;
    if (/^(true|1|yes)$/i.test(v)) return true;
    if (/^(false|0|no)$/i.test(v)) return false;
    this.problems.push(`${name} must be true or false, got "${v}"`);
    return def;
  }

  /** TRUST_PROXY: true/false, a hop count, or a comma-separated list of addresses, CIDRs and keywords. */
  trustProxy(name: string, def: string): boolean | number | string {
    const v = this.raw(name) ?? def;
    if (/^(true|false)$/i.test(v)) return v.toLowerCase() === 'true';
    if (/^\d{1,2}$/.test(v)) return Number(v);
    const items = v.split(',').map((s) => s.trim());
    const ok = items.every(
      (s) =>
        /^(loopback|linklocal|uniquelocal)$/.test(s) ||
        /^\d{1,3}(\.\d{1,3}){3}(\/\d{1,2})?$/.test(s) ||
        /^[0-9a-fA-F:]+:[0-9a-fA-F:]*(\/\d{1,3})?$/.test(s),
    );
    if (!ok) {
      this.problems.push(
        `${name} must be true, false, a hop count or addresses/CIDRs (loopback, 10.0.0.0/8, …), got "${v}"`,
      );
      return def;
    }
    return items.join(',');
  }

  /** A comma-separated list of ISO 3166-1 alpha-2 country codes. */
  countries(name: string, def: string): string[] {
    const v = (this.raw(name) ?? def).toUpperCase();
    const items = v
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    const bad = items.filter((c) => !ISO_COUNTRIES.has(c));
    if (items.length === 0 || bad.length) {
      this.problems.push(
        `${name} must be a comma-separated list of ISO 3166 country codes (e.g. CN,HK), got "${v}"`,
      );
      return def.split(',');
    }
    return [...new Set(items)];
  }

  url(name: string, protocols: string[], opts: { required?: boolean; default?: string } = {}): string {
    const v = this.string(name, opts);
    if (!v) return v;
    try {
      const u = new URL(v);
      if (!protocols.includes(u.protocol)) {
        this.problems.push(`${name} must be a ${protocols.join(' or ')} URL, got "${u.protocol}"`);
      }
    } catch {
      this.problems.push(`${name} must be a URL`);
    }
    return v;
  }
}

/** A PEM from the environment: `\\n` escapes (one-line .env files) become line breaks. */
function pemText(v: string): string {
  return v.replace(/\\n/g, '\n').trim();
}

/** Bare base64 (as Alipay's key tool shows keys) is DER; anything with a header is PEM. */
function derOf(v: string): Buffer | null {
  const compact = v.replace(/\s+/g, '');
  return /^[A-Za-z0-9+/]+=*$/.test(compact) ? Buffer.from(compact, 'base64') : null;
}

/** The app's private key: PKCS#1 ("RSA PRIVATE KEY") or PKCS#8 ("PRIVATE KEY"), PEM or bare base64. */
export function readAlipayPrivateKey(raw: string): { pem: string; keyType: 'PKCS1' | 'PKCS8' } {
  const text = pemText(raw);
  const der = derOf(text);
  const attempts: { type: 'pkcs1' | 'pkcs8'; load: () => KeyObject }[] = der
    ? [
        { type: 'pkcs8', load: () => createPrivateKey({ key: der, format: 'der', type: 'pkcs8' }) },
        { type: 'pkcs1', load: () => createPrivateKey({ key: der, format: 'der', type: 'pkcs1' }) },
      ]
    : [{ type: /BEGIN RSA PRIVATE KEY/.test(text) ? 'pkcs1' : 'pkcs8', load: () => createPrivateKey(text) }];
  for (const a of attempts) {
    try {
      const key = a.load();
      if (key.asymmetricKeyType !== 'rsa') throw new Error('not an RSA key');
      const pem = key.export({ type: a.type, format: 'pem' }).toString();
      return { pem, keyType: a.type === 'pkcs1' ? 'PKCS1' : 'PKCS8' };
    } catch {
      /* try the next format */
    }
  }
  throw new Error('not an RSA private key (PEM or base64, PKCS#1 or PKCS#8)');
}

/** Alipay's public key as SPKI PEM (accepts SPKI or PKCS#1 PEM, or bare base64 SPKI). */
export function readAlipayPublicKey(raw: string): string {
  const text = pemText(raw);
  const der = derOf(text);
  const key = der ? createPublicKey({ key: der, format: 'der', type: 'spki' }) : createPublicKey(text);
  if (key.asymmetricKeyType !== 'rsa') throw new Error('not an RSA public key');
  return key.export({ type: 'spki', format: 'pem' }).toString();
}

function readAlipay(r: Reader): AlipayConfig | undefined {
  const appId = r.optional('ALIPAY_APP_ID');
  const rawPrivate = r.optional('ALIPAY_PRIVATE_KEY');
  const rawPublic = r.optional('ALIPAY_PUBLIC_KEY');
  const gateway = r.url('ALIPAY_GATEWAY', ['https:', 'http:'], { default: ALIPAY_PRODUCTION_GATEWAY });
  const set = [appId, rawPrivate, rawPublic].filter((v) => v !== undefined).length;
  if (set === 0) return undefined;
  if (set < 3) {
    const missing = [
      ['ALIPAY_APP_ID', appId],
      ['ALIPAY_PRIVATE_KEY', rawPrivate],
      ['ALIPAY_PUBLIC_KEY', rawPublic],
    ]
      .filter(([, v]) => v === undefined)
      .map(([n]) => n);
    r.problems.push(
      `Alipay needs ALIPAY_APP_ID, ALIPAY_PRIVATE_KEY and ALIPAY_PUBLIC_KEY together; missing ${missing.join(', ')}`,
    );
    return undefined;
  }
  if (!/^\d{10,32}$/.test(appId!)) r.problems.push('ALIPAY_APP_ID must be the app id Alipay gave (digits)');
  let privateKey: { pem: string; keyType: 'PKCS1' | 'PKCS8' } | undefined;
  try {
    privateKey = readAlipayPrivateKey(rawPrivate!);
  } catch (err) {
    r.problems.push(`ALIPAY_PRIVATE_KEY is not a usable key: ${(err as Error).message}`);
  }
  let alipayPublicKey: string | undefined;
  try {
    alipayPublicKey = readAlipayPublicKey(rawPublic!);
  } catch {
    r.problems.push('ALIPAY_PUBLIC_KEY is not a usable key: not an RSA public key (PEM or base64)');
  }
  if (!privateKey || !alipayPublicKey || !gateway) return undefined;
  const base = new URL(gateway);
  base.pathname = base.pathname.replace(/\/gateway\.do$/, '').replace(/\/+$/, '');
  base.search = '';
  return {
    appId: appId!,
    privateKey: privateKey.pem,
    keyType: privateKey.keyType,
    alipayPublicKey,
    gateway,
    endpoint: base.toString().replace(/\/+$/, ''),
  };
}

function readReliability(r: Reader): ReliabilityConfig {
  const c: ReliabilityConfig = {
    jobRetryHours: r.int('JOB_RETRY_HOURS', 24, 1, 30 * 24),
    jobBackoffBaseMs: r.int('JOB_BACKOFF_BASE_MS', 2_000, 10, 3_600_000),
    jobBackoffMaxMs: r.int('JOB_BACKOFF_MAX_MS', 300_000, 100, 6 * 3_600_000),
    sweepIntervalMs: r.int('SWEEP_INTERVAL_MS', 60_000, 1_000, 3_600_000),
    smsSendingStaleSeconds: r.int('SMS_SENDING_STALE_SECONDS', 120, 1, 24 * 3600),
    dbStatementTimeoutMs: r.int('DB_STATEMENT_TIMEOUT_MS', 15_000, 100, 3_600_000),
    dbReportStatementTimeoutMs: r.int('DB_REPORT_STATEMENT_TIMEOUT_MS', 120_000, 100, 6 * 3_600_000),
    dbWorkerStatementTimeoutMs: r.int('DB_WORKER_STATEMENT_TIMEOUT_MS', 60_000, 100, 3_600_000),
    dbIdleInTransactionTimeoutMs: r.int('DB_IDLE_IN_TRANSACTION_TIMEOUT_MS', 60_000, 100, 3_600_000),
    retentionIntervalMinutes: r.int('RETENTION_INTERVAL_MINUTES', 60, 1, 24 * 60),
    retentionIdempotencyHours: r.int('RETENTION_IDEMPOTENCY_HOURS', 72, 24, 365 * 24),
    retentionProcessedJobsHours: r.int('RETENTION_PROCESSED_JOBS_HOURS', 14 * 24, 2, 365 * 24),
    retentionCodesHours: r.int('RETENTION_CODES_HOURS', 7 * 24, 1, 365 * 24),
    retentionSmsDays: r.int('RETENTION_SMS_DAYS', 90, 1, 3650),
  };
  if (c.jobBackoffMaxMs < c.jobBackoffBaseMs) {
    r.problems.push('JOB_BACKOFF_MAX_MS must be at least JOB_BACKOFF_BASE_MS');
  }
  // A marker must outlive every redelivery of its job: the retry window, plus the sweeper's
  // re-publication window (one more hour), or a redelivered job would act twice.
  if (c.retentionProcessedJobsHours <= c.jobRetryHours + 1) {
    r.problems.push(
      `RETENTION_PROCESSED_JOBS_HOURS must exceed JOB_RETRY_HOURS + 1 (${c.jobRetryHours + 1}): markers must outlive retries`,
    );
  }
  if (c.dbReportStatementTimeoutMs < c.dbStatementTimeoutMs) {
    r.problems.push('DB_REPORT_STATEMENT_TIMEOUT_MS must be at least DB_STATEMENT_TIMEOUT_MS');
  }
  return c;
}

export function loadConfig(env: Env = process.env): AppConfig {
  const r = new Reader(env);
  const production = r.optional('NODE_ENV') === 'production';
  const twilioSid = r.optional('TWILIO_ACCOUNT_SID');
  if (twilioSid && !/^AC[0-9a-fA-F]{32}$/.test(twilioSid)) {
    r.problems.push('TWILIO_ACCOUNT_SID must look like AC followed by 32 hex digits');
  }
  const twilioFrom = r.optional('TWILIO_FROM');
  const config: AppConfig = {
    nodeEnv: r.string('NODE_ENV', { default: 'development' }),
    port: r.int('PORT', 3000, 0, 65535),
    databaseUrl: r.url('DATABASE_URL', ['postgres:', 'postgresql:']),
    dbPoolSize: r.int('DB_POOL_SIZE', 20, 1, 500),
    dbPreparedStatements: r.bool('DB_PREPARED_STATEMENTS', true),
    redisUrl: r.url('REDIS_URL', ['redis:', 'rediss:']),
    redisCluster: r.bool('REDIS_CLUSTER', false),
    queuePrefix: r.string('QUEUE_PREFIX', { default: 'campus' }),
    queueLockMs: r.int('QUEUE_LOCK_MS', 30_000, 1_000, 600_000),
    jwtSecret: r.string('JWT_SECRET', { minLength: 16 }),
    // Outside production a missing CODES_SECRET is derived from JWT_SECRET (so older local setups
    // still start); production requires its own.
    codesSecret:
      r.optional('CODES_SECRET') ??
      (production
        ? r.string('CODES_SECRET', { minLength: 16 })
        : `derived-for-development:${env.JWT_SECRET ?? ''}`),
    jwtTtlSeconds: r.int('JWT_TTL_SECONDS', 8 * 3600, 60, 30 * 24 * 3600),
    adminUsername: r.string('ADMIN_USERNAME'),
    adminPassword: r.string('ADMIN_PASSWORD', { minLength: 8 }),
    publicBaseUrl: r.url('PUBLIC_BASE_URL', ['http:', 'https:']).replace(/\/+$/, ''),
    twilio: {
      accountSid: twilioSid,
      authToken: r.optional('TWILIO_AUTH_TOKEN'),
      from: twilioFrom,
      apiBaseUrl: r.optional('TWILIO_API_BASE_URL'),
    },
    paymentWebhookSecret: r.string('PAYMENT_WEBHOOK_SECRET', { minLength: 16 }),
    alipay: readAlipay(r),
    demoData: r.bool('DEMO_DATA', !production),
    paymentWindowMinutes: r.int('PAYMENT_WINDOW_MINUTES', 30, 1, 7 * 24 * 60),
    lockerHoldHours: r.int('LOCKER_HOLD_HOURS', 72, 1, 30 * 24),
    lockerHourMs: r.int('LOCKER_HOUR_MS', 3_600_000, 10, 3_600_000),
    installSlaHours: r.int('INSTALL_SLA_HOURS', 48, 1, 30 * 24),
    ticketSlaHours: r.int('TICKET_SLA_HOURS', 24, 1, 30 * 24),
    returnWindowHours: r.int('RETURN_WINDOW_HOURS', 0, 0, 90 * 24),
    returnRequestDays: r.int('RETURN_WINDOW_DAYS', 7, 0, 365),
    smsQuoteTtlMinutes: r.int('SMS_QUOTE_TTL_MINUTES', 10, 1, 24 * 60),
    logLevel: r.string('LOG_LEVEL', { default: 'info' }),
    bodyLimitBytes: r.int('BODY_LIMIT_BYTES', 64 * 1024, 1024, 10 * 1024 * 1024),
    relayIntervalMs: r.int('RELAY_INTERVAL_MS', 200, 10, 60_000),
    relaySafetyPollMs: r.int('RELAY_SAFETY_POLL_MS', 60_000, 1_000, 3_600_000),
    relayBatchWindowMs: r.int('RELAY_BATCH_WINDOW_MS', 20, 0, 1_000),
    relayListenUrl:
      r.optional('RELAY_LISTEN_URL') !== undefined
        ? r.url('RELAY_LISTEN_URL', ['postgres:', 'postgresql:'])
        : (env.DATABASE_URL ?? ''),
    rateLimits: r.bool('RATE_LIMITS', true),
    trustProxy: r.trustProxy('TRUST_PROXY', 'loopback'),
    smsAllowedCountries: r.countries('SMS_ALLOWED_COUNTRIES', 'CN'),
    otpHourlyBudget: r.int('OTP_HOURLY_BUDGET', 2000, 1, 10_000_000),
    maxOpenCodOrders: r.int('MAX_OPEN_COD_ORDERS', 3, 1, 1000),
    codConfirmHours: r.int('COD_CONFIRM_HOURS', 24, 1, 30 * 24),
    orderRatePerMinute: r.int('ORDER_RATE_PER_MINUTE', 30, 1, 100_000),
    reliability: readReliability(r),
    commissionMaxBps: r.int('COMMISSION_MAX_BPS', 1500, 0, 10_000),
    shopRateLimitPerMinute: r.int('SHOP_RATE_LIMIT_PER_MINUTE', 300, 1, 1_000_000),
  };
  if (config.redisCluster && !/\{[^{}]+\}/.test(config.queuePrefix)) {
    r.problems.push(
      `QUEUE_PREFIX must contain a hash tag with REDIS_CLUSTER=true (e.g. {campus}), got "${config.queuePrefix}"`,
    );
  }
  if (r.optional('CODES_SECRET') && config.codesSecret.length < 16) {
    r.problems.push('CODES_SECRET must be at least 16 characters');
  }
  if (!['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(config.logLevel)) {
    r.problems.push(`LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent`);
  }
  if (config.nodeEnv === 'production') {
    if (config.lockerHourMs !== 3_600_000) {
      r.problems.push('LOCKER_HOUR_MS is a test setting and must not be set in production');
    }
    for (const name of SECRET_VARIABLES) {
      const problem = secretProblem(name, r.optional(name));
      if (problem) r.problems.push(problem);
    }
    if (config.reliability.sweepIntervalMs < 30_000) {
      r.problems.push('SWEEP_INTERVAL_MS must be at least 30000 in production (idle statement budget)');
    }
    if (config.demoData) {
      r.problems.push('DEMO_DATA must be false in production (demo accounts have published passwords)');
    }
  }
  if (config.nodeEnv === 'production' && config.alipay && !config.alipay.gateway.startsWith('https:')) {
    r.problems.push('ALIPAY_GATEWAY must be an https: URL in production');
  }
  if (twilioFrom && !/^\+\d{6,15}$/.test(twilioFrom) && !/^MG[0-9a-fA-F]{32}$/.test(twilioFrom)) {
    r.problems.push('TWILIO_FROM must be an E.164 number or a Messaging Service SID');
  }
  if (r.problems.length) throw new ConfigError(r.problems);
  return config;
}

/** Where Alipay sends its asynchronous notices. */
export function alipayNotifyUrl(config: AppConfig): string {
  return `${config.publicBaseUrl}/api/payments/alipay/notify`;
}

/** Whether outbound SMS goes to Twilio (all three set) or to the log transport. */
export function twilioConfigured(config: AppConfig): boolean {
  return Boolean(config.twilio.accountSid && config.twilio.authToken && config.twilio.from);
}

/** ISO 3166-1 alpha-2 codes (SMS_ALLOWED_COUNTRIES is checked against them). */
const ISO_COUNTRIES = new Set(
  (
    'AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW ' +
    'BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI ' +
    'FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN ' +
    'IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME ' +
    'MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF ' +
    'PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV ' +
    'SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE ' +
    'YT ZA ZM ZW'
  ).split(' '),
);

/**
 * The configuration, or — for a bad environment — a plain message naming every variable at fault
 * on stderr and exit code 78 (EX_CONFIG), without a stack trace. Every entry point starts here.
 */
export function configOrExit(
  env: Env = process.env,
  io: { write: (text: string) => void; exit: (code: number) => never } = {
    write: (text) => process.stderr.write(text),
    exit: (code) => process.exit(code),
  },
): AppConfig {
  try {
    return loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) {
      io.write(`${err.message}\n`);
      return io.exit(78);
    }
    throw err;
  }
}
