import { useEffect, useRef, useState } from 'react';
import { Button, Card, Col, Form, Input, Row, Typography } from 'antd';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, ok } from '../../api/client';
import { asProblem } from '../../api/problem';
import { OrderForm } from '../../components/OrderForm';
import { OrdersTable } from '../../components/OrdersTable';
import { ProblemAlert } from '../../components/ProblemAlert';
import { TicketsPanel } from '../../components/TicketsPanel';
import { MUTED } from '../../components/ToneTag';
import { parseDeskSearch, type DeskSearch } from '../../lib/desk-search';
import { callKeys } from './keys';
import { OrderDrawer } from './OrderDrawer';

/**
 * Call centre: find the caller by phone (their orders) or an order by the number they read out (it
 * opens at once), the order drawer with its timeline and actions, and a new order for the caller.
 */
export function CallCentrePage() {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [form] = Form.useForm<{ phone: string }>();
  const [search, setSearch] = useState<DeskSearch | null>(null);
  const [openId, setOpenId] = useState<string | null>(null);
  const orders = useQuery({
    queryKey: callKeys.search(search ?? {}),
    queryFn: ({ signal }) =>
      ok(api.GET('/api/orders', { params: { query: { ...search, limit: 50 } }, signal })),
    enabled: search !== null,
  });
  const phone = search && 'phone' in search ? search.phone : null;
  const number = search && 'number' in search ? search.number : null;
  // An order number names one order: once its (fresh) answer is in, open it — once per search.
  const [searchedAt, setSearchedAt] = useState(0);
  const opened = useRef(0);
  useEffect(() => {
    if (!number || !orders.data || orders.isFetching || opened.current === searchedAt) return;
    opened.current = searchedAt;
    if (orders.data.items.length === 1) setOpenId(orders.data.items[0].id);
  }, [number, orders.data, orders.isFetching, searchedAt]);
  return (
    <Row gutter={24}>
      <Col xs={24} xl={10}>
        <Card
          title={<h2 style={{ margin: 0, fontSize: 18 }}>{t('callCentre.findCustomer')}</h2>}
          style={{ marginBottom: 24 }}
        >
          <ProblemAlert problem={orders.error ? asProblem(orders.error) : null} />
          <Form
            form={form}
            layout="inline"
            onFinish={({ phone: input }) => {
              const parsed = parseDeskSearch(input ?? '');
              if (!parsed) {
                form.setFields([{ name: 'phone', errors: [t('validation.phone')] }]);
                return;
              }
              setSearch(parsed);
              setSearchedAt(Date.now());
              void queryClient.invalidateQueries({ queryKey: callKeys.search(parsed) });
            }}
          >
            <Form.Item
              name="phone"
              label={t('callCentre.phone')}
              style={{ flex: 1 }}
              extra={<span style={{ color: MUTED }}>{t('desks.callCentre.searchHint')}</span>}
            >
              <Input autoFocus inputMode="tel" autoComplete="off" />
            </Form.Item>
            <Button type="primary" htmlType="submit" loading={orders.isFetching}>
              {t('callCentre.search')}
            </Button>
          </Form>
          {search && orders.data && (
            <div style={{ marginTop: 16 }}>
              <Typography.Title level={3} style={{ fontSize: 16 }}>
                {phone ? t('callCentre.pastOrders', { phone }) : number}
              </Typography.Title>
              {orders.data.items.length === 0 ? (
                <Typography.Text style={{ color: MUTED }} role="status">
                  {phone ? t('callCentre.noOrders') : t('desks.callCentre.notFound', { number })}
                </Typography.Text>
              ) : (
                <OrdersTable
                  orders={orders.data.items}
                  canCancel
                  onOpen={(o) => setOpenId(o.id)}
                  onChanged={() => void queryClient.invalidateQueries({ queryKey: ['orders'] })}
                />
              )}
            </div>
          )}
        </Card>
      </Col>
      <Col xs={24} xl={14}>
        <OrderForm
          paymentMethods={['cod', 'online']}
          defaultPhone={phone ?? undefined}
          onPlaced={() => void queryClient.invalidateQueries({ queryKey: ['orders'] })}
        />
      </Col>
      <Col xs={24}>
        <Card
          title={<h2 style={{ margin: 0, fontSize: 18 }}>{t('deskTickets.title')}</h2>}
          style={{ marginTop: 24 }}
        >
          <TicketsPanel defaultFilter="open" canCompensate={false} />
        </Card>
      </Col>
      <OrderDrawer orderId={openId} onClose={() => setOpenId(null)} />
    </Row>
  );
}
