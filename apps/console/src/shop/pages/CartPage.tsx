import { Button } from 'antd-mobile';
import { useTranslation } from 'react-i18next';
import { useLocation, useNavigate } from 'react-router-dom';
import { formatCents } from '../../lib/money';
import { cartTotalCents } from '../cart';
import { AgentNotice } from '../components/AgentNotice';
import { CartLines } from '../components/CartLines';
import { ChangedNotice } from '../components/ChangedNotice';
import { useCheckedCart } from '../components/useCheckedCart';

/** The cart on this device, checked against what is available now; on to checkout. */
export function CartPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const { state } = useLocation() as { state: { capped?: string[]; removed?: string[] } | null };
  const { cart, setCart, available, changed } = useCheckedCart();
  return (
    <section className="shop-section" aria-labelledby="cart-title">
      <h2 id="cart-title">{t('shop.cart.title')}</h2>
      <ChangedNotice
        capped={[...new Set([...(state?.capped ?? []), ...changed.capped])]}
        removed={[...new Set([...(state?.removed ?? []), ...changed.removed])]}
      />
      <AgentNotice />
      {cart.lines.length === 0 ? (
        <>
          <p className="shop-muted">{t('shop.cart.empty')}</p>
          <Button onClick={() => navigate('/shop')}>{t('shop.cart.browse')}</Button>
        </>
      ) : (
        <>
          <CartLines cart={cart} available={available} onChange={setCart} />
          <div className="shop-total">
            <span>{t('shop.cart.total')}</span>
            <strong className="shop-price" data-testid="cart-total">
              {formatCents(cartTotalCents(cart))}
            </strong>
          </div>
          <p className="shop-muted">{t('shop.cart.priceNote')}</p>
          <Button block color="primary" size="large" onClick={() => navigate('/shop/checkout')}>
            {t('shop.cart.checkout')}
          </Button>
        </>
      )}
    </section>
  );
}
