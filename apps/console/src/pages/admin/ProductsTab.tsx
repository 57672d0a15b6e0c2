import { useState } from 'react';
import { Button, Card, Col, Form, Input, InputNumber, message, Row, Switch, Table, Tag } from 'antd';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, ok, type Product, type Schemas } from '../../api/client';
import { ProblemAlert } from '../../components/ProblemAlert';
import { useAction } from '../../api/useAction';
import { centsToInput, formatCents, parseYuan } from '../../lib/money';
import { formatTime } from '../../lib/time';

type Movement = Schemas['StockMovementResponse'];

interface NewProduct {
  sku: string;
  name: string;
  category: string;
  price: string;
  stock?: number;
  lowStockThreshold?: number;
}

function CreateProduct() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [form] = Form.useForm<NewProduct>();
  const create = useAction(
    (v: NewProduct) =>
      ok(
        api.POST('/api/products', {
          body: {
            sku: v.sku.trim().toUpperCase(),
            name: v.name,
            category: v.category,
            priceCents: parseYuan(v.price) ?? -1,
            requiresInstallation: false,
            stock: v.stock ?? 0,
            lowStockThreshold: v.lowStockThreshold ?? 0,
          },
        }),
      ),
    {
      form,
      onSuccess: (p) => {
        form.resetFields();
        void message.success(t('admin.product.created', { sku: p.sku }));
        void qc.invalidateQueries({ queryKey: ['products'] });
        void qc.invalidateQueries({ queryKey: ['audit'] });
      },
    },
  );
  return (
    <Card size="small" title={<h2 style={{ fontSize: 16, margin: 0 }}>{t('admin.product.create')}</h2>}>
      <ProblemAlert problem={create.problem} onClose={create.reset} />
      <Form<NewProduct> form={form} layout="inline" onFinish={(v) => create.run(v)} requiredMark={false}>
        <Form.Item
          name="sku"
          label={t('admin.product.sku')}
          rules={[{ required: true, message: t('validation.required') }]}
        >
          <Input style={{ width: 130 }} />
        </Form.Item>
        <Form.Item
          name="name"
          label={t('admin.product.name')}
          rules={[{ required: true, message: t('validation.required') }]}
        >
          <Input style={{ width: 180 }} />
        </Form.Item>
        <Form.Item
          name="category"
          label={t('admin.product.category')}
          rules={[{ required: true, message: t('validation.required') }]}
        >
          <Input style={{ width: 120 }} />
        </Form.Item>
        <Form.Item
          name="price"
          label={t('admin.product.price')}
          rules={[{ required: true, message: t('validation.required') }]}
        >
          <Input style={{ width: 90 }} inputMode="decimal" />
        </Form.Item>
        <Form.Item name="stock" label={t('admin.product.initialStock')}>
          <InputNumber min={0} style={{ width: 90 }} />
        </Form.Item>
        <Form.Item name="lowStockThreshold" label={t('admin.product.threshold')}>
          <InputNumber min={0} style={{ width: 80 }} />
        </Form.Item>
        <Button type="primary" htmlType="submit" loading={create.busy} data-testid="create-product">
          {t('admin.product.create')}
        </Button>
      </Form>
    </Card>
  );
}

interface Edit {
  name: string;
  category: string;
  price: string;
  cost?: string;
  active: boolean;
  lowStockThreshold: number;
}

function ProductDetail({ product }: { product: Product }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [edit] = Form.useForm<Edit>();
  const [adjust] = Form.useForm<{ delta: number; reason: string }>();
  const movements = useQuery({
    queryKey: ['stock-movements', product.sku],
    queryFn: ({ signal }) =>
      ok(
        api.GET('/api/products/{sku}/stock-movements', {
          params: { path: { sku: product.sku }, query: { limit: 50 } },
          signal,
        }),
      ),
  });
  const refresh = () => {
    void qc.invalidateQueries({ queryKey: ['products'] });
    void qc.invalidateQueries({ queryKey: ['stock-movements', product.sku] });
    void qc.invalidateQueries({ queryKey: ['audit'] });
  };
  const save = useAction(
    (v: Edit) =>
      ok(
        api.PATCH('/api/products/{sku}', {
          params: { path: { sku: product.sku } },
          body: {
            name: v.name,
            category: v.category,
            priceCents: parseYuan(v.price) ?? -1,
            costCents: v.cost ? (parseYuan(v.cost) ?? -1) : undefined,
            active: v.active,
            lowStockThreshold: v.lowStockThreshold,
          },
        }),
      ),
    {
      form: edit,
      onSuccess: (p) => {
        void message.success(t('admin.product.saved', { sku: p.sku }));
        refresh();
      },
    },
  );
  const move = useAction(
    (v: { delta: number; reason: string }) =>
      ok(
        api.POST('/api/products/{sku}/stock-adjustments', {
          params: { path: { sku: product.sku } },
          body: v,
        }),
      ),
    {
      form: adjust,
      onSuccess: (p) => {
        adjust.resetFields();
        void message.success(t('admin.product.adjusted', { sku: p.sku, onHand: p.stock.onHand }));
        refresh();
      },
    },
  );
  return (
    <Row gutter={16} style={{ marginTop: 16 }}>
      <Col xs={24} lg={10}>
        <Card
          size="small"
          title={<h2 style={{ fontSize: 16, margin: 0 }}>{`${t('admin.product.edit')} ${product.sku}`}</h2>}
        >
          <ProblemAlert problem={save.problem} onClose={save.reset} />
          <Form<Edit>
            key={product.sku}
            form={edit}
            layout="vertical"
            initialValues={{
              name: product.name,
              category: product.category,
              price: centsToInput(product.priceCents),
              cost:
                product.costCents === null || product.costCents === undefined
                  ? ''
                  : centsToInput(product.costCents),
              active: product.active,
              lowStockThreshold: product.stock.lowStockThreshold,
            }}
            onFinish={(v) => save.run(v)}
          >
            <Form.Item name="name" label={t('admin.product.name')}>
              <Input />
            </Form.Item>
            <Form.Item name="category" label={t('admin.product.category')}>
              <Input />
            </Form.Item>
            <Form.Item name="price" label={t('admin.product.price')}>
              <Input inputMode="decimal" />
            </Form.Item>
            <Form.Item name="cost" label={t('promotions.unitCost')} extra={t('promotions.unitCostHint')}>
              <Input inputMode="decimal" />
            </Form.Item>
            <Form.Item name="lowStockThreshold" label={t('admin.product.threshold')}>
              <InputNumber min={0} />
            </Form.Item>
            <Form.Item name="active" label={t('admin.product.active')} valuePropName="checked">
              <Switch />
            </Form.Item>
            <Button htmlType="submit" type="primary" loading={save.busy}>
              {t('admin.product.save')}
            </Button>
          </Form>
        </Card>
        <Card
          size="small"
          style={{ marginTop: 16 }}
          title={<h2 style={{ fontSize: 16, margin: 0 }}>{t('admin.product.adjust')}</h2>}
        >
          <ProblemAlert problem={move.problem} onClose={move.reset} />
          <Form<{ delta: number; reason: string }>
            form={adjust}
            layout="vertical"
            onFinish={(v) => move.run(v)}
          >
            <Form.Item
              name="delta"
              label={t('admin.product.delta')}
              rules={[{ required: true, message: t('validation.required') }]}
            >
              <InputNumber />
            </Form.Item>
            <Form.Item
              name="reason"
              label={t('admin.product.reason')}
              rules={[{ required: true, message: t('validation.required') }]}
            >
              <Input />
            </Form.Item>
            <Button htmlType="submit" loading={move.busy} data-testid="adjust-stock">
              {t('admin.product.adjust')}
            </Button>
          </Form>
        </Card>
      </Col>
      <Col xs={24} lg={14}>
        <Card
          size="small"
          title={<h2 style={{ fontSize: 16, margin: 0 }}>{t('admin.product.movements')}</h2>}
        >
          <Table<Movement>
            rowKey="id"
            size="small"
            data-testid="movements"
            loading={movements.isLoading}
            dataSource={movements.data?.items ?? []}
            pagination={false}
            columns={[
              { title: t('admin.audit.at'), dataIndex: 'at', render: (at: string) => formatTime(at) },
              {
                title: t('admin.audit.action'),
                dataIndex: 'kind',
                render: (k: string) => t(`admin.product.kinds.${k}`),
              },
              {
                title: t('admin.product.delta'),
                dataIndex: 'onHandDelta',
                render: (d: number) => (d > 0 ? `+${d}` : d),
              },
              { title: t('admin.product.reason'), dataIndex: 'reason' },
            ]}
          />
        </Card>
      </Col>
    </Row>
  );
}

export function ProductsTab() {
  const { t } = useTranslation();
  const [selected, setSelected] = useState<string | null>(null);
  const products = useQuery({
    queryKey: ['products'],
    queryFn: ({ signal }) => ok(api.GET('/api/products', { params: { query: { limit: 200 } }, signal })),
  });
  const product = products.data?.items.find((p) => p.sku === selected);
  return (
    <>
      <CreateProduct />
      <Table<Product>
        rowKey="sku"
        size="small"
        style={{ marginTop: 16 }}
        loading={products.isLoading}
        dataSource={products.data?.items ?? []}
        pagination={{ pageSize: 10 }}
        columns={[
          { title: t('admin.product.sku'), dataIndex: 'sku', render: (s: string) => <strong>{s}</strong> },
          { title: t('admin.product.name'), dataIndex: 'name' },
          { title: t('admin.product.category'), dataIndex: 'category' },
          { title: t('admin.product.price'), dataIndex: 'priceCents', render: (c: number) => formatCents(c) },
          { title: t('admin.product.onHand'), render: (_, p) => p.stock.onHand },
          { title: t('admin.product.reserved'), render: (_, p) => p.stock.reserved },
          {
            title: t('admin.product.available'),
            render: (_, p) =>
              p.stock.available < p.stock.lowStockThreshold ? (
                <Tag color="#ad4e00">{p.stock.available}</Tag>
              ) : (
                p.stock.available
              ),
          },
          {
            title: t('admin.product.active'),
            dataIndex: 'active',
            render: (a: boolean) => (
              <Tag color={a ? '#237804' : 'default'}>{a ? t('admin.users.on') : t('admin.users.off')}</Tag>
            ),
          },
          {
            title: t('common.actions'),
            render: (_, p) => (
              <Button
                size="small"
                onClick={() => setSelected(p.sku)}
                aria-label={`${t('admin.product.edit')} ${p.sku}`}
              >
                {t('admin.product.edit')}
              </Button>
            ),
          },
        ]}
      />
      {product ? <ProductDetail product={product} /> : null}
    </>
  );
}
