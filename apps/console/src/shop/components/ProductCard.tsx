import { Button, Toast } from 'antd-mobile';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { formatCents } from '../../lib/money';
import type { ShopProduct } from '../api';
import { addToCart } from '../cart';
import { onSale, saleEnds, effectivePrice } from '../sale';
import { useCart } from '../store';

/** "99+ / 3 left / sold out": what the catalogue says about availability. */
export function StockText({ available }: { available: number }) {
  const { t } = useTranslation();
  if (available <= 0) return <span className="shop-stock sold-out">{t('shop.catalogue.soldOut')}</span>;
  return (
    <span className="shop-stock">
      {available < 20
        ? t('shop.catalogue.available', { count: available })
        : t('shop.catalogue.manyAvailable')}
    </span>
  );
}

/** Adds one of a product to the cart, never beyond what is available, and says what happened. */
export function useAddToCart() {
  const { t } = useTranslation();
  const [cart, setCart] = useCart();
  return (p: ShopProduct, quantity = 1) => {
    const change = addToCart(cart, { ...p, priceCents: effectivePrice(p) }, quantity);
    setCart(change.cart);
    Toast.show({
      content: change.capped ? t('shop.catalogue.capped', { count: p.available }) : t('shop.catalogue.added'),
    });
  };
}

/** The price, and while a flash sale runs: the sale price, the list price struck through, the end. */
export function PriceText({ product, testId }: { product: ShopProduct; testId?: string }) {
  const { t } = useTranslation();
  if (!onSale(product)) {
    return (
      <span className="shop-price" data-testid={testId}>
        {formatCents(product.priceCents)}
      </span>
    );
  }
  return (
    <span data-testid={testId}>
      <span className="shop-price">{formatCents(product.salePriceCents)}</span>{' '}
      <s
        className="shop-muted"
        aria-label={t('shop.promotions.listPrice', { price: formatCents(product.priceCents) })}
      >
        {formatCents(product.priceCents)}
      </s>{' '}
      <span className="shop-sale">
        {t('shop.promotions.saleUntil', { at: saleEnds(product.saleEndsAt) })}
      </span>
    </span>
  );
}

export function ProductCard({ product }: { product: ShopProduct }) {
  const { t } = useTranslation();
  const add = useAddToCart();
  return (
    <li className="shop-product" data-testid={`product-${product.sku}`}>
      <div className="shop-thumb" aria-hidden="true">
        {product.name.slice(0, 1).toUpperCase()}
      </div>
      <div className="shop-product-info">
        <Link to={`/shop/products/${encodeURIComponent(product.sku)}`} className="shop-product-name">
          {product.name}
        </Link>
        <div className="shop-muted">
          {product.sku}
          {product.requiresInstallation && ` · ${t('shop.catalogue.install')}`}
        </div>
        <div>
          <PriceText product={product} testId={`price-${product.sku}`} />
          <StockText available={product.available} />
        </div>
      </div>
      <Button
        size="small"
        color="primary"
        disabled={product.available <= 0}
        aria-label={t('shop.catalogue.add', { name: product.name })}
        onClick={() => add(product)}
      >
        {t('shop.catalogue.addShort')}
      </Button>
    </li>
  );
}
