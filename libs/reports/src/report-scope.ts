import { Injectable } from '@nestjs/common';
import { ForbiddenError, NotFoundError, RequestContext } from '@campus/core';
import { Db, SqlParams } from '@campus/database';

/** The region and campus a report is limited to (null: no limit on that level). */
export interface ReportScope {
  regionId: string | null;
  campusId: string | null;
}

/**
 * Resolves the caller's scope for a report (DESIGN.md §2): admins see everything, a regional manager
 * only their region. Naming a region or campus out of scope answers 404 like any out-of-scope id
 * (unknown and foreign look the same). Reports import no other context, so the check is its own SQL
 * over `regions` and `campuses`.
 */
@Injectable()
export class ReportScopeResolver {
  constructor(private readonly db: Db) {}

  async resolve(ctx: RequestContext, q: { regionId?: string; campusId?: string }): Promise<ReportScope> {
    const p = ctx.principal;
    let regionId: string | null;
    if (p.role === 'admin' || p.role === 'system') regionId = q.regionId ?? null;
    else if (p.role === 'regional_manager' && p.regionId) {
      if (q.regionId && q.regionId !== p.regionId) throw new NotFoundError('region', q.regionId);
      regionId = p.regionId;
    } else throw new ForbiddenError();

    if (q.regionId) {
      const found = await this.db.query(ctx, `SELECT 1 FROM regions WHERE id = $1`, [q.regionId]);
      if (!found.length) throw new NotFoundError('region', q.regionId);
    }
    if (q.campusId) {
      const found = await this.db.query(
        ctx,
        `SELECT 1 FROM campuses WHERE id = $1 AND ($2::uuid IS NULL OR region_id = $2)`,
        [q.campusId, regionId],
      );
      if (!found.length) throw new NotFoundError('campus', q.campusId);
    }
    return { regionId, campusId: q.campusId ?? null };
  }
}

/** `AND …` conditions limiting rows to a scope; `regionCol`/`campusCol` name the row's columns. */
export function scopeSql(
  scope: ReportScope,
  cols: { regionCol: string; campusCol: string },
  params: SqlParams | unknown[],
): string {
  const bound = SqlParams.of(params);
  let sql = '';
  if (scope.regionId) {
    sql += ` AND ${cols.regionCol} = ${bound.add(scope.regionId)}`;
  }
  if (scope.campusId) {
    sql += ` AND ${cols.campusCol} = ${bound.add(scope.campusId)}`;
  }
  return sql;
}
