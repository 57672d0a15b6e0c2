import { Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuditService } from '@campus/audit';
import { Ctx, Roles } from '@campus/auth';
import { Db } from '@campus/database';
import { RequestContext } from '@campus/core';
import { DeadLetter, DeadLetters } from '@campus/queue';

/**
 * Dead letters (issue 17.7): jobs that kept failing for JOB_RETRY_HOURS (or failed for good). Admins
 * list them and re-run one with a fresh retry schedule; the dashboard at /admin/queues shows the same
 * jobs (its "retry" gives one more attempt).
 */
@ApiTags('operations')
@ApiBearerAuth()
@Controller('admin/dead-letters')
export class DeadLettersController {
  constructor(
    private readonly deadLetters: DeadLetters,
    private readonly audit: AuditService,
    private readonly db: Db,
  ) {}

  @Get()
  @Roles('admin')
  @ApiOperation({ summary: 'Dead letters of every queue, newest first (at most 50 per queue)' })
  async list(): Promise<{ items: DeadLetter[] }> {
    return { items: await this.deadLetters.list() };
  }

  @Post(':queue/:jobId/rerun')
  @Roles('admin')
  @HttpCode(200)
  @ApiOperation({ summary: 'Runs a dead letter again with a fresh retry schedule (404 if it is not one)' })
  async rerun(
    @Ctx() ctx: RequestContext,
    @Param('queue') queue: string,
    @Param('jobId') jobId: string,
  ): Promise<{ rerun: DeadLetter }> {
    const dead = await this.deadLetters.rerun(queue, jobId);
    await this.db.transaction(ctx, (tx) =>
      this.audit.record(tx, {
        action: 'dead_letter.rerun',
        entityType: 'job',
        entityId: `${queue}:${jobId}`,
        regionId: null,
        before: { ...dead },
        after: null,
      }),
    );
    return { rerun: dead };
  }
}
