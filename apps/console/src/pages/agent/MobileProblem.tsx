import type { ApiProblem } from '../../api/problem';

/** A problem+json answer on the phone screens: title and detail, announced, in place of a blank screen. */
export function MobileProblem({ problem }: { problem: ApiProblem | null | undefined }) {
  if (!problem) return null;
  return (
    <div
      role="alert"
      data-testid="problem"
      style={{ background: '#fff1f0', color: '#a8071a', padding: 12, margin: '8px 0', borderRadius: 8 }}
    >
      <strong>{problem.title}</strong>
      {problem.detail && <div>{problem.detail}</div>}
    </div>
  );
}

/** Border-box: a popup is as wide as the screen, padding included (no sideways scrolling at 375 px). */
export const POPUP_BODY = {
  padding: 16,
  boxSizing: 'border-box',
  borderTopLeftRadius: 12,
  borderTopRightRadius: 12,
  maxHeight: '90vh',
  overflowY: 'auto',
} as const;
