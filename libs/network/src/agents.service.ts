import { Injectable } from '@nestjs/common';
import {
  decodeCursor,
  DEFAULT_PAGE_SIZE,
  ForbiddenError,
  NotFoundError,
  Page,
  readableCode,
  RequestContext,
  toPage,
} from '@campus/core';
import { Db, pgConstraint, pgErrorCode, SqlParams } from '@campus/database';
import { event, OutboxEvent, OutboxService } from '@campus/queue';
import { AgentQueryDto } from './dto/network.dto';
import { networkScopeSql } from './network-scope';
import { Agent, AgentStatus } from './network.entities';
import { NetworkService } from './network.service';

export interface AgentView {
  id: string;
  userId: string;
  campusId: string;
  regionId: string;
  referralCode: string;
  displayName: string;
  phone: string;
  status: AgentStatus;
  createdAt: Date;
}

const AGENT_COLUMNS = `a.id, a.user_id AS "userId", a.campus_id AS "campusId", c.region_id AS "regionId",
  a.referral_code AS "referralCode", a.display_name AS "displayName", a.phone, a.status, a.created_at AS "createdAt"`;

/** Campus agents: their campus, referral code and status. */
@Injectable()
export class AgentsService {
  constructor(
    private readonly db: Db,
    private readonly network: NetworkService,
    private readonly outbox: OutboxService,
  ) {}

  /** Creates the agent record of an (already created) agent user. The referral code is unique. */
  async create(
    ctx: RequestContext,
    input: { userId: string; campusId: string; displayName: string; phone: string },
  ): Promise<AgentView> {
    await this.network.campusInScope(ctx, input.campusId);
    for (let attempt = 0; ; attempt++) {
      try {
        await this.db.query(
          ctx,
          `INSERT INTO agents (id, user_id, campus_id, referral_code, display_name, phone) VALUES ($1, $1, $2, $3, $4, $5)`,
          [input.userId, input.campusId, readableCode(6), input.displayName, input.phone],
        );
        return this.get(ctx, input.userId);
      } catch (err) {
        if (attempt < 5 && pgErrorCode(err) === '23505' && pgConstraint(err) === 'agents_referral_code_key')
          continue;
        throw err;
      }
    }
  }

  async get(ctx: RequestContext, id: string): Promise<AgentView> {
    const params: unknown[] = [id];
    const scope = this.scope(ctx, params);
    const rows = await this.db.query<AgentView>(
      ctx,
      `SELECT ${AGENT_COLUMNS} FROM agents a JOIN campuses c ON c.id = a.campus_id WHERE a.id = $1 AND ${scope}`,
      params,
    );
    if (!rows[0]) throw new NotFoundError('agent', id);
    return rows[0];
  }

  async list(ctx: RequestContext, q: AgentQueryDto): Promise<Page<AgentView>> {
    const params = new SqlParams();
    const where = [this.scope(ctx, params)];
    if (q.campusId) {
      where.push(`a.campus_id = ${params.add(q.campusId)}`);
    }
    if (q.status) {
      where.push(`a.status = ${params.add(q.status)}`);
    }
    if (q.cursor) {
      const [createdAt, id] = decodeCursor(q.cursor, ['string', 'string']);
      where.push(`(a.created_at, a.id) > (${params.add(createdAt)}::timestamptz, ${params.add(id)}::uuid)`);
    }
    const limit = q.limit ?? DEFAULT_PAGE_SIZE;
    // The cursor keeps PostgreSQL's microseconds: a JS Date would round them off and repeat rows.
    const rows = await this.db.query<AgentView & { cursorAt: string }>(
      ctx,
      `SELECT ${AGENT_COLUMNS}, a.created_at::text AS "cursorAt" FROM agents a JOIN campuses c ON c.id = a.campus_id
        WHERE ${where.join(' AND ')} ORDER BY a.created_at, a.id LIMIT ${limit + 1}`,
      params,
    );
    const page = toPage(rows, limit, (a) => [a.cursorAt, a.id]);
    return { ...page, items: page.items.map(({ cursorAt: _, ...agent }) => agent) };
  }

  /**
   * Changes status and/or campus. Locks the agent row so a concurrent assignment sees the new status.
   * A suspension or a move publishes `agent.suspended` / `agent.moved` in the same transaction, so the
   * agent's undispatched orders go back to the pool. Returns the agent before and after.
   */
  async update(
    ctx: RequestContext,
    id: string,
    patch: { status?: AgentStatus; campusId?: string },
  ): Promise<{ before: AgentView; after: AgentView }> {
    return this.db.transaction(ctx, async (tx) => {
      const before = await this.get(tx, id);
      await this.db.query(tx, `SELECT 1 FROM agents WHERE id = $1 FOR UPDATE`, [id]);
      if (patch.campusId && patch.campusId !== before.campusId)
        await this.network.campusInScope(tx, patch.campusId);
      await this.db.query(
        tx,
        `UPDATE agents SET status = COALESCE($2, status), campus_id = COALESCE($3, campus_id), updated_at = now() WHERE id = $1`,
        [id, patch.status ?? null, patch.campusId ?? null],
      );
      const after = await this.get(tx, id);
      const events: OutboxEvent[] = [];
      if (before.status === 'active' && after.status === 'suspended') {
        events.push(
          event(
            'agent.suspended',
            { agentId: id, campusId: before.campusId, regionId: before.regionId },
            { aggregateId: id },
          ),
        );
      } else if (after.campusId !== before.campusId) {
        events.push(
          event(
            'agent.moved',
            { agentId: id, fromCampusId: before.campusId, toCampusId: after.campusId },
            { aggregateId: id },
          ),
        );
      }
      await this.outbox.append(tx, events);
      return { before, after };
    });
  }

  /** The agent owning a referral code, active or suspended, or null for an unknown code. */
  async findByCode(
    ctx: RequestContext,
    code: string,
  ): Promise<{ id: string; campusId: string; status: AgentStatus } | null> {
    const rows = await this.db.query<{ id: string; campus_id: string; status: AgentStatus }>(
      ctx,
      `SELECT id, campus_id, status FROM agents WHERE referral_code = $1`,
      [code.trim().toUpperCase()],
    );
    return rows[0] ? { id: rows[0].id, campusId: rows[0].campus_id, status: rows[0].status } : null;
  }

  /** When the calling agent last opened their list of deliveries and of tasks (null: never). */
  async workSeen(ctx: RequestContext): Promise<{ ordersSeenAt: Date | null; tasksSeenAt: Date | null }> {
    const [row] = await this.db.query<{ orders_seen_at: Date | null; tasks_seen_at: Date | null }>(
      ctx,
      `SELECT orders_seen_at, tasks_seen_at FROM agents WHERE id = $1`,
      [this.callingAgent(ctx)],
    );
    if (!row) throw new NotFoundError('agent', ctx.principal.agentId ?? undefined);
    return { ordersSeenAt: row.orders_seen_at, tasksSeenAt: row.tasks_seen_at };
  }

  /** The calling agent has just opened a list: what is in it now is no longer new. */
  async markWorkSeen(
    ctx: RequestContext,
    list: 'orders' | 'tasks',
  ): Promise<{ ordersSeenAt: Date | null; tasksSeenAt: Date | null }> {
    const column = list === 'orders' ? 'orders_seen_at' : 'tasks_seen_at';
    const [row] = await this.db.query<{ orders_seen_at: Date | null; tasks_seen_at: Date | null }>(
      ctx,
      `UPDATE agents SET ${column} = now() WHERE id = $1 RETURNING orders_seen_at, tasks_seen_at`,
      [this.callingAgent(ctx)],
    );
    if (!row) throw new NotFoundError('agent', ctx.principal.agentId ?? undefined);
    return { ordersSeenAt: row.orders_seen_at, tasksSeenAt: row.tasks_seen_at };
  }

  private callingAgent(ctx: RequestContext): string {
    if (!ctx.is('agent') || !ctx.principal.agentId) throw new ForbiddenError('Only agents have a work list');
    return ctx.principal.agentId;
  }

  /** The active agent owning a referral code, or null (unknown codes never fail an order). */
  async findActiveByCode(
    ctx: RequestContext,
    code: string,
  ): Promise<{ id: string; campusId: string } | null> {
    const rows = await this.db.query<{ id: string; campus_id: string }>(
      ctx,
      `SELECT id, campus_id FROM agents WHERE referral_code = $1 AND status = 'active'`,
      [code.trim().toUpperCase()],
    );
    return rows[0] ? { id: rows[0].id, campusId: rows[0].campus_id } : null;
  }

  async status(ctx: RequestContext, id: string): Promise<{ status: AgentStatus; campusId: string } | null> {
    const a = await this.db.repo(ctx, Agent).findOne({ where: { id } });
    return a ? { status: a.status, campusId: a.campusId } : null;
  }

  /**
   * Stamps the agent as just given an order (`last_assigned_at`, the tie-break of the least-loaded
   * rule), in the caller's transaction, returning what the assignment text needs: the agent's user
   * and phone, and the name of the order's pickup point (when it has one). Null for an unknown agent.
   */
  async markAssigned(
    tx: RequestContext,
    agentId: string,
    pickupPointId: string | null | undefined,
  ): Promise<{ user_id: string; phone: string; point_name: string | null } | null> {
    const [agent] = await this.db.query<{ user_id: string; phone: string; point_name: string | null }>(
      tx,
      `UPDATE agents SET last_assigned_at = now() WHERE id = $1
       RETURNING user_id, phone, (SELECT name FROM pickup_points WHERE id = $2::uuid) AS point_name`,
      [agentId, pickupPointId ?? null],
    );
    return agent ?? null;
  }

  private scope(ctx: RequestContext, params: SqlParams | unknown[]): string {
    const bound = SqlParams.of(params);
    if (ctx.principal.role === 'agent') {
      return `a.id = ${bound.add(ctx.principal.agentId)}`;
    }
    return networkScopeSql(ctx, { regionCol: 'c.region_id', campusCol: 'a.campus_id' }, params);
  }
}
