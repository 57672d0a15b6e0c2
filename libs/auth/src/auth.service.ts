import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { AuditService } from '@campus/audit';
import {
  AppConfig,
  ForbiddenError,
  InjectConfig,
  isUuid,
  numericCode,
  Principal,
  purposeKey,
  RateLimitedError,
  RequestContext,
  UnauthorizedError,
} from '@campus/core';
import { Db } from '@campus/database';
import { BadCredentialsError, CurrentPasswordWrongError, OtpRejectedError } from './auth.errors';
import { CustomerRef, CustomersService } from './customers.service';
import { OtpRepository } from './otp.repository';
import { PasswordHasher } from './password-hasher';
import { assertStrong, loadCommonPasswords, temporaryPassword } from './password-policy';
import { PrincipalRepository } from './principal.repository';
import { UsersService } from './users.service';
import type { StaffRole } from './user.entity';

export const OTP_TTL_SECONDS = 5 * 60;
export const OTP_MAX_TRIES = 5;
/** A phone may ask for this many codes per OTP_WINDOW_MINUTES, and not more often than every resend interval. */
export const OTP_PER_WINDOW = 3;
export const OTP_WINDOW_MINUTES = 15;
export const OTP_RESEND_SECONDS = 30;

/** What the token carries; the rest of the principal is loaded (and briefly cached) per request. */
export interface TokenClaims {
  sub: string;
  kind: 'user' | 'customer';
  role: StaffRole | 'customer';
  /** The account's token version when the token was issued (staff); a password change bumps it. */
  ver?: number;
}

export interface StaffSession {
  accessToken: string;
  user: {
    id: string;
    role: StaffRole;
    username: string;
    displayName: string | null;
    /** True after a password reset: every route but the password change answers 403 until then. */
    mustChangePassword: boolean;
  };
}

export interface CustomerSession {
  accessToken: string;
  customer: { id: string; phone: string };
}

const PRINCIPAL_TTL_MS = 5_000;

@Injectable()
export class AuthService {
  private readonly cache = new Map<
    string,
    { at: number; principal: Principal | null; tokenVersion: number }
  >();
  private readonly policy = loadCommonPasswords();

  constructor(
    private readonly db: Db,
    private readonly otps: OtpRepository,
    private readonly principals: PrincipalRepository,
    private readonly users: UsersService,
    private readonly customers: CustomersService,
    private readonly hasher: PasswordHasher,
    private readonly jwt: JwtService,
    private readonly audit: AuditService,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  /** The shipped common-password list (for callers that set passwords: account creation). */
  get commonPasswords(): ReadonlySet<string> {
    return this.policy;
  }

  async login(ctx: RequestContext, username: string, password: string): Promise<StaffSession> {
    const user = await this.users.findForLogin(ctx, username);
    // Verify against a dummy hash when the user does not exist, so timing does not reveal usernames.
    const ok = await this.hasher.verify(user?.passwordHash ?? DUMMY_HASH, password);
    if (!user || !ok || !user.active) throw new BadCredentialsError();
    const accessToken = await this.jwt.signAsync({
      sub: user.id,
      kind: 'user',
      role: user.role,
      ver: user.tokenVersion,
    } satisfies TokenClaims);
    return {
      accessToken,
      user: {
        id: user.id,
        role: user.role,
        username: user.username,
        displayName: user.displayName,
        mustChangePassword: user.mustChangePassword,
      },
    };
  }

  /**
   * The caller changes their own password: the current one must be right (422 otherwise: the token
   * is valid, the request is refused), the new one strong enough. Clears a pending reset and revokes
   * every token of the account, this one included: the client signs in again with the new password.
   */
  async changePassword(ctx: RequestContext, currentPassword: string, newPassword: string): Promise<void> {
    if (ctx.principal.kind !== 'user') throw new ForbiddenError('Only staff accounts have a password');
    const id = ctx.principal.id;
    await this.db.transaction(ctx, async (tx) => {
      const row = await this.principals.lockCredentials(tx, id);
      if (!row) throw new UnauthorizedError();
      if (!(await this.hasher.verify(row.password_hash, currentPassword))) {
        throw new CurrentPasswordWrongError();
      }
      assertStrong(this.policy, newPassword, { username: row.username, current: currentPassword });
      await this.users.setPassword(tx, id, newPassword, { mustChange: false });
      await this.audit.record(tx, {
        action: 'user.password_change',
        entityType: 'user',
        entityId: id,
        regionId: ctx.principal.regionId ?? null,
        before: null,
        after: { mustChangePassword: false, tokensRevoked: true },
      });
    });
    this.forget(id);
  }

  /**
   * Gives an account a temporary password that must be changed at its next sign-in, and revokes the
   * account's tokens. Who may reset whom is the caller's decision (the staff service checks scope).
   */
  async resetPassword(ctx: RequestContext, userId: string): Promise<string> {
    const temporary = temporaryPassword();
    await this.users.setPassword(ctx, userId, temporary, { mustChange: true });
    this.forget(userId);
    return temporary;
  }

  /**
   * Creates a one-time code for `phone` (stored as an HMAC, never in clear) and returns it so the
   * caller can text it in the same transaction. Per-phone limits are enforced here, in the database,
   * under a lock per phone (the caller's transaction holds it until commit), so they hold across API
   * replicas and under any number of parallel requests. Then the global hourly budget
   * (OTP_HOURLY_BUDGET, all numbers together) is counted; past it no code is made and the answer says
   * so (`first` for the request that crossed it) — the caller commits that count, then refuses.
   */
  async createOtp(
    ctx: RequestContext,
    phone: string,
  ): Promise<
    { code: string } | { overBudget: { used: number; budget: number; first: boolean; hour: Date } }
  > {
    if (!ctx.manager) throw new Error('createOtp runs inside the caller’s transaction');
    await this.otps.lockPhone(ctx, phone);
    const { n, last_age } = await this.otps.recent(ctx, phone, OTP_WINDOW_MINUTES);
    if (last_age !== null && last_age < OTP_RESEND_SECONDS) {
      throw new RateLimitedError(
        'A code was sent to this number moments ago; wait before asking again',
        Math.ceil(OTP_RESEND_SECONDS - last_age),
        'otp_too_soon',
      );
    }
    if (n >= OTP_PER_WINDOW) {
      throw new RateLimitedError(
        `At most ${OTP_PER_WINDOW} codes per ${OTP_WINDOW_MINUTES} minutes per number`,
        OTP_WINDOW_MINUTES * 60,
        'otp_rate_limited',
      );
    }
    const spent = await this.otps.spendHourlyBudget(ctx);
    const budget = this.config.otpHourlyBudget;
    if (spent.used > budget) {
      return { overBudget: { used: spent.used, budget, first: spent.used === budget + 1, hour: spent.hour } };
    }
    const code = numericCode(6);
    await this.otps.replaceOpen(ctx, phone, this.otpHash(phone, code), OTP_TTL_SECONDS);
    return { code };
  }

  /** Checks the latest code of `phone`; five wrong tries use it up. Signs the customer in (creating them). */
  async verifyOtp(ctx: RequestContext, phone: string, code: string): Promise<CustomerSession> {
    type Outcome = { error: 'otp_wrong' | 'otp_expired' | 'otp_exhausted' } | { customer: CustomerRef };
    const outcome = await this.db.transaction(ctx, async (tx): Promise<Outcome> => {
      const otp = await this.otps.lockLatestOpen(tx, phone);
      if (!otp || otp.expired) return { error: 'otp_expired' as const };
      if (otp.attempts >= OTP_MAX_TRIES) return { error: 'otp_exhausted' as const };
      if (!safeEqual(otp.code_hash, this.otpHash(phone, code))) {
        await this.otps.countWrongTry(tx, otp.id);
        return {
          error: otp.attempts + 1 >= OTP_MAX_TRIES ? ('otp_exhausted' as const) : ('otp_wrong' as const),
        };
      }
      await this.otps.consume(tx, otp.id);
      return { customer: await this.customers.findOrCreate(tx, phone) };
    });
    // The wrong-try counter must be committed, so the error is thrown after the transaction.
    if ('error' in outcome) throw new OtpRejectedError(outcome.error);
    return this.customerSession(outcome.customer);
  }

  async customerSession(customer: CustomerRef): Promise<CustomerSession> {
    const accessToken = await this.jwt.signAsync({
      sub: customer.id,
      kind: 'customer',
      role: 'customer',
    } satisfies TokenClaims);
    return { accessToken, customer: { id: customer.id, phone: customer.phone } };
  }

  /**
   * The principal behind a valid token, or null when the account is gone or disabled. Cached for a
   * few seconds per process: a disabled account loses access within that time on every replica.
   */
  async principalFor(claims: TokenClaims): Promise<Principal | null> {
    // A signed token with a malformed subject is refused without asking the database.
    if (!isUuid(claims.sub)) return null;
    const key = `${claims.kind}:${claims.sub}`;
    let hit = this.cache.get(key);
    if (!hit || Date.now() - hit.at >= PRINCIPAL_TTL_MS) {
      const loaded = await this.loadPrincipal(claims);
      if (this.cache.size > 10_000) this.cache.clear();
      hit = { at: Date.now(), ...loaded };
      this.cache.set(key, hit);
    }
    // A token issued before the account's last password change or reset is revoked.
    if (claims.kind === 'user' && (claims.ver ?? 0) !== hit.tokenVersion) return null;
    return hit.principal;
  }

  private async loadPrincipal(
    claims: TokenClaims,
  ): Promise<{ principal: Principal | null; tokenVersion: number }> {
    const ctx = RequestContext.system();
    if (claims.kind === 'customer') {
      const c = await this.principals.customer(ctx, claims.sub);
      const principal: Principal | null = c
        ? { kind: 'customer', id: c.id, role: 'customer', phone: c.phone }
        : null;
      return { principal, tokenVersion: 0 };
    }
    const u = await this.principals.staff(ctx, claims.sub);
    if (!u || !u.active) return { principal: null, tokenVersion: u?.token_version ?? 0 };
    const principal: Principal = {
      kind: 'user',
      id: u.id,
      role: u.role,
      username: u.username,
      regionId: u.region_id,
      campusId: u.campus_id,
      pickupPointId: u.pickup_point_id,
      // An agent's record shares its user's id.
      agentId: u.role === 'agent' ? u.id : null,
      ...(u.suspended ? { suspended: true } : {}),
      mustChangePassword: u.must_change_password,
      tokenVersion: u.token_version,
    };
    return { principal, tokenVersion: u.token_version };
  }

  /**
   * A short-lived token for one purpose (e.g. the queue dashboard's cookie), signed with a key derived
   * from JWT_SECRET for that purpose alone: it is never accepted as an API bearer token, nor an API
   * token in its place. It carries the account's token version, so a password change revokes it.
   */
  async signPurposeToken(purpose: string, principal: Principal, ttlSeconds: number): Promise<string> {
    if (principal.kind !== 'user') throw new ForbiddenError('Only staff accounts get this session');
    const claims: TokenClaims = {
      sub: principal.id,
      kind: 'user',
      role: principal.role as StaffRole,
      ver: principal.tokenVersion ?? 0,
    };
    return this.jwt.signAsync(claims, {
      secret: this.purposeKey(purpose),
      expiresIn: ttlSeconds,
      algorithm: 'HS256',
    });
  }

  /** The account behind a purpose token as it is now (null: bad, expired, revoked or switched off). */
  async principalForPurposeToken(purpose: string, token: string): Promise<Principal | null> {
    let claims: TokenClaims;
    try {
      claims = await this.jwt.verifyAsync<TokenClaims>(token, {
        secret: this.purposeKey(purpose),
        algorithms: ['HS256'],
      });
    } catch {
      return null;
    }
    return claims?.kind === 'user' && claims.sub ? this.principalFor(claims) : null;
  }

  private purposeKey(purpose: string): string {
    return createHmac('sha256', this.config.jwtSecret).update(`purpose-token:${purpose}`).digest('hex');
  }

  /** Drops cached principals (tests and account changes on this replica). */
  forget(id?: string): void {
    if (!id) return this.cache.clear();
    this.cache.delete(`user:${id}`);
    this.cache.delete(`customer:${id}`);
  }

  private otpHash(phone: string, code: string): string {
    return createHmac('sha256', purposeKey(this.config.codesSecret, 'otp-hash'))
      .update(`otp:${phone}:${code}`)
      .digest('hex');
  }
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

const DUMMY_HASH =
  '$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$2Ztm3CZNh0Qj1yfN0vPzNQ3X7kYzK8l9yN8k1d7cG9w';
