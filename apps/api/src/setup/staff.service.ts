import { Injectable } from '@nestjs/common';
import { AuditService } from '@campus/audit';
import { AuthService, User, UsersService } from '@campus/auth';
import {
  BusinessRuleError,
  ForbiddenError,
  NotFoundError,
  RequestContext,
  ValidationError,
} from '@campus/core';
import { Db } from '@campus/database';
import { AgentsService, AgentView, CreateAgentDto, NetworkService, UpdateAgentDto } from '@campus/network';
import { CreateUserDto, UpdateUserDto } from './staff.dto';

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
    createdAt: user.createdAt,
  };
}

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
      if (after.campusId !== before.campusId || after.status !== before.status) {
        await this.audit.record(tx, {
          action:
            after.status !== before.status
              ? `agent.${after.status === 'suspended' ? 'suspend' : 'reactivate'}`
              : 'agent.move',
          entityType: 'agent',
          entityId: id,
          regionId: before.regionId,
          before: { status: before.status, campusId: before.campusId, regionId: before.regionId },
          after: { status: after.status, campusId: after.campusId, regionId: after.regionId },
        });
      }
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
      const [user] = await this.db.query<{ id: string; role: string; region_id: string | null }>(
        tx,
        `SELECT u.id, u.role, COALESCE(u.region_id, c.region_id, pc.region_id) AS region_id
           FROM users u
           LEFT JOIN campuses c ON c.id = u.campus_id
           LEFT JOIN pickup_points p ON p.id = u.pickup_point_id
           LEFT JOIN campuses pc ON pc.id = p.campus_id
          WHERE u.id = $1
            FOR UPDATE OF u`,
        [id],
      );
      const mayManage =
        user &&
        (ctx.is('admin') ||
          (MANAGER_MAY_CREATE.has(user.role) &&
            user.region_id !== null &&
            user.region_id === ctx.principal.regionId));
      if (!mayManage) throw new NotFoundError('user', id);
      if (!dto.active && id === ctx.actorId) {
        throw new BusinessRuleError('cannot_deactivate_self', 'You cannot switch off your own account');
      }
      await this.users.setActive(tx, id, dto.active);
      if (!dto.active && user.role === 'agent') {
        const agent = await this.agents.get(tx, id);
        if (agent.status === 'active') {
          await this.agents.update(tx, id, { status: 'suspended' });
          await this.users.setSuspended(tx, id, true);
        }
      }
      this.auth.forget(id);
      return userView(await this.users.get(tx, id));
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
