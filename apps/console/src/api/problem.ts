import i18next from 'i18next';
import { localizeFieldError, localizeProblem } from '../lib/problem-i18n';

/** An API answer in application/problem+json (RFC 9457), as the API's one filter writes it. */
export interface ProblemBody {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  code?: string;
  errors?: { field: string; message: string; code?: string }[];
  [extra: string]: unknown;
}

export type FieldPath = (string | number)[];

/** "lines[0].quantity" → ["lines", 0, "quantity"], the name of the form field it belongs to. */
export function fieldPath(field: string): FieldPath {
  return field
    .replace(/\[(\d+)\]/g, '.$1')
    .split('.')
    .filter(Boolean)
    .map((part) => (/^\d+$/.test(part) ? Number(part) : part));
}

export class ApiProblem extends Error {
  constructor(
    readonly status: number,
    readonly body: ProblemBody,
  ) {
    super(body.detail ?? body.title ?? `HTTP ${status}`);
  }

  /** The problem's stable code (problem+json `code`), e.g. `out_of_stock`. */
  get code(): string | undefined {
    return this.body.code;
  }

  /** The title in the reader's language (by code), else the server's. */
  get title(): string {
    return localizeProblem(this.body, i18next.t.bind(i18next), `HTTP ${this.status}`).title;
  }

  get detail(): string | undefined {
    return localizeProblem(this.body, i18next.t.bind(i18next), `HTTP ${this.status}`).detail;
  }

  /** The fields the problem names, with their messages, as form field names. */
  fieldErrors(): { name: FieldPath; errors: string[] }[] {
    const byField = new Map<string, string[]>();
    for (const e of this.body.errors ?? []) {
      byField.set(e.field, [...(byField.get(e.field) ?? []), localizeFieldError(e, i18next.t.bind(i18next))]);
    }
    return [...byField].map(([field, errors]) => ({ name: fieldPath(field), errors }));
  }
}

/** Anything thrown while talking to the API, as a problem to show (network failures included). */
export function asProblem(err: unknown): ApiProblem {
  if (err instanceof ApiProblem) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new ApiProblem(0, {
    title: i18next.t('common.networkError', { defaultValue: 'Network error' }),
    detail: message,
  });
}
