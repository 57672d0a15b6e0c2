import { Injectable } from '@nestjs/common';
import { Clock, RequestContext } from '@campus/core';
import { Db } from '@campus/database';
import { AgentReportQueryDto } from './dto/report-query.dto';
import { AGENT_METRICS, AgentMetric, agentMetricsSql } from './agent-metrics';
import { CsvCell, toCsv } from './csv';
import { rateBps } from './rates';
import { reportQuery } from './report-query';
import { ReportScopeResolver, scopeSql } from './report-scope';
import { reportPeriod } from './report-window';

export interface AgentStanding extends Record<AgentMetric, number> {
  rank: number;
  agentId: string;
  displayName: string;
  status: string;
  campus: { id: string; code: string; name: string };
  /** Hand-offs in the period: door deliveries + locker and counter deposits. */
  ordersDelivered: number;
  /** doorDeliveries / ordersDelivered and lockerDeposits / ordersDelivered (bps; null without hand-offs). */
  doorShare: number | null;
  lockerShare: number | null;
}

export interface AgentReport {
  period: string;
  from: Date;
  to: Date;
  regionId: string | null;
  campusId: string | null;
  agents: AgentStanding[];
}

type Row = {
  id: string;
  display_name: string;
  status: string;
  campus_id: string;
  campus_code: string;
  campus_name: string;
} & Record<AgentMetric, string>;

/**
 * The agent leaderboard of one Asia/Shanghai month: every agent in scope (also those with nothing
 * to show), ranked by orders delivered, then tasks done, then earnings, then name. The metrics come
 * from the sources in `agent-metrics.ts` in one statement.
 */
@Injectable()
export class AgentReportService {
  constructor(
    private readonly db: Db,
    private readonly scopes: ReportScopeResolver,
    private readonly clock: Clock,
  ) {}

  async report(ctx: RequestContext, q: AgentReportQueryDto): Promise<AgentReport> {
    const window = reportPeriod(q.period);
    const scope = await this.scopes.resolve(ctx, q);
    const params: unknown[] = [window.from, window.to, this.clock.now(), q.period];
    const filter = scopeSql(scope, { regionCol: 'c.region_id', campusCol: 'ag.campus_id' }, params);
    const rows = await reportQuery<Row>(
      this.db,
      ctx,
      agentMetricsSql(
        `SELECT ag.id, ag.display_name, ag.status, ag.campus_id, c.code AS campus_code, c.name AS campus_name,
                c.region_id
           FROM agents ag JOIN campuses c ON c.id = ag.campus_id
          WHERE TRUE${filter}`,
      ),
      params,
    );
    const standings = rows.map((r) => {
      const m = Object.fromEntries(AGENT_METRICS.map((k) => [k, Number(r[k])])) as Record<
        AgentMetric,
        number
      >;
      const delivered = m.doorDeliveries + m.lockerDeposits + m.counterDeposits;
      return {
        rank: 0,
        agentId: r.id,
        displayName: r.display_name,
        status: r.status,
        campus: { id: r.campus_id, code: r.campus_code, name: r.campus_name },
        ordersDelivered: delivered,
        doorShare: rateBps(m.doorDeliveries, delivered),
        lockerShare: rateBps(m.lockerDeposits, delivered),
        ...m,
      };
    });
    standings.sort(
      (a, b) =>
        b.ordersDelivered - a.ordersDelivered ||
        b.tasksDone - a.tasksDone ||
        b.earningsCents - a.earningsCents ||
        a.displayName.localeCompare(b.displayName) ||
        a.agentId.localeCompare(b.agentId),
    );
    standings.forEach((s, i) => (s.rank = i + 1));
    return {
      period: q.period,
      from: window.from,
      to: window.to,
      regionId: scope.regionId,
      campusId: scope.campusId,
      agents: standings,
    };
  }
}

/** The leaderboard as CSV, one row per agent in rank order. */
export function agentReportCsv(report: AgentReport): string {
  const header = [
    'rank',
    'agent_id',
    'agent',
    'status',
    'campus_code',
    'campus',
    'orders_delivered',
    'door_deliveries',
    'locker_deposits',
    'counter_deposits',
    'door_share_bps',
    'locker_share_bps',
    'tasks_done',
    'tasks_overdue',
    'cod_collected_cents',
    'cod_held_cents',
    'earnings_cents',
  ];
  const rows = report.agents.map((a): CsvCell[] => [
    a.rank,
    a.agentId,
    a.displayName,
    a.status,
    a.campus.code,
    a.campus.name,
    a.ordersDelivered,
    a.doorDeliveries,
    a.lockerDeposits,
    a.counterDeposits,
    a.doorShare,
    a.lockerShare,
    a.tasksDone,
    a.tasksOverdue,
    a.codCollectedCents,
    a.codHeldCents,
    a.earningsCents,
  ]);
  return toCsv(header, rows);
}
