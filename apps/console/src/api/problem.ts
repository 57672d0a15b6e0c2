import i18next from 'i18next';

/** An API answer in application/problem+json (RFC 9457), as the API's one filter writes it. */
export interface ProblemBody {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  errors?: { field: string; message: string }[];
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

  get title(): string {
    return this.body.title ?? `HTTP ${this.status}`;
  }

  get detail(): string | undefined {
    return this.body.detail;
  }

  /** The fields the problem names, with their messages, as form field names. */
  fieldErrors(): { name: FieldPath; errors: string[] }[] {
    const byField = new Map<string, string[]>();
    for (const e of this.body.errors ?? []) {
      byField.set(e.field, [...(byField.get(e.field) ?? []), e.message]);
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
