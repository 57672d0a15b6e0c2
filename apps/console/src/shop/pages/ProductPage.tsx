import { useState } from 'react';
import { Button, DotLoading } from 'antd-mobile';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router-dom';
import { useProduct } from '../api';
import { MAX_LINE_QUANTITY } from '../cart';
import { ProblemLine } from '../components/ProblemLine';
import { PriceText, StockText, useAddToCart } from '../components/ProductCard';
import { Quantity } from '../components/Quantity';
import { useCampus, useCart } from '../store';

/** One product: price, availability, whether an agent installs it, a quantity and "add to cart". */
export function ProductPage() {
  const { t } = useTranslation();
  const { sku = '' } = useParams();
  const [campus] = useCampus();
  const product = useProduct(sku, campus?.id);
  const [cart] = useCart();
  const add = useAddToCart();
  const [quantity, setQuantity] = useState(1);
  const p = product.data;
  const inCart = cart.lines.find((l) => l.sku === p?.sku)?.quantity ?? 0;
  const room = p ? Math.max(0, Math.min(p.available, MAX_LINE_QUANTITY) - inCart) : 0;
  return (
    <section className="shop-section" aria-labelledby="product-title">
      <Link to="/shop" className="shop-muted">
        ← {t('shop.product.back')}
      </Link>
      {product.isPending && <DotLoading />}
      <ProblemLine error={product.error} />
      {product.isSuccess && !p && <p className="shop-error">{t('shop.product.notFound')}</p>}
      {p && (
        <>
          <div
            className="shop-thumb"
            aria-hidden="true"
            style={{ width: '100%', height: 140, margin: '12px 0' }}
          >
            {p.name.slice(0, 1).toUpperCase()}
          </div>
          <h2 id="product-title">{p.name}</h2>
          <p className="shop-muted">
            {p.sku} · {p.category}
          </p>
          <p>
            <PriceText product={p} testId="product-price" />
            <StockText available={p.available} />
          </p>
          {p.requiresInstallation && <p className="shop-notice">{t('shop.product.installNote')}</p>}
          <div className="shop-line">
            <span className="shop-line-name">{t('shop.product.quantity')}</span>
            <Quantity
              id="product-quantity"
              label={t('shop.product.quantity')}
              min={1}
              max={Math.max(1, room)}
              value={Math.min(quantity, Math.max(1, room))}
              onChange={setQuantity}
            />
          </div>
          <Button
            block
            color="primary"
            size="large"
            disabled={room <= 0}
            onClick={() => add(p, Math.min(quantity, room))}
          >
            {t('shop.product.addToCart')}
          </Button>
        </>
      )}
    </section>
  );
}
