import { Injectable } from '@nestjs/common';
import type { RequestContext } from '@campus/core';
import { Db, sql } from '@campus/database';
import type { StaffRole } from './user.entity';

/** What a staff principal is made of (the `users` row). */
export interface StaffPrincipalRow {
  id: string;
  username: string;
  role: StaffRole;
  region_id: string | null;
  campus_id: string | null;
  pickup_point_id: string | null;
  active: boolean;
  must_change_password: boolean;
  token_version: number;
  suspended: boolean;
}

/** The reads behind a token's principal and a password change (auth's `users` and `customers`). */
@Injectable()
export class PrincipalRepository {
  constructor(private readonly db: Db) {}

  async customer(ctx: RequestContext, id: string): Promise<{ id: string; phone: string } | null> {
    const [row] = await this.db.query<{ id: string; phone: string }>(
      ctx,
      sql`SELECT id, phone FROM customers WHERE id = ${id}`,
    );
    return row ?? null;
  }

  async staff(ctx: RequestContext, id: string): Promise<StaffPrincipalRow | null> {
    const [row] = await this.db.query<StaffPrincipalRow>(
      ctx,
      sql`SELECT id, username, role, region_id, campus_id, pickup_point_id, active, must_change_password,
                 token_version, suspended
            FROM users WHERE id = ${id}`,
    );
    return row ?? null;
  }

  /** A staff account's username and password hash, locked for a password change. */
  async lockCredentials(
    tx: RequestContext,
    id: string,
  ): Promise<{ username: string; password_hash: string } | null> {
    const [row] = await this.db.query<{ username: string; password_hash: string }>(
      tx,
      sql`SELECT username, password_hash FROM users WHERE id = ${id} FOR UPDATE`,
    );
    return row ?? null;
  }
}
