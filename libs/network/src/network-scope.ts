import type { RequestContext } from '@campus/core';
import { roleScopeSql, SqlParams } from '@campus/database';

/**
 * Network rows in the caller's scope. `regionCol` / `campusCol` / `pointCol` name the columns
 * (possibly through joins) of the row being checked; an agent sees their campus, pickup staff their
 * point, where the row has such a column (otherwise nothing).
 */
export function networkScopeSql(
  ctx: RequestContext,
  cols: { regionCol: string; campusCol?: string; pointCol?: string },
  params: SqlParams | unknown[],
): string {
  return roleScopeSql(
    ctx,
    {
      admin: 'all',
      call_center: 'all',
      system: 'all',
      regional_manager: { [cols.regionCol]: 'regionId' },
      ...(cols.campusCol ? { agent: { [cols.campusCol]: 'campusId' } } : {}),
      ...(cols.pointCol ? { pickup_staff: { [cols.pointCol]: 'pickupPointId' } } : {}),
    },
    params,
  );
}
