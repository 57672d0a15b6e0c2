import { useQuery } from '@tanstack/react-query';
import { api, ok } from '../../api/client';

/** Regions, campuses and pickup points in the caller's scope, for pickers and names. */
export function useNetwork() {
  const regions = useQuery({
    queryKey: ['regions'],
    queryFn: ({ signal }) => ok(api.GET('/api/regions', { signal })),
  });
  const campuses = useQuery({
    queryKey: ['campuses'],
    queryFn: ({ signal }) => ok(api.GET('/api/campuses', { signal })),
  });
  const points = useQuery({
    queryKey: ['pickup-points'],
    queryFn: ({ signal }) => ok(api.GET('/api/pickup-points', { signal })),
  });
  const name = <T extends { id: string; name: string; code: string }>(
    list: T[] | undefined,
    id?: string | null,
  ) => list?.find((x) => x.id === id)?.name ?? '—';
  return {
    regions: regions.data ?? [],
    campuses: campuses.data ?? [],
    points: points.data ?? [],
    regionName: (id?: string | null) => name(regions.data, id),
    campusName: (id?: string | null) => name(campuses.data, id),
    pointName: (id?: string | null) => name(points.data, id),
  };
}

/** A JSON value of the audit log, short and readable. */
export function compact(v: unknown): string {
  if (v === null || v === undefined) return '—';
  return Object.entries(v as Record<string, unknown>)
    .map(([k, x]) => `${k}: ${typeof x === 'object' && x !== null ? JSON.stringify(x) : String(x)}`)
    .join(', ');
}
