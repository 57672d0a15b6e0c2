import { useEffect, useMemo, useRef, useState } from 'react';
import {
  Button,
  Card,
  Col,
  Form,
  Input,
  InputNumber,
  Radio,
  Result,
  Row,
  Select,
  Space,
  Typography,
} from 'antd';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, ok, type Order, type PlaceOrderBody, type Product } from '../api/client';
import { ApiProblem } from '../api/problem';
import { FormSubmission } from '../lib/idempotency';
import { formatCents } from '../lib/money';
import {
  toPlaceOrderBody,
  validateOrderForm,
  type OrderFormOptions,
  type OrderFormValues,
  type PaymentMethod,
} from '../lib/order-form';
import { ProblemAlert } from './ProblemAlert';
import { queryProblem, useAction } from '../api/useAction';
import { useDebounced } from './useDebounced';

/**
 * Products matching what was typed (SKU or name), with their available stock. Each settled search is
 * its own query (its key holds the text, so a late answer to an older search lands in its own entry);
 * every product seen stays known, so a line keeps its label while another line searches.
 */
function useProductSearch() {
  const [query, setQuery] = useState('');
  const q = useDebounced(query.trim(), 150);
  const page = useQuery({
    queryKey: ['products', 'desk-search', q],
    queryFn: ({ signal }) =>
      ok(api.GET('/api/products', { params: { query: { q: q || undefined, limit: 20 } }, signal })),
  });
  const known = useRef(new Map<string, Product>());
  for (const p of page.data?.items ?? []) known.current.set(p.sku, p);
  const needle = query.trim().toLowerCase();
  const all = [...known.current.values()];
  const matching = needle
    ? all.filter((p) => p.sku.toLowerCase().includes(needle) || p.name.toLowerCase().includes(needle))
    : all;
  return { products: matching, search: setQuery };
}

/**
 * The new-order form of the staffed desks (call centre, pickup counter). Keyboard first: every input
 * has a label, Tab walks the fields in reading order, Enter submits. One Idempotency-Key per form.
 */
export function OrderForm({
  paymentMethods,
  defaultPhone,
  defaultFulfilment = { type: 'locker' },
  onPlaced,
}: {
  paymentMethods: readonly PaymentMethod[];
  defaultPhone?: string;
  /** Where orders from this desk usually go (a pickup counter: its own counter). */
  defaultFulfilment?: OrderFormValues['fulfillment'];
  onPlaced?: (order: Order) => void;
}) {
  const { t } = useTranslation();
  const [form] = Form.useForm<OrderFormValues>();
  const submission = useRef(new FormSubmission<Order>());
  const [placed, setPlaced] = useState<Order | null>(null);
  const campusesQ = useQuery({
    queryKey: ['campuses'],
    queryFn: ({ signal }) => ok(api.GET('/api/campuses', { signal })),
  });
  const pointsQ = useQuery({
    queryKey: ['pickup-points'],
    queryFn: ({ signal }) => ok(api.GET('/api/pickup-points', { signal })),
  });
  const campuses = campusesQ.data ?? [];
  const points = pointsQ.data ?? [];
  const { products, search } = useProductSearch();
  const opts: OrderFormOptions = useMemo(() => ({ needsCustomer: true, paymentMethods }), [paymentMethods]);
  const type = Form.useWatch(['fulfillment', 'type'], form);

  // One Idempotency-Key per form: a retry after a lost answer (by the user's hand) places one order.
  const place = useAction(
    (body: PlaceOrderBody) =>
      submission.current.submit(body, (key) =>
        ok(api.POST('/api/orders', { params: { header: { 'Idempotency-Key': key } }, body })),
      ),
    { form, invalidate: [['orders'], ['products']] },
  );
  const problem = place.problem ?? queryProblem(campusesQ.error, pointsQ.error);
  useEffect(() => {
    if (defaultPhone) form.setFieldValue(['customer', 'phone'], defaultPhone);
  }, [defaultPhone, form]);

  const productLabel = (p: Product) =>
    `${p.sku} · ${p.name} · ${formatCents(p.priceCents)} · ${t('form.available', { count: p.stock.available })}`;

  const submit = () => {
    const values = form.getFieldsValue(true) as OrderFormValues;
    const errors = validateOrderForm(values, opts);
    form.setFields(errors.map((e) => ({ name: e.name as never, errors: [t(e.message)] })));
    if (errors.length) return;
    const body = toPlaceOrderBody(values, opts);
    place.run(body, {
      onSuccess: (order) => {
        setPlaced(order);
        onPlaced?.(order);
      },
      onError: (err) => {
        // Out of stock names the SKU: put the message on that line too.
        if (err instanceof ApiProblem && typeof err.body.sku === 'string') {
          const i = (values.lines ?? []).findIndex((l) => l.sku?.trim().toUpperCase() === err.body.sku);
          if (i >= 0)
            form.setFields([{ name: ['lines', i, 'quantity'] as never, errors: [err.detail ?? err.title] }]);
        }
      },
    });
  };

  const next = () => {
    submission.current.reset();
    setPlaced(null);
    place.reset();
    form.resetFields();
  };

  if (placed) {
    return (
      <Card>
        <Result
          status="success"
          title={t('form.created')}
          subTitle={t('form.readOut')}
          extra={
            <Space direction="vertical" align="center">
              <div
                data-testid="order-number"
                aria-live="polite"
                style={{ fontSize: 48, fontWeight: 700, letterSpacing: 4, fontFamily: 'monospace' }}
              >
                {placed.number}
              </div>
              <Typography.Text>
                {t('order.total')}: <strong>{formatCents(placed.totalCents)}</strong>
                {placed.discountCents > 0 ? (
                  <span data-testid="order-discount">
                    {' '}
                    ({t('promotions.discountApplied', { amount: formatCents(placed.discountCents) })}
                    {placed.couponCode ? ` · ${placed.couponCode}` : ''})
                  </span>
                ) : null}
              </Typography.Text>
              <Button type="primary" onClick={next} autoFocus>
                {t('form.another')}
              </Button>
            </Space>
          }
        />
      </Card>
    );
  }

  return (
    <Card title={<h2 style={{ margin: 0, fontSize: 18 }}>{t('form.newOrder')}</h2>}>
      <ProblemAlert problem={problem} onClose={place.problem ? place.reset : undefined} />
      <Form
        form={form}
        name="order"
        layout="vertical"
        requiredMark={false}
        initialValues={{
          lines: [{ quantity: 1 }],
          fulfillment: defaultFulfilment,
          paymentMethod: paymentMethods.includes('cod') ? 'cod' : paymentMethods[0],
        }}
        onFinish={submit}
      >
        <Row gutter={16}>
          <Col xs={24} md={12}>
            <Form.Item name={['customer', 'phone']} label={t('form.customerPhone')}>
              <Input autoComplete="off" inputMode="tel" />
            </Form.Item>
          </Col>
          <Col xs={24} md={12}>
            <Form.Item name={['customer', 'name']} label={t('form.customerName')}>
              <Input autoComplete="off" />
            </Form.Item>
          </Col>
        </Row>
        <Form.List name="lines">
          {(fields, { add, remove }, { errors }) => (
            <>
              {fields.map((field, i) => (
                <Row gutter={8} key={field.key} align="top">
                  <Col flex="auto">
                    <Form.Item name={[field.name, 'sku']} label={`${t('form.product')} ${i + 1}`}>
                      <Select
                        showSearch
                        placeholder={t('form.searchSku')}
                        filterOption={false}
                        onSearch={search}
                        options={products.map((p) => ({ value: p.sku, label: productLabel(p) }))}
                      />
                    </Form.Item>
                  </Col>
                  <Col flex="140px">
                    <Form.Item name={[field.name, 'quantity']} label={`${t('form.quantity')} ${i + 1}`}>
                      <InputNumber min={1} max={999} precision={0} style={{ width: '100%' }} />
                    </Form.Item>
                  </Col>
                  <Col flex="none" style={{ paddingTop: 30 }}>
                    <Button
                      aria-label={t('form.removeLine', { n: i + 1 })}
                      disabled={fields.length === 1}
                      onClick={() => remove(field.name)}
                    >
                      −
                    </Button>
                  </Col>
                </Row>
              ))}
              <Form.ErrorList errors={errors} />
              <Button onClick={() => add({ quantity: 1 })} style={{ marginBottom: 16 }}>
                + {t('form.addLine')}
              </Button>
            </>
          )}
        </Form.List>
        <Form.Item name={['fulfillment', 'type']} label={t('form.fulfilment')}>
          <Radio.Group
            optionType="button"
            options={[
              { value: 'delivery', label: t('form.delivery') },
              { value: 'locker', label: t('form.locker') },
              { value: 'counter', label: t('form.counter') },
            ]}
          />
        </Form.Item>
        {type === 'delivery' ? (
          <Row gutter={16}>
            <Col xs={24} md={10}>
              <Form.Item name={['fulfillment', 'campusId']} label={t('form.campus')}>
                <Select
                  showSearch
                  optionFilterProp="label"
                  options={campuses.map((c) => ({ value: c.id, label: c.name }))}
                />
              </Form.Item>
            </Col>
            <Col xs={24} md={14}>
              <Form.Item name={['fulfillment', 'address']} label={t('form.address')}>
                <Input />
              </Form.Item>
            </Col>
          </Row>
        ) : (
          <Form.Item name={['fulfillment', 'pickupPointId']} label={t('form.pickupPoint')}>
            <Select
              showSearch
              optionFilterProp="label"
              options={points.map((p) => ({ value: p.id, label: `${p.name} (${p.code})` }))}
            />
          </Form.Item>
        )}
        <Form.Item name="paymentMethod" label={t('form.payment')}>
          <Radio.Group
            optionType="button"
            options={paymentMethods.map((m) => ({
              value: m,
              label: t(m === 'counter' ? 'form.counterPay' : `form.${m}`),
            }))}
          />
        </Form.Item>
        <Row gutter={16}>
          <Col xs={24} md={6}>
            <Form.Item name="agentCode" label={t('form.agentCode')}>
              <Input autoComplete="off" style={{ textTransform: 'uppercase' }} />
            </Form.Item>
          </Col>
          <Col xs={24} md={6}>
            <Form.Item name="couponCode" label={t('promotions.couponCode')}>
              <Input autoComplete="off" style={{ textTransform: 'uppercase' }} />
            </Form.Item>
          </Col>
          <Col xs={24} md={12}>
            <Form.Item name="note" label={t('form.note')}>
              <Input />
            </Form.Item>
          </Col>
        </Row>
        <Button type="primary" htmlType="submit" size="large" loading={place.busy} data-testid="place-order">
          {t('form.submit')}
        </Button>
      </Form>
    </Card>
  );
}
