import type { RequestContext } from '@campus/core';

/**
 * The SQL condition limiting network rows to the caller's scope. `regionCol` / `campusCol` /
 * `pointCol` name the columns (possibly through joins) of the row being checked; params are
 * appended to `params` and referenced by position.
 */
export function networkScopeSql(
  ctx: RequestContext,
  cols: { regionCol: string; campusCol?: string; pointCol?: string },
  params: unknown[],
): string {
  const p = ctx.principal;
  switch (p.role) {
    case 'admin':
    case 'call_center':
    case 'system':
      return 'TRUE';
    case 'regional_manager':
      params.push(p.regionId);
      return `${cols.regionCol} = $${params.length}`;
    case 'agent':
      if (!cols.campusCol) return 'FALSE';
      params.push(p.campusId);
      return `${cols.campusCol} = $${params.length}`;
    case 'pickup_staff':
      if (cols.pointCol) {
        params.push(p.pickupPointId);
        return `${cols.pointCol} = $${params.length}`;
      }
      return 'FALSE';
    default:
      return 'FALSE';
  }
}
