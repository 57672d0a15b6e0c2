import { Alert } from 'antd';
import type { ApiProblem } from '../api/problem';

/** A problem+json answer as its title and detail, announced to screen readers. */
export function ProblemAlert({ problem, onClose }: { problem: ApiProblem | null; onClose?: () => void }) {
  if (!problem) return null;
  return (
    <Alert
      role="alert"
      type="error"
      showIcon
      closable={Boolean(onClose)}
      onClose={onClose}
      message={problem.title}
      description={problem.detail}
      style={{ marginBottom: 16 }}
      data-testid="problem"
    />
  );
}
