import { useCallback, useState } from 'react';
import { Form } from 'antd';
import { asProblem, type ApiProblem } from '../api/problem';

/**
 * An antd form that shows an API problem: its title/detail above the form, and each named field's
 * message next to that field (field names mirror the API's, e.g. ["lines", 0, "quantity"]).
 */
export function useProblemForm<T>() {
  const [form] = Form.useForm<T>();
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [busy, setBusy] = useState(false);
  const showProblem = useCallback(
    (err: unknown) => {
      const p = asProblem(err);
      setProblem(p);
      const fields = p
        .fieldErrors()
        .filter((f) => form.getFieldInstance(f.name as never) !== undefined || hasField(form, f.name));
      if (fields.length) form.setFields(fields as never);
    },
    [form],
  );
  return { form, problem, setProblem, showProblem, busy, setBusy };
}

function hasField(form: { getFieldsValue: (all: true) => unknown }, name: (string | number)[]): boolean {
  let node: unknown = form.getFieldsValue(true);
  for (const part of name) {
    if (node === null || typeof node !== 'object' || !(part in (node as object))) return false;
    node = (node as Record<string | number, unknown>)[part];
  }
  return true;
}
