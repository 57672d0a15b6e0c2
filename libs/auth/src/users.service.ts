import { Injectable, Logger } from '@nestjs/common';
import { NotFoundError, RequestContext } from '@campus/core';
import { Db, pgErrorCode } from '@campus/database';
import { UsernameTakenError } from './auth.errors';
import { PasswordHasher } from './password-hasher';
import { StaffRole, User } from './user.entity';

export interface NewUser {
  id?: string;
  username: string;
  password: string;
  role: StaffRole;
  displayName?: string | null;
  phone?: string | null;
  regionId?: string | null;
  campusId?: string | null;
  pickupPointId?: string | null;
}

/** Staff accounts. Scope checks of the ids a user is tied to are the caller's (the set-up service). */
@Injectable()
export class UsersService {
  private readonly log = new Logger(UsersService.name);

  constructor(
    private readonly db: Db,
    private readonly hasher: PasswordHasher,
  ) {}

  async create(ctx: RequestContext, input: NewUser): Promise<User> {
    const passwordHash = await this.hasher.hash(input.password);
    try {
      const rows = await this.db.query<{ id: string }>(
        ctx,
        `INSERT INTO users (id, username, password_hash, role, display_name, phone, region_id, campus_id, pickup_point_id)
         VALUES (COALESCE($1::uuid, gen_random_uuid()), $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
        [
          input.id ?? null,
          input.username,
          passwordHash,
          input.role,
          input.displayName ?? null,
          input.phone ?? null,
          input.regionId ?? null,
          input.campusId ?? null,
          input.pickupPointId ?? null,
        ],
      );
      return this.get(ctx, rows[0].id);
    } catch (err) {
      if (pgErrorCode(err) === '23505') throw new UsernameTakenError(input.username);
      throw err;
    }
  }

  async get(ctx: RequestContext, id: string): Promise<User> {
    const user = await this.db.repo(ctx, User).findOne({ where: { id } });
    if (!user) throw new NotFoundError('user', id);
    return user;
  }

  async findForLogin(ctx: RequestContext, username: string): Promise<User | null> {
    return this.db
      .repo(ctx, User)
      .createQueryBuilder('u')
      .addSelect('u.passwordHash')
      .where('lower(u.username) = lower(:username)', { username })
      .getOne();
  }

  /** Switches an account on or off (off: no sign-in, and its tokens stop working). */
  async setActive(ctx: RequestContext, userId: string, active: boolean): Promise<void> {
    await this.db.query(ctx, `UPDATE users SET active = $2, updated_at = now() WHERE id = $1`, [
      userId,
      active,
    ]);
  }

  /**
   * Sets a new password (hashed here), marks whether it must be changed at the next sign-in, and
   * bumps the token version so every token issued before stops working.
   */
  async setPassword(
    ctx: RequestContext,
    userId: string,
    password: string,
    opts: { mustChange: boolean },
  ): Promise<void> {
    const hash = await this.hasher.hash(password);
    await this.db.query(
      ctx,
      `UPDATE users SET password_hash = $2, must_change_password = $3, token_version = token_version + 1,
              updated_at = now()
        WHERE id = $1`,
      [userId, hash, opts.mustChange],
    );
  }

  /**
   * Which of these pickup points have someone at the counter: at least one active pickup-staff
   * account (a counter parcel is handed over by staff; a bare locker lobby has none).
   */
  async staffedPickupPoints(ctx: RequestContext, pickupPointIds: string[]): Promise<Set<string>> {
    if (pickupPointIds.length === 0) return new Set();
    const rows = await this.db.query<{ pickup_point_id: string }>(
      ctx,
      `SELECT DISTINCT pickup_point_id FROM users
        WHERE role = 'pickup_staff' AND active AND pickup_point_id = ANY($1::uuid[])`,
      [pickupPointIds],
    );
    return new Set(rows.map((r) => r.pickup_point_id));
  }

  /**
   * Moves an agent's account to another campus and that campus's region (kept in step with the agent
   * record, in the caller's transaction): the old region's manager loses every right over it.
   */
  async setCampus(ctx: RequestContext, userId: string, campusId: string, regionId: string): Promise<void> {
    await this.db.query(
      ctx,
      `UPDATE users SET campus_id = $2, region_id = $3, updated_at = now() WHERE id = $1`,
      [userId, campusId, regionId],
    );
  }

  /** Marks an account suspended (read-only) or not: an agent's suspension, kept in step with it. */
  async setSuspended(ctx: RequestContext, userId: string, suspended: boolean): Promise<void> {
    await this.db.query(ctx, `UPDATE users SET suspended = $2, updated_at = now() WHERE id = $1`, [
      userId,
      suspended,
    ]);
  }

  /**
   * Creates the admin from ADMIN_USERNAME / ADMIN_PASSWORD when the database has no admin yet.
   * Safe to run from several replicas at once: the username is unique.
   */
  async bootstrapAdmin(ctx: RequestContext, username: string, password: string): Promise<boolean> {
    const existing = await this.db.query(ctx, `SELECT 1 FROM users WHERE role = 'admin' LIMIT 1`);
    if (existing.length > 0) return false;
    const hash = await this.hasher.hash(password);
    const rows = await this.db.query(
      ctx,
      `INSERT INTO users (username, password_hash, role, display_name) VALUES ($1, $2, 'admin', 'Administrator')
       ON CONFLICT DO NOTHING RETURNING id`,
      [username, hash],
    );
    if (rows.length > 0) this.log.log(`created the admin user "${username}"`);
    return rows.length > 0;
  }
}
