import type { TFunction } from 'i18next';
import { ApiProblem, asProblem, type FieldPath } from '../api/problem';

/** The problem's `code` (the API's stable name for it), if it has one. */
export function problemCode(p: ApiProblem): string | undefined {
  return typeof p.body.code === 'string' ? p.body.code : undefined;
}

/**
 * A problem as the reader should see it: in their language when the shop knows the problem's code
 * (with its facts: the SKU and what is left, the order's status…), else the server's own words.
 */
export function problemText(err: unknown, t: TFunction, facts: Record<string, unknown> = {}): string {
  const p = asProblem(err);
  if (p.status === 0) return t('shop.problems.network');
  const code = problemCode(p);
  const key = `shop.problems.${code}`;
  if (code && t(key, { defaultValue: '' })) {
    const status =
      typeof p.body.currentStatus === 'string'
        ? t(`order.statuses.${p.body.currentStatus}`, { defaultValue: p.body.currentStatus })
        : undefined;
    return t(key, { ...p.body, ...facts, status });
  }
  return p.detail || p.title;
}

/** Problems that belong to one field of a form although the API does not name it. */
const FIELD_OF_CODE: Record<string, string> = {
  otp_wrong: 'code',
  otp_expired: 'code',
  otp_exhausted: 'code',
};

/**
 * The form fields a problem names, each with its message in the reader's language where the shop
 * translates the problem's code, else the server's message for that field.
 */
export function fieldProblems(
  err: unknown,
  t: TFunction,
  facts: Record<string, unknown> = {},
): { name: FieldPath; errors: string[] }[] {
  const p = asProblem(err);
  const code = problemCode(p);
  if (code && FIELD_OF_CODE[code])
    return [{ name: [FIELD_OF_CODE[code]], errors: [problemText(p, t, facts)] }];
  const translated = code && code !== 'validation_failed' && t(`shop.problems.${code}`, { defaultValue: '' });
  return p
    .fieldErrors()
    .map((f) => ({ name: f.name, errors: translated ? [problemText(p, t, facts)] : f.errors }));
}

export { ApiProblem };
