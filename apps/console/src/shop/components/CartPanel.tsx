import { Button } from 'antd-mobile';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router-dom';
import { formatCents } from '../../lib/money';
import { cartTotalCents } from '../cart';
import { AgentNotice } from './AgentNotice';
import { CartLines } from './CartLines';
import { useCheckedCart } from './useCheckedCart';

/** The desk layout's cart column, beside the catalogue. */
export function CartPanel() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const { cart, setCart, available } = useCheckedCart();
  return (
    <section className="shop-section" aria-labelledby="panel-title" data-testid="cart-panel">
      <h2 id="panel-title">{t('shop.cart.title')}</h2>
      <AgentNotice />
      {cart.lines.length === 0 ? (
        <p className="shop-muted">{t('shop.cart.empty')}</p>
      ) : (
        <>
          <CartLines cart={cart} available={available} onChange={setCart} compact />
          <div className="shop-total">
            <span>{t('shop.cart.total')}</span>
            <strong className="shop-price">{formatCents(cartTotalCents(cart))}</strong>
          </div>
          <Button block color="primary" onClick={() => navigate('/shop/checkout')}>
            {t('shop.cart.checkout')}
          </Button>
        </>
      )}
    </section>
  );
}
