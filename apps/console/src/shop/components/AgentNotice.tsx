import { useTranslation } from 'react-i18next';
import { useAgentCode } from '../store';

/** Which agent's share link brought the customer here (their orders are attributed to that agent). */
export function AgentNotice() {
  const { t } = useTranslation();
  const [code, setCode] = useAgentCode();
  if (!code) return null;
  return (
    <p className="shop-notice" data-testid="agent-notice">
      {t('shop.cart.agent', { code })}{' '}
      <button type="button" className="shop-link-button" onClick={() => setCode(null)}>
        {t('shop.cart.forgetAgent')}
      </button>
    </p>
  );
}
