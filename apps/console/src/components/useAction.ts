import { useMutation, useQueryClient, type QueryKey } from '@tanstack/react-query';
import { asProblem, type ApiProblem } from '../api/problem';

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
    /** The message the API gave for one field (its name as the API spells it, e.g. "lines[0].quantity"). */
    fieldError: (field: string) => problem?.body.errors?.find((e) => e.field === field)?.message,
    reset: mutation.reset,
  };
}
