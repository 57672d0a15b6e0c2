import { Injectable } from '@nestjs/common';
import { AuditService } from '@campus/audit';
import { NotFoundError, RequestContext } from '@campus/core';
import { Db } from '@campus/database';
import { TaskRepository } from './task.repository';
import { isFeeKind, TaskFeeView } from './task.types';

/**
 * What an agent earns per training and per repair return, set by the admin (`task_kind_fees`, owned
 * by tasks). A task freezes the fee of its kind when it is opened; when it is done the fee reaches the
 * agent's commission ledger through `task.completed`, like an install fee, once per task.
 */
@Injectable()
export class TaskFeesService {
  constructor(
    private readonly db: Db,
    private readonly tasks: TaskRepository,
    private readonly audit: AuditService,
  ) {}

  async list(ctx: RequestContext): Promise<TaskFeeView[]> {
    const rows = await this.tasks.fees(ctx);
    return rows.map((r) => ({ kind: r.kind, feeCents: r.fee_cents, updatedAt: r.updated_at }));
  }

  /** The admin sets a kind's fee (audited with the old and new amount); tasks opened later earn it. */
  async set(ctx: RequestContext, kind: string, feeCents: number): Promise<TaskFeeView> {
    if (!isFeeKind(kind)) throw new NotFoundError('task fee', kind);
    return this.db.transaction(ctx, async (tx) => {
      const before = await this.tasks.fee(tx, kind, { lock: true });
      const row = await this.tasks.upsertFee(tx, kind, feeCents);
      await this.audit.record(tx, {
        action: 'task_fee.set',
        entityType: 'task_fee',
        entityId: kind,
        before: before === null ? null : { feeCents: before },
        after: { feeCents: row.fee_cents },
      });
      return { kind: row.kind, feeCents: row.fee_cents, updatedAt: row.updated_at };
    });
  }
}
