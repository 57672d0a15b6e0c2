import { ValidationError } from './errors';

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 200;

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** Keyset cursor: the sort key of the last item, opaque to clients. */
export function encodeCursor(values: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify(values), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string, shape: readonly ('string' | 'number')[]): (string | number)[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw ValidationError.field('cursor', 'is not a cursor this API issued');
  }
  if (
    !Array.isArray(parsed) ||
    parsed.length !== shape.length ||
    parsed.some((v, i) => typeof v !== shape[i] || (typeof v === 'string' && v.length > 100))
  ) {
    throw ValidationError.field('cursor', 'is not a cursor this API issued');
  }
  return parsed as (string | number)[];
}

/** Cuts a result fetched with `limit + 1` rows into a page. */
export function toPage<T>(rows: T[], limit: number, cursorOf: (last: T) => (string | number)[]): Page<T> {
  const hasMore = rows.length > limit;
  const items = hasMore ? rows.slice(0, limit) : rows;
  return { items, nextCursor: hasMore ? encodeCursor(cursorOf(items[items.length - 1])) : null };
}
