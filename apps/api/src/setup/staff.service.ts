import { Injectable } from '@nestjs/common';
import { AuditService } from '@campus/audit';
import { assertStrong, AuthService, User, UsersService } from '@campus/auth';
import {
  BusinessRuleError,
  decodeCursor,
  DEFAULT_PAGE_SIZE,
  ForbiddenError,
  NotFoundError,
  Page,
  RequestContext,
  toPage,
  ValidationError,
} from '@campus/core';
import { Db } from '@campus/database';
import { AgentsService, AgentView, CreateAgentDto, NetworkService, UpdateAgentDto } from '@campus/network';
import { CreateUserDto, UpdateUserDto, UserQueryDto } from './staff.dto';

export interface UserView {
  id: string;
  username: string;
  role: string;
  displayName: string | null;
  phone: string | null;
  regionId: string | null;
  campusId: string | null;
  pickupPointId: string | null;
  active: boolean;
  mustChangePassword: boolean;
  createdAt: Date;
  agent?: AgentView;
}

function userView(user: User): UserView {
  return {
    id: user.id,
    username: user.username,
    role: user.role,
    displayName: user.displayName,
    phone: user.phone,
    regionId: user.regionId,
    campusId: user.campusId,
    pickupPointId: user.pickupPointId,
    active: user.active,
    mustChangePassword: user.mustChangePassword,
    createdAt: user.createdAt,
  };
}

/** What the audit log keeps of an account (never its password or hash). */
function auditedUser(u: UserView): Record<string, unknown> {
  return {
    username: u.username,
    role: u.role,
    displayName: u.displayName,
    regionId: u.regionId,
    campusId: u.campusId,
    pickupPointId: u.pickupPointId,
    active: u.active,
  };
}

/** An account with the region it belongs to (its own, its campus's or its pickup point's). */
const USER_WITH_REGION = `SELECT u.id, u.role, COALESCE(u.region_id, c.region_id, pc.region_id) AS region_id
   FROM users u
   LEFT JOIN campuses c ON c.id = u.campus_id
   LEFT JOIN pickup_points p ON p.id = u.pickup_point_id
   LEFT JOIN campuses pc ON pc.id = p.campus_id`;

/** Roles a regional manager may create, within their region. */
const MANAGER_MAY_CREATE = new Set(['agent', 'pickup_staff']);

/**
 * Staff accounts span two contexts: the account (auth) and, for agents, the agent record (network).
 * This application service checks scope with network and writes both in one transaction.
 */
@Injectable()
export class StaffService {
  constructor(
    private readonly db: Db,
    private readonly users: UsersService,
    private readonly auth: AuthService,
    private readonly network: NetworkService,
    private readonly agents: AgentsService,
    private readonly audit: AuditService,
  ) {}

  async createUser(ctx: RequestContext, dto: CreateUserDto): Promise<UserView> {
    if (ctx.is('regional_manager') && !MANAGER_MAY_CREATE.has(dto.role)) {
      throw new ForbiddenError(`A regional manager may not create ${dto.role} accounts`);
    }
    const scope = await this.scopeFor(ctx, dto);
    assertStrong(this.auth.commonPasswords, dto.password, { username: dto.username, field: 'password' });
    return this.db.transaction(ctx, async (tx) => {
      const user = await this.users.create(tx, {
        username: dto.username,
        password: dto.password,
        role: dto.role,
        displayName: dto.displayName ?? null,
        phone: dto.phone ?? null,
        ...scope,
      });
      const view = userView(user);
      if (dto.role === 'agent') {
        view.agent = await this.agents.create(tx, {
          userId: user.id,
          campusId: scope.campusId!,
          displayName: dto.displayName!,
          phone: dto.phone!,
        });
      }
      await this.audit.record(tx, {
        action: 'user.create',
        entityType: 'user',
        entityId: user.id,
        regionId: scope.regionId,
        before: null,
        after: { ...auditedUser(view), referralCode: view.agent?.referralCode ?? null },
      });
      return view;
    });
  }

  async createAgent(ctx: RequestContext, dto: CreateAgentDto): Promise<AgentView> {
    const created = await this.createUser(ctx, { ...dto, role: 'agent' });
    return created.agent!;
  }

  /**
   * Suspends, reactivates or moves an agent, in one transaction with the account: a suspended agent's
   * account becomes read-only (its tokens keep reading its own history, change nothing), and a moved
   * agent's account follows the new campus and its region (a manager of the old region then has no
   * right over it). Every change is in the audit log.
   */
  async updateAgent(ctx: RequestContext, id: string, dto: UpdateAgentDto): Promise<AgentView> {
    return this.db.transaction(ctx, async (tx) => {
      const { before, after } = await this.agents.update(tx, id, dto);
      if (after.campusId !== before.campusId) {
        await this.users.setCampus(tx, id, after.campusId, after.regionId);
      }
      if (after.status !== before.status) {
        await this.users.setSuspended(tx, id, after.status === 'suspended');
      }
      await this.auditAgent(tx, before, after);
      this.auth.forget(id);
      return after;
    });
  }

  /**
   * Switches a staff account off (or back on). Off: sign-in is refused and the account's tokens stop
   * working (this API forgets its cached principal at once, other replicas within 5 s); an agent's
   * account switched off also suspends the agent, so their undispatched orders go back to the pool
   * (switching it back on does not reactivate the agent: a manager does that). A regional manager may
   * do this for the agents and pickup staff of their region (others: 404); nobody switches off
   * their own account.
   */
  async setActive(ctx: RequestContext, id: string, dto: UpdateUserDto): Promise<UserView> {
    return this.db.transaction(ctx, async (tx) => {
      const user = await this.managedUser(tx, id);
      if (!dto.active && id === ctx.actorId) {
        throw new BusinessRuleError('cannot_deactivate_self', 'You cannot switch off your own account');
      }
      const before = userView(await this.users.get(tx, id));
      await this.users.setActive(tx, id, dto.active);
      if (!dto.active && user.role === 'agent') {
        const agent = await this.agents.get(tx, id);
        if (agent.status === 'active') {
          const moved = await this.agents.update(tx, id, { status: 'suspended' });
          await this.users.setSuspended(tx, id, true);
          await this.auditAgent(tx, moved.before, moved.after);
        }
      }
      this.auth.forget(id);
      const after = userView(await this.users.get(tx, id));
      if (before.active !== after.active) {
        await this.audit.record(tx, {
          action: after.active ? 'user.activate' : 'user.deactivate',
          entityType: 'user',
          entityId: id,
          regionId: user.region_id,
          before: { active: before.active },
          after: { active: after.active },
        });
      }
      return after;
    });
  }

  /**
   * Gives a staff account a temporary password it must change at its next sign-in; its tokens stop
   * working at once. Admins reset anyone but themselves (they change their own); a regional manager
   * resets the agents and pickup staff of their region (anyone else: 404). The audit row records the
   * reset, never the password.
   */
  async resetPassword(ctx: RequestContext, id: string): Promise<{ temporaryPassword: string }> {
    const temporaryPassword = await this.db.transaction(ctx, async (tx) => {
      const user = await this.managedUser(tx, id);
      if (id === ctx.actorId) {
        throw new BusinessRuleError(
          'cannot_reset_own_password',
          'Change your own password with POST /api/auth/password instead',
        );
      }
      const before = await this.users.get(tx, id);
      const temporary = await this.auth.resetPassword(tx, id);
      await this.audit.record(tx, {
        action: 'user.password_reset',
        entityType: 'user',
        entityId: id,
        regionId: user.region_id,
        before: { mustChangePassword: before.mustChangePassword },
        after: { mustChangePassword: true, tokensRevoked: true },
      });
      return temporary;
    });
    this.auth.forget(id);
    return { temporaryPassword };
  }

  /** Staff accounts within the caller's scope (admin: all; manager: their region's), newest first. */
  async listUsers(ctx: RequestContext, q: UserQueryDto): Promise<Page<UserView>> {
    const params: unknown[] = [];
    const add = (v: unknown) => {
      params.push(v);
      return `$${params.length}`;
    };
    const where: string[] = [];
    if (ctx.is('regional_manager')) {
      where.push(`x.region_id = ${add(ctx.principal.regionId ?? null)}`);
      where.push(`x.role IN ('agent', 'pickup_staff')`);
    }
    if (q.role) where.push(`x.role = ${add(q.role)}`);
    if (q.active !== undefined) where.push(`u.active = ${add(q.active)}`);
    if (q.q) {
      const like = add(`%${q.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
      where.push(`(u.username ILIKE ${like} OR u.display_name ILIKE ${like})`);
    }
    if (q.cursor) {
      const [username] = decodeCursor(q.cursor, ['string']);
      where.push(`lower(u.username) > lower(${add(username)})`);
    }
    const limit = q.limit ?? DEFAULT_PAGE_SIZE;
    const rows = await this.db.query<{ id: string }>(
      ctx,
      `SELECT u.id, u.username FROM users u JOIN (${USER_WITH_REGION}) x ON x.id = u.id
        ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY lower(u.username) LIMIT ${limit + 1}`,
      params,
    );
    const page = toPage(rows as { id: string; username: string }[], limit, (r) => [r.username]);
    const users = page.items.length
      ? await this.db.repo(ctx, User).find({ where: page.items.map((r) => ({ id: r.id })) })
      : [];
    const byId = new Map(users.map((u) => [u.id, u]));
    return { ...page, items: page.items.map((r) => userView(byId.get(r.id)!)) };
  }

  /** The account locked for change, if the caller may manage it (else 404). */
  private async managedUser(
    tx: RequestContext,
    id: string,
  ): Promise<{ id: string; role: string; region_id: string | null }> {
    const [user] = await this.db.query<{ id: string; role: string; region_id: string | null }>(
      tx,
      `${USER_WITH_REGION} WHERE u.id = $1 FOR UPDATE OF u`,
      [id],
    );
    const mayManage =
      user &&
      (tx.is('admin') ||
        (MANAGER_MAY_CREATE.has(user.role) &&
          user.region_id !== null &&
          user.region_id === tx.principal.regionId));
    if (!mayManage) throw new NotFoundError('user', id);
    return user;
  }

  private async auditAgent(tx: RequestContext, before: AgentView, after: AgentView): Promise<void> {
    const moved = before.campusId !== after.campusId;
    if (!moved && before.status === after.status) return;
    const action = moved ? 'agent.move' : after.status === 'suspended' ? 'agent.suspend' : 'agent.reactivate';
    await this.audit.record(tx, {
      action,
      entityType: 'agent',
      entityId: after.id,
      regionId: after.regionId,
      before: { status: before.status, campusId: before.campusId, regionId: before.regionId },
      after: { status: after.status, campusId: after.campusId, regionId: after.regionId },
    });
  }

  /** The region/campus/point a new account is tied to, checked against the caller's scope (404). */
  private async scopeFor(
    ctx: RequestContext,
    dto: CreateUserDto,
  ): Promise<{ regionId: string | null; campusId: string | null; pickupPointId: string | null }> {
    const need = (field: keyof CreateUserDto, value: unknown) => {
      if (!value) throw ValidationError.field(field, `is required for ${dto.role} accounts`);
    };
    switch (dto.role) {
      case 'regional_manager':
        need('regionId', dto.regionId);
        await this.network.regionInScope(ctx, dto.regionId!);
        return { regionId: dto.regionId!, campusId: null, pickupPointId: null };
      case 'agent': {
        need('campusId', dto.campusId);
        need('displayName', dto.displayName);
        need('phone', dto.phone);
        const campus = await this.network.campusInScope(ctx, dto.campusId!);
        return { regionId: campus.regionId, campusId: campus.id, pickupPointId: null };
      }
      case 'pickup_staff': {
        need('pickupPointId', dto.pickupPointId);
        const point = await this.network.pickupPointInScope(ctx, dto.pickupPointId!);
        return { regionId: point.regionId, campusId: point.campusId, pickupPointId: point.id };
      }
      default:
        if (!ctx.is('admin', 'system')) throw new NotFoundError('region');
        return { regionId: null, campusId: null, pickupPointId: null };
    }
  }
}
