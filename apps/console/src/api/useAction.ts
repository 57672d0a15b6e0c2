import { useEffect } from 'react';
import { useMutation, useQueryClient, type QueryKey } from '@tanstack/react-query';
import i18next from 'i18next';
import { asProblem, type ApiProblem, type FieldPath } from './problem';
import { localizeFieldError } from '../lib/problem-i18n';

/** The part of an antd FormInstance an action writes the API's field messages into. */
export interface ProblemFields {
  setFields(fields: { name: never; errors: string[] }[]): void;
  getFieldsValue(all: true): unknown;
  getFieldInstance(name: never): unknown;
}

/**
 * The console's one problem/busy hook: a change against the API as a TanStack mutation (never
 * retried) that is busy while it runs, keeps the API's problem (title, detail, the fields it
 * names) until the next try, and invalidates the queries it makes stale once it succeeded. Given a
 * `form`, the fields the problem names get their messages next to them.
 */
export function useAction<TVars = void, TData = unknown>(
  fn: (vars: TVars) => Promise<TData>,
  opts: {
    invalidate?: QueryKey[];
    onSuccess?: (data: TData, vars: TVars) => void;
    /** Besides keeping it: e.g. a toast for an action that has no place of its own to show it. */
    onError?: (problem: ApiProblem, vars: TVars) => void;
    /** After either (e.g. to read the server's state again whatever the answer was). */
    onSettled?: () => void;
    form?: ProblemFields;
  } = {},
) {
  const queryClient = useQueryClient();
  const mutation = useMutation<TData, unknown, TVars>({
    mutationFn: fn,
    retry: false,
    onSuccess: async (data, vars) => {
      await Promise.all(
        (opts.invalidate ?? []).map((queryKey) => queryClient.invalidateQueries({ queryKey })),
      );
      opts.onSuccess?.(data, vars);
    },
    onError: (err, vars) => opts.onError?.(asProblem(err), vars),
    onSettled: () => opts.onSettled?.(),
  });
  const problem: ApiProblem | null = mutation.error ? asProblem(mutation.error) : null;
  useProblemFields(opts.form, problem);
  return {
    run: mutation.mutate,
    runAsync: mutation.mutateAsync,
    busy: mutation.isPending,
    /** The latest run succeeded (e.g. a payment page is opening: keep the button busy). */
    done: mutation.isSuccess,
    /** The latest successful run's answer. */
    data: mutation.data,
    /** What the latest run was given (to show which row is busy). */
    variables: mutation.variables,
    problem,
    /** The API's message for one field (named as the API spells it, "lines[0].quantity"), in the reader's language. */
    fieldError: (field: string) => {
      const e = problem?.body.errors?.find((x) => x.field === field);
      return e ? localizeFieldError(e, i18next.t.bind(i18next)) : undefined;
    },
    reset: mutation.reset,
  };
}

/** A read's (or several reads') problem, the first one that failed, as the API answered it. */
export function queryProblem(...errors: unknown[]): ApiProblem | null {
  const err = errors.find((e) => e !== null && e !== undefined);
  return err === undefined ? null : asProblem(err);
}

/**
 * Puts the messages of the fields a problem names next to those fields of an antd form (only the
 * fields the form has). Sets no React state, so it cannot loop.
 */
export function useProblemFields(form: ProblemFields | undefined, problem: ApiProblem | null): void {
  useEffect(() => {
    if (!form || !problem) return;
    const values = form.getFieldsValue(true);
    const fields = problem
      .fieldErrors()
      .filter((f) => form.getFieldInstance(f.name as never) !== undefined || hasField(values, f.name));
    if (fields.length) form.setFields(fields as never);
  }, [form, problem]);
}

function hasField(values: unknown, name: FieldPath): boolean {
  let node = values;
  for (const part of name) {
    if (node === null || typeof node !== 'object' || !(part in (node as object))) return false;
    node = (node as Record<string | number, unknown>)[part];
  }
  return true;
}
