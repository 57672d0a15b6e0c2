import { useMutation, useQueryClient, type QueryKey } from '@tanstack/react-query';
import i18next from 'i18next';
import { asProblem, type ApiProblem } from '../api/problem';
import { localizeFieldError } from '../lib/problem-i18n';

/**
 * One way to run a change against the API on every desk: a TanStack mutation that is busy while it
 * runs, keeps the API's problem (title, detail, the fields it names) until the next try, and
 * invalidates the queries it makes stale once it succeeded.
 */
export function useAction<TVars, TData>(
  fn: (vars: TVars) => Promise<TData>,
  opts: { invalidate?: QueryKey[]; onSuccess?: (data: TData, vars: TVars) => void } = {},
) {
  const queryClient = useQueryClient();
  const mutation = useMutation<TData, unknown, TVars>({
    mutationFn: fn,
    onSuccess: async (data, vars) => {
      await Promise.all(
        (opts.invalidate ?? []).map((queryKey) => queryClient.invalidateQueries({ queryKey })),
      );
      opts.onSuccess?.(data, vars);
    },
  });
  const problem: ApiProblem | null = mutation.error ? asProblem(mutation.error) : null;
  return {
    run: mutation.mutate,
    runAsync: mutation.mutateAsync,
    busy: mutation.isPending,
    problem,
    /** The API's message for one field (named as the API spells it, "lines[0].quantity"), in the reader's language. */
    fieldError: (field: string) => {
      const e = problem?.body.errors?.find((x) => x.field === field);
      return e ? localizeFieldError(e, i18next.t.bind(i18next)) : undefined;
    },
    reset: mutation.reset,
  };
}
