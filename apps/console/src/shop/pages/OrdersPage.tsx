import { Button, DotLoading } from 'antd-mobile';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { formatCents } from '../../lib/money';
import { formatTime } from '../../lib/time';
import { useMyOrders } from '../api';
import { ProblemLine } from '../components/ProblemLine';
import { SignedInAs, SignInForm } from '../components/SignInForm';
import { useBuyAgain } from '../components/useBuyAgain';
import { useCustomer } from '../store';
import { StatusTag } from './OrderPage';

/** "My orders": the signed-in customer's orders, newest first, each with its status and buy again. */
export function OrdersPage() {
  const customer = useCustomer();
  if (!customer) return <SignInForm />;
  return <Orders />;
}

function Orders() {
  const { t } = useTranslation();
  const orders = useMyOrders(true);
  const buyAgain = useBuyAgain();
  const items = orders.data?.items ?? [];
  return (
    <section aria-labelledby="orders-title">
      <div className="shop-section">
        <h2 id="orders-title">{t('shop.nav.orders')}</h2>
        <SignedInAs />
        <Link to="/shop/tickets" data-testid="my-tickets-link">
          {t('tickets.mine')}
        </Link>
        {orders.isPending && <DotLoading />}
        <ProblemLine error={orders.error ?? buyAgain.problem} />
        {orders.isSuccess && items.length === 0 && <p className="shop-muted">{t('shop.order.none')}</p>}
      </div>
      <ul className="shop-orders" data-testid="my-orders">
        {items.map((o) => (
          <li key={o.id} data-testid={`order-${o.number}`}>
            <div className="shop-line" style={{ padding: 0, border: 0 }}>
              <Link
                to={`/shop/orders/${o.id}`}
                className="shop-line-name shop-product-name"
                aria-label={t('shop.order.view', { number: o.number })}
              >
                {o.number}
              </Link>
              <StatusTag status={o.status} />
            </div>
            <div className="shop-muted">{o.lines.map((l) => `${l.name} × ${l.quantity}`).join(', ')}</div>
            <div className="shop-line" style={{ border: 0, paddingBottom: 0 }}>
              <span className="shop-line-name shop-muted">{formatTime(o.createdAt)}</span>
              <strong className="shop-price">{formatCents(o.totalCents)}</strong>
              <Button size="small" onClick={() => buyAgain.run(o.lines)}>
                {t('shop.order.buyAgain')}
              </Button>
            </div>
          </li>
        ))}
      </ul>
    </section>
  );
}
