import { Controller, Get, Inject, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { HealthCheckService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { Public } from '@campus/auth';
import { QueueCounts, QueueRegistry } from '@campus/queue';
import type { FastifyReply } from 'fastify';
import type { RedisClient } from '@campus/queue';
import { REDIS } from '../redis.provider';

export interface HealthReport {
  status: 'ok' | 'error';
  db: 'up' | 'down';
  redis: 'up' | 'down';
  queues?: QueueCounts[];
  down?: string[];
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
    @Inject(REDIS) private readonly redis: RedisClient,
  ) {}

  /** 200 when PostgreSQL and Redis answer; 503 naming what is down. Queue counts when Redis is up. */
  @Get()
  @Public()
  async check(@Res({ passthrough: true }) reply: FastifyReply): Promise<HealthReport> {
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
    if (redis === 'up') report.queues = await within(this.queues.counts()).catch(() => undefined);
    if (report.status !== 'ok') {
      report.down = [...(db === 'down' ? ['db'] : []), ...(redis === 'down' ? ['redis'] : [])];
      void reply.status(503);
    }
    return report;
  }
}
