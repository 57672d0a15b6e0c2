import { Injectable } from '@nestjs/common';
import { AuditService } from '@campus/audit';
import { NotFoundError, RequestContext } from '@campus/core';
import { Db } from '@campus/database';
import { FEE_KINDS, FeeKind, TaskFeeView } from './task.types';

/**
 * What an agent earns per training and per repair return, set by the admin (`task_kind_fees`, owned
 * by tasks). A task freezes the fee of its kind when it is opened; when it is done the fee reaches the
 * agent's commission ledger through `task.completed`, like an install fee, once per task.
 */
@Injectable()
export class TaskFeesService {
  constructor(
    private readonly db: Db,
    private readonly audit: AuditService,
  ) {}

  async list(ctx: RequestContext): Promise<TaskFeeView[]> {
    const rows = await this.db.query<{ kind: FeeKind; fee_cents: number; updated_at: Date }>(
      ctx,
      `SELECT kind, fee_cents, updated_at FROM task_kind_fees ORDER BY kind`,
    );
    return rows.map((r) => ({ kind: r.kind, feeCents: r.fee_cents, updatedAt: r.updated_at }));
  }

  /** The admin sets a kind's fee (audited with the old and new amount); tasks opened later earn it. */
  async set(ctx: RequestContext, kind: string, feeCents: number): Promise<TaskFeeView> {
    if (!(FEE_KINDS as readonly string[]).includes(kind)) throw new NotFoundError('task fee', kind);
    return this.db.transaction(ctx, async (tx) => {
      const [before] = await this.db.query<{ fee_cents: number }>(
        tx,
        `SELECT fee_cents FROM task_kind_fees WHERE kind = $1 FOR UPDATE`,
        [kind],
      );
      const [row] = await this.db.query<{ kind: FeeKind; fee_cents: number; updated_at: Date }>(
        tx,
        `INSERT INTO task_kind_fees (kind, fee_cents, updated_by_id, updated_at) VALUES ($1, $2, $3, now())
         ON CONFLICT (kind) DO UPDATE SET fee_cents = EXCLUDED.fee_cents, updated_by_id = EXCLUDED.updated_by_id,
           updated_at = now()
         RETURNING kind, fee_cents, updated_at`,
        [kind, feeCents, ctx.actorId],
      );
      await this.audit.record(tx, {
        action: 'task_fee.set',
        entityType: 'task_fee',
        entityId: kind,
        before: before ? { feeCents: before.fee_cents } : null,
        after: { feeCents: row.fee_cents },
      });
      return { kind: row.kind, feeCents: row.fee_cents, updatedAt: row.updated_at };
    });
  }
}
