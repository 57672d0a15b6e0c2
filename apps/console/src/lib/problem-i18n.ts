import type { TFunction } from 'i18next';

/** What a problem+json says, before translation (see api/problem.ts). */
export interface ProblemText {
  code?: string;
  title?: string;
  detail?: string;
  [extra: string]: unknown;
}

/**
 * A server problem in the reader's language, by its stable `code`: the title and detail from the
 * `problems.codes` table, interpolated with the problem's own fields (sku, available, …). Without a
 * translation, the server's text stays (a new code is never shown blank).
 */
export function localizeProblem(
  p: ProblemText,
  t: TFunction,
  fallbackTitle: string,
): { title: string; detail: string | undefined } {
  const code = typeof p.code === 'string' ? p.code : undefined;
  const title = code
    ? t(`problems.codes.${code}.title`, { ...p, defaultValue: p.title ?? fallbackTitle })
    : (p.title ?? fallbackTitle);
  if (!code) return { title, detail: p.detail || undefined };
  const translatedTitle = t(`problems.codes.${code}.title`, { defaultValue: '' });
  const translatedDetail = t(`problems.codes.${code}.detail`, { ...p, defaultValue: '' });
  if (translatedDetail) return { title, detail: translatedDetail };
  // The title says it all: the server's English detail is kept only for readers of English, or
  // when the code has no translation at all.
  const english = t('problems.language', { defaultValue: 'en' }) === 'en';
  return { title, detail: english || !translatedTitle ? p.detail || undefined : undefined };
}

/**
 * A field error in the reader's language, by the rule broken (`errors[].code`: isPhone, min,
 * password_common, …); `{{n}}` takes the limit the server named ("must not be less than 1" → 1).
 */
export function localizeFieldError(e: { message: string; code?: string }, t: TFunction): string {
  if (!e.code) return e.message;
  const n = e.message.match(/-?\d+(\.\d+)?/)?.[0] ?? '';
  return t(`problems.fields.${e.code}`, { n, defaultValue: e.message });
}
