import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { formatCents } from '../../lib/money';
import { MAX_LINE_QUANTITY, removeLine, setQuantity, type Availability, type Cart } from '../cart';
import { Quantity } from './Quantity';

/** The cart's lines with their quantities (capped by what is available now) and totals. */
export function CartLines({
  cart,
  available,
  onChange,
  compact = false,
}: {
  cart: Cart;
  available: Map<string, Availability | null>;
  onChange: (cart: Cart) => void;
  compact?: boolean;
}) {
  const { t } = useTranslation();
  return (
    <ul className="shop-orders" style={{ margin: 0 }}>
      {cart.lines.map((l) => {
        const cap = Math.min(available.get(l.sku)?.available ?? MAX_LINE_QUANTITY, MAX_LINE_QUANTITY);
        return (
          <li
            key={l.sku}
            className="shop-line"
            data-testid={`cart-line-${l.sku}`}
            style={{ padding: '10px 0' }}
          >
            <div className="shop-line-name">
              <Link to={`/shop/products/${encodeURIComponent(l.sku)}`} className="shop-product-name">
                {l.name}
              </Link>
              <div className="shop-muted">
                {formatCents(l.priceCents)} × {l.quantity} = {formatCents(l.priceCents * l.quantity)}
              </div>
            </div>
            <Quantity
              id={`${compact ? 'panel' : 'cart'}-qty-${l.sku}`}
              label={t('shop.cart.quantityOf', { name: l.name })}
              min={1}
              max={Math.max(1, cap)}
              value={l.quantity}
              onChange={(q) => onChange(setQuantity(cart, l.sku, q, cap).cart)}
            />
            <button
              type="button"
              className="shop-remove"
              aria-label={t('shop.cart.remove', { name: l.name })}
              onClick={() => onChange(removeLine(cart, l.sku))}
            >
              ×
            </button>
          </li>
        );
      })}
    </ul>
  );
}
