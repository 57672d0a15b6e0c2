import { NotFoundError, RequestContext, ValidationError } from '@campus/core';
import { SqlParams } from '@campus/database';
import { PricingPlaces } from './pricing-places';

/** Managers see and change their region's rows only (global ones included for admins only). */
export function regionScopeSql(ctx: RequestContext, col: string, params: SqlParams | unknown[]): string {
  const bound = SqlParams.of(params);
  if (ctx.is('admin', 'system')) return 'true';
  return `${col} = ${bound.add(ctx.principal.regionId ?? null)}`;
}

/** The region a manager's row belongs to (theirs, whatever was asked; another → 404); admins choose. */
export async function scopedRegion(
  ctx: RequestContext,
  places: PricingPlaces,
  requested: string | undefined,
): Promise<string | null> {
  if (ctx.is('regional_manager')) {
    const own = ctx.principal.regionId ?? null;
    if (!own || (requested && requested !== own)) throw new NotFoundError('region', requested);
    return own;
  }
  if (requested) await places.checkRegion(ctx, requested);
  return requested ?? null;
}

/** Every campus in scope, and in the row's region when it has one. */
export async function checkCampuses(
  ctx: RequestContext,
  places: PricingPlaces,
  regionId: string | null,
  campusIds: readonly string[] | undefined,
): Promise<void> {
  if (!campusIds?.length) return;
  const regions = await places.campusRegions(ctx, campusIds);
  campusIds.forEach((id, i) => {
    if (regionId && regions.get(id) !== regionId) {
      throw new ValidationError([{ field: `campusIds[${i}]`, message: 'is not a campus of the region' }]);
    }
  });
}
