import { useTranslation } from 'react-i18next';
import { problemText } from '../problems';

/** A problem from the API (or the network), in the reader's language, announced to screen readers. */
export function ProblemLine({ error, facts }: { error: unknown; facts?: Record<string, unknown> }) {
  const { t } = useTranslation();
  if (!error) return null;
  return (
    <p role="alert" className="shop-error" data-testid="shop-problem">
      {problemText(error, t, facts)}
    </p>
  );
}
