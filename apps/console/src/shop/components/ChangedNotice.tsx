import { useTranslation } from 'react-i18next';

/** Says which cart lines were lowered or removed because the catalogue changed. */
export function ChangedNotice({
  capped,
  removed,
  testId = 'cart-changed',
}: {
  capped: string[];
  removed: string[];
  testId?: string;
}) {
  const { t } = useTranslation();
  if (!capped.length && !removed.length) return null;
  return (
    <div className="shop-notice" role="status" data-testid={testId}>
      {capped.length > 0 && <div>{t('shop.cart.capped', { skus: capped.join(', ') })}</div>}
      {removed.length > 0 && <div>{t('shop.cart.removed', { skus: removed.join(', ') })}</div>}
    </div>
  );
}
