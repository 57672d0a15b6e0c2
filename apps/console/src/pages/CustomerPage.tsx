import { Card } from 'antd';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, ok, type Order } from '../api/client';
import { asProblem } from '../api/problem';
import { OrdersTable } from '../components/OrdersTable';
import { ProblemAlert } from '../components/ProblemAlert';

const MY_ORDERS = ['orders', 'mine'];

/** A signed-in customer's own orders (cancel while not yet out for delivery). */
export function CustomerPage() {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const query = useQuery({
    queryKey: MY_ORDERS,
    queryFn: ({ signal }) => ok(api.GET('/api/orders', { params: { query: { limit: 50 } }, signal })),
  });
  // A cancelled order replaces its row in the cached page (the answer is the order as it is now).
  const changed = (o: Order) =>
    queryClient.setQueryData<typeof query.data>(MY_ORDERS, (page) =>
      page ? { ...page, items: page.items.map((x) => (x.id === o.id ? o : x)) } : page,
    );
  return (
    <Card title={<h2 style={{ margin: 0, fontSize: 18 }}>{t('nav.myOrders')}</h2>}>
      <ProblemAlert problem={query.error ? asProblem(query.error) : null} />
      <OrdersTable orders={query.data?.items ?? []} loading={query.isPending} canCancel onChanged={changed} />
    </Card>
  );
}
