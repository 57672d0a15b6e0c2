import { Controller, Get, Inject, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { HealthCheckService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { Public, Roles } from '@campus/auth';
import { RequestContext } from '@campus/core';
import { DeadLetters, OutboxHealth, QueueCounts, QueueRegistry } from '@campus/queue';
import type { FastifyReply } from 'fastify';
import type Redis from 'ioredis';
import { REDIS } from '../redis.provider';

/** The public answer: up or down, nothing more (API.md). */
export interface HealthReport {
  status: 'ok' | 'error';
  db: 'up' | 'down';
  redis: 'up' | 'down';
  down?: string[];
}

/** The admins' view (GET /api/health/details): the same, plus queues, dead letters and the outbox. */
export interface HealthDetails extends HealthReport {
  /** Job counts per queue (`failed` are its dead letters); absent while Redis is down. */
  queues?: QueueCounts[];
  /** Jobs that used up their retries (JOB_RETRY_HOURS) or failed for good, all queues together. */
  deadLetters?: number;
  /** The outbox backlog and its oldest pending timer; absent while PostgreSQL is down. */
  outbox?: OutboxHealth;
}

const TIMEOUT_MS = 1_500;

function within<T>(p: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<T>(
    (_, reject) => (timer = setTimeout(() => reject(new Error('timeout')), TIMEOUT_MS)),
  );
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

@ApiTags('operations')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly typeorm: TypeOrmHealthIndicator,
    private readonly queues: QueueRegistry,
    private readonly deadLetters: DeadLetters,
    @Inject(REDIS) private readonly redis: Redis,
  ) {}

  /** 200 when PostgreSQL and Redis answer; 503 naming what is down. Nothing else (details: admins). */
  @Get()
  @Public()
  @ApiOperation({ summary: 'Up or down: {status, db, redis} (503 naming what is down)' })
  async check(@Res({ passthrough: true }) reply: FastifyReply): Promise<HealthReport> {
    const report = await this.probe();
    if (report.status !== 'ok') void reply.status(503);
    return report;
  }

  /**
   * Admins only: the public answer plus job counts per queue, dead letters and the outbox backlog
   * with its oldest pending timer. Same status code rule as the public answer.
   */
  @Get('details')
  @Roles('admin')
  @ApiBearerAuth()
  @ApiOperation({
    summary: 'Health with queues, dead letters, outbox backlog and oldest pending timer (admins)',
  })
  async details(@Res({ passthrough: true }) reply: FastifyReply): Promise<HealthDetails> {
    const report: HealthDetails = await this.probe();
    if (report.redis === 'up') {
      report.queues = await within(this.queues.counts()).catch(() => undefined);
      if (report.queues) report.deadLetters = report.queues.reduce((n, q) => n + q.failed, 0);
    }
    if (report.db === 'up') {
      report.outbox = await within(this.deadLetters.outbox(RequestContext.system('health'))).catch(
        () => undefined,
      );
    }
    if (report.status !== 'ok') void reply.status(503);
    return report;
  }

  private async probe(): Promise<HealthReport> {
    const [db, redis] = await Promise.all([
      this.health
        .check([() => this.typeorm.pingCheck('db', { timeout: TIMEOUT_MS })])
        .then(() => 'up' as const)
        .catch(() => 'down' as const),
      within(this.redis.ping())
        .then(() => 'up' as const)
        .catch(() => 'down' as const),
    ]);
    const report: HealthReport = { status: db === 'up' && redis === 'up' ? 'ok' : 'error', db, redis };
    if (report.status !== 'ok') {
      report.down = [...(db === 'down' ? ['db'] : []), ...(redis === 'down' ? ['redis'] : [])];
    }
    return report;
  }
}
