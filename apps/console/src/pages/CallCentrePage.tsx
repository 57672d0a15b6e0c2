import { useState } from 'react';
import { Button, Card, Col, Form, Input, Row, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { api, ok, type Order } from '../api/client';
import { OrderForm } from '../components/OrderForm';
import { OrdersTable } from '../components/OrdersTable';
import { ProblemAlert } from '../components/ProblemAlert';
import { useProblemForm } from '../components/useProblemForm';
import { normalizePhone } from '../lib/phone';

/** Call centre: find the caller by phone with their orders, key a new order, cancel one. */
export function CallCentrePage() {
  const { t } = useTranslation();
  const { form, problem, setProblem, showProblem, busy, setBusy } = useProblemForm<{ phone: string }>();
  const [phone, setPhone] = useState<string | null>(null);
  const [orders, setOrders] = useState<Order[]>([]);

  const load = async (e164: string) => {
    setBusy(true);
    try {
      const page = await ok(api.GET('/api/orders', { params: { query: { phone: e164, limit: 50 } } }));
      setOrders(page.items);
      setPhone(e164);
      setProblem(null);
    } catch (err) {
      showProblem(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Row gutter={24}>
      <Col xs={24} xl={10}>
        <Card
          title={<h2 style={{ margin: 0, fontSize: 18 }}>{t('callCentre.findCustomer')}</h2>}
          style={{ marginBottom: 24 }}
        >
          <ProblemAlert problem={problem} />
          <Form
            form={form}
            layout="inline"
            onFinish={({ phone: input }) => {
              const e164 = normalizePhone(input ?? '');
              if (!e164) {
                form.setFields([{ name: 'phone', errors: [t('validation.phone')] }]);
                return;
              }
              void load(e164);
            }}
          >
            <Form.Item name="phone" label={t('callCentre.phone')} style={{ flex: 1 }}>
              <Input autoFocus inputMode="tel" autoComplete="off" />
            </Form.Item>
            <Button type="primary" htmlType="submit" loading={busy}>
              {t('callCentre.search')}
            </Button>
          </Form>
          {phone && (
            <div style={{ marginTop: 16 }}>
              <Typography.Title level={5}>{t('callCentre.pastOrders', { phone })}</Typography.Title>
              {orders.length === 0 ? (
                <Typography.Text type="secondary">{t('callCentre.noOrders')}</Typography.Text>
              ) : (
                <OrdersTable
                  orders={orders}
                  canCancel
                  onChanged={(o) => setOrders((list) => list.map((x) => (x.id === o.id ? o : x)))}
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
          onPlaced={(o) => {
            if (phone && o.customer.phone === phone) setOrders((list) => [o, ...list]);
          }}
        />
      </Col>
    </Row>
  );
}
