import { useEffect, useState } from 'react';
import { Card } from 'antd';
import { useTranslation } from 'react-i18next';
import { api, ok, type Order } from '../api/client';
import type { ApiProblem } from '../api/problem';
import { asProblem } from '../api/problem';
import { OrdersTable } from '../components/OrdersTable';
import { ProblemAlert } from '../components/ProblemAlert';

/** A signed-in customer's own orders (cancel while not yet out for delivery). */
export function CustomerPage() {
  const { t } = useTranslation();
  const [orders, setOrders] = useState<Order[]>([]);
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [loading, setLoading] = useState(true);
  useEffect(() => {
    ok(api.GET('/api/orders', { params: { query: { limit: 50 } } }))
      .then(
        (page) => setOrders(page.items),
        (err) => setProblem(asProblem(err)),
      )
      .finally(() => setLoading(false));
  }, []);
  return (
    <Card title={<h2 style={{ margin: 0, fontSize: 18 }}>{t('nav.myOrders')}</h2>}>
      <ProblemAlert problem={problem} />
      <OrdersTable
        orders={orders}
        loading={loading}
        canCancel
        onChanged={(o) => setOrders((list) => list.map((x) => (x.id === o.id ? o : x)))}
      />
    </Card>
  );
}
