import { useState } from 'react';
import {
  Button,
  Card,
  Checkbox,
  Col,
  Form,
  Input,
  InputNumber,
  message,
  Row,
  Select,
  Space,
  Switch,
  Table,
} from 'antd';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, ok, type Schemas } from '../../api/client';
import { saveBlob } from '../../api/download';
import { asProblem } from '../../api/problem';
import type { Session } from '../../auth/session';
import { ProblemAlert } from '../../components/ProblemAlert';
import { ToneTag } from '../../components/ToneTag';
import { useAction } from '../../api/useAction';
import { formatCents, parseYuan } from '../../lib/money';
import { formatTime, shanghaiToday } from '../../lib/time';
import { useNetwork } from './shared';

type Promotion = Schemas['PromotionResponse'];
type FlashSale = Schemas['FlashSaleResponse'];
type Coupon = Schemas['CouponResponse'];
type Effect = Schemas['PromotionEffectView'];
type Kind = Promotion['kind'];

const KINDS: Kind[] = ['percent_off', 'amount_off', 'spend_and_save', 'gift'];
const CHANNELS = ['web', 'wap', 'sms', 'phone', 'pickup_point', 'agent'] as const;
const h2 = (text: string) => <h2 style={{ fontSize: 16, margin: 0 }}>{text}</h2>;
/** A datetime-local value (the browser's time) as an instant. */
const instant = (v?: string) => (v ? new Date(v).toISOString() : '');
const list = (v?: string) =>
  (v ?? '')
    .split(/[\s,，]+/)
    .map((x) => x.trim())
    .filter(Boolean);
/** Money typed in yuan: a wrong amount goes to the API as −1 so that it names the field. */
const cents = (v?: string) => (v ? (parseYuan(v) ?? -1) : undefined);

interface PromotionForm {
  name: string;
  kind: Kind;
  percent?: number;
  amount?: string;
  threshold?: string;
  giftSku?: string;
  skus?: string;
  categories?: string;
  regionId?: string;
  campusIds?: string[];
  channels?: string[];
  requiresCoupon?: boolean;
  startsAt: string;
  endsAt: string;
  maxUses?: number;
}

/**
 * Promotions, coupons and flash sales, and what they did (the promotion report). Admins work on
 * everything; a regional manager on their region (the API forces and checks the region).
 */
export function PromotionsTab({ session }: { session: Session }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const net = useNetwork();
  const admin = session.role === 'admin';
  const [selected, setSelected] = useState<Promotion | null>(null);
  const promotions = useQuery({
    queryKey: ['promotions'],
    queryFn: ({ signal }) => ok(api.GET('/api/promotions', { params: { query: { limit: 200 } }, signal })),
  });
  const flashSales = useQuery({
    queryKey: ['flash-sales'],
    queryFn: ({ signal }) => ok(api.GET('/api/flash-sales', { params: { query: { limit: 200 } }, signal })),
  });
  const [promoForm] = Form.useForm<PromotionForm>();
  const kind = Form.useWatch('kind', promoForm);
  const refresh = (key: string) => {
    void message.success(t('promotions.saved'));
    void qc.invalidateQueries({ queryKey: [key] });
    void qc.invalidateQueries({ queryKey: ['audit'] });
  };
  const create = useAction(
    (v: PromotionForm) =>
      ok(
        api.POST('/api/promotions', {
          body: {
            name: v.name,
            kind: v.kind,
            percentBps:
              v.kind === 'percent_off' && v.percent !== undefined ? Math.round(v.percent * 100) : undefined,
            amountCents: v.kind === 'amount_off' || v.kind === 'spend_and_save' ? cents(v.amount) : undefined,
            thresholdCents: cents(v.threshold),
            giftSku: v.kind === 'gift' ? v.giftSku : undefined,
            skus: list(v.skus).map((s) => s.toUpperCase()),
            categories: list(v.categories),
            regionId: v.regionId || undefined,
            campusIds: v.campusIds ?? [],
            channels: (v.channels ?? []) as (typeof CHANNELS)[number][],
            requiresCoupon: v.kind !== 'gift' && (v.requiresCoupon ?? false),
            startsAt: instant(v.startsAt),
            endsAt: instant(v.endsAt),
            maxUses: v.maxUses ?? undefined,
          },
        }),
      ),
    {
      form: promoForm,
      onSuccess: () => {
        promoForm.resetFields();
        refresh('promotions');
      },
    },
  );
  const toggle = useAction(
    (p: { id: string; active: boolean }) =>
      ok(api.PATCH('/api/promotions/{id}', { params: { path: { id: p.id } }, body: { active: p.active } })),
    { onSuccess: () => refresh('promotions'), onError: (problem) => void message.error(problem.title) },
  );
  const required = [{ required: true, message: t('validation.required') }];
  const value = (p: Promotion) =>
    p.kind === 'percent_off'
      ? `${(p.percentBps ?? 0) / 100}%`
      : p.kind === 'gift'
        ? `${t('promotions.gift')} ${p.giftSku}`
        : `${p.thresholdCents ? `${t('promotions.from')} ${formatCents(p.thresholdCents)} ` : ''}−${formatCents(p.amountCents ?? 0)}`;

  return (
    <Row gutter={[16, 16]}>
      <Col span={24}>
        <Card size="small" title={h2(t('promotions.create'))}>
          <ProblemAlert problem={create.problem} onClose={create.reset} />
          <Form
            form={promoForm}
            layout="vertical"
            initialValues={{ kind: 'percent_off' }}
            onFinish={(v) => create.run(v)}
          >
            <Row gutter={12}>
              <Col xs={24} md={8}>
                <Form.Item name="name" label={t('promotions.name')} rules={required}>
                  <Input />
                </Form.Item>
              </Col>
              <Col xs={12} md={4}>
                <Form.Item name="kind" label={t('promotions.kind')}>
                  <Select options={KINDS.map((k) => ({ value: k, label: t(`promotions.kinds.${k}`) }))} />
                </Form.Item>
              </Col>
              {kind === 'percent_off' ? (
                <Col xs={12} md={4}>
                  <Form.Item name="percent" label={t('promotions.percent')} rules={required}>
                    <InputNumber
                      min={0.01}
                      max={100}
                      precision={2}
                      addonAfter="%"
                      style={{ width: '100%' }}
                    />
                  </Form.Item>
                </Col>
              ) : null}
              {kind === 'amount_off' || kind === 'spend_and_save' ? (
                <Col xs={12} md={4}>
                  <Form.Item
                    name="amount"
                    label={t(kind === 'amount_off' ? 'promotions.amountPerUnit' : 'promotions.amount')}
                    rules={required}
                  >
                    <Input inputMode="decimal" />
                  </Form.Item>
                </Col>
              ) : null}
              {kind === 'spend_and_save' || kind === 'gift' ? (
                <Col xs={12} md={4}>
                  <Form.Item
                    name="threshold"
                    label={t('promotions.threshold')}
                    rules={kind === 'spend_and_save' ? required : []}
                  >
                    <Input inputMode="decimal" />
                  </Form.Item>
                </Col>
              ) : null}
              {kind === 'gift' ? (
                <Col xs={12} md={4}>
                  <Form.Item name="giftSku" label={t('promotions.giftSku')} rules={required}>
                    <Input />
                  </Form.Item>
                </Col>
              ) : null}
            </Row>
            <Row gutter={12}>
              <Col xs={24} md={6}>
                <Form.Item name="skus" label={t('promotions.skus')} extra={t('promotions.everythingHint')}>
                  <Input />
                </Form.Item>
              </Col>
              <Col xs={24} md={6}>
                <Form.Item name="categories" label={t('promotions.categories')}>
                  <Input />
                </Form.Item>
              </Col>
              {admin ? (
                <Col xs={12} md={4}>
                  <Form.Item name="regionId" label={t('promotions.region')}>
                    <Select allowClear options={net.regions.map((r) => ({ value: r.id, label: r.name }))} />
                  </Form.Item>
                </Col>
              ) : null}
              <Col xs={12} md={4}>
                <Form.Item name="campusIds" label={t('promotions.campuses')}>
                  <Select
                    mode="multiple"
                    options={net.campuses.map((c) => ({ value: c.id, label: c.name }))}
                  />
                </Form.Item>
              </Col>
              <Col xs={24} md={4}>
                <Form.Item name="channels" label={t('promotions.channels')}>
                  <Select
                    mode="multiple"
                    options={CHANNELS.map((c) => ({ value: c, label: t(`promotions.channelNames.${c}`) }))}
                  />
                </Form.Item>
              </Col>
            </Row>
            <Row gutter={12} align="bottom">
              <Col xs={12} md={5}>
                <Form.Item name="startsAt" label={t('promotions.startsAt')} rules={required}>
                  <Input type="datetime-local" />
                </Form.Item>
              </Col>
              <Col xs={12} md={5}>
                <Form.Item name="endsAt" label={t('promotions.endsAt')} rules={required}>
                  <Input type="datetime-local" />
                </Form.Item>
              </Col>
              <Col xs={12} md={4}>
                <Form.Item name="maxUses" label={t('promotions.maxUses')}>
                  <InputNumber min={1} style={{ width: '100%' }} />
                </Form.Item>
              </Col>
              {kind !== 'gift' ? (
                <Col xs={12} md={5}>
                  <Form.Item name="requiresCoupon" valuePropName="checked">
                    <Checkbox>{t('promotions.requiresCoupon')}</Checkbox>
                  </Form.Item>
                </Col>
              ) : null}
              <Col xs={24} md={5}>
                <Form.Item>
                  <Button type="primary" htmlType="submit" loading={create.busy}>
                    {t('promotions.createButton')}
                  </Button>
                </Form.Item>
              </Col>
            </Row>
          </Form>
          <p style={{ margin: 0, color: '#595959' }}>{t('promotions.precedence')}</p>
        </Card>
      </Col>
      <Col span={24}>
        <Card size="small" title={h2(t('promotions.list'))}>
          <Table<Promotion>
            rowKey="id"
            size="small"
            loading={promotions.isLoading}
            pagination={{ pageSize: 10 }}
            dataSource={promotions.data?.items ?? []}
            scroll={{ x: true }}
            columns={[
              { title: t('promotions.name'), dataIndex: 'name' },
              { title: t('promotions.kind'), render: (_, p) => t(`promotions.kinds.${p.kind}`) },
              { title: t('promotions.value'), render: (_, p) => value(p) },
              {
                title: t('promotions.scope'),
                render: (_, p) =>
                  [
                    p.regionId ? net.regionName(p.regionId) : t('promotions.everywhere'),
                    ...p.skus,
                    ...p.categories,
                  ].join(' · '),
              },
              {
                title: t('promotions.window'),
                render: (_, p) => `${formatTime(p.startsAt)} – ${formatTime(p.endsAt)}`,
              },
              {
                title: t('promotions.uses'),
                render: (_, p) => `${p.uses}${p.maxUses ? ` / ${p.maxUses}` : ''}`,
              },
              {
                title: t('promotions.coupons'),
                render: (_, p) =>
                  p.requiresCoupon ? (
                    <Button size="small" onClick={() => setSelected(p)}>
                      {t('promotions.manageCoupons', { n: p.couponCount })}
                    </Button>
                  ) : (
                    <ToneTag tone="default">{t('promotions.automatic')}</ToneTag>
                  ),
              },
              {
                title: t('promotions.active'),
                render: (_, p) => (
                  <Switch
                    checked={p.active}
                    aria-label={`${t('promotions.active')}: ${p.name}`}
                    onChange={(active) => toggle.run({ id: p.id, active })}
                  />
                ),
              },
            ]}
          />
        </Card>
      </Col>
      {selected ? (
        <Col span={24}>
          <CouponsPanel promotion={selected} onClose={() => setSelected(null)} />
        </Col>
      ) : null}
      <Col span={24}>
        <FlashSalesPanel admin={admin} sales={flashSales.data?.items ?? []} loading={flashSales.isLoading} />
      </Col>
      <Col span={24}>
        <UsePanel />
      </Col>
    </Row>
  );
}

function CouponsPanel({ promotion, onClose }: { promotion: Promotion; onClose: () => void }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [batchId, setBatchId] = useState<string | undefined>();
  const [issueForm] = Form.useForm<{ count?: number; code?: string; maxUses?: number; agentId?: string }>();
  const [sendForm] = Form.useForm<{ phones: string }>();
  const agents = useQuery({
    queryKey: ['agents'],
    queryFn: ({ signal }) => ok(api.GET('/api/agents', { params: { query: { limit: 200 } }, signal })),
  });
  const coupons = useQuery({
    queryKey: ['coupons', promotion.id],
    queryFn: ({ signal }) =>
      ok(
        api.GET('/api/promotions/{id}/coupons', {
          params: { path: { id: promotion.id }, query: { limit: 200 } },
          signal,
        }),
      ),
  });
  const after = (b: { batchId: string }) => {
    setBatchId(b.batchId);
    void message.success(t('promotions.saved'));
    void qc.invalidateQueries({ queryKey: ['coupons', promotion.id] });
    void qc.invalidateQueries({ queryKey: ['promotions'] });
  };
  const issue = useAction(
    (v: { count?: number; code?: string; maxUses?: number; agentId?: string }) =>
      ok(
        api.POST('/api/promotions/{id}/coupons', {
          params: { path: { id: promotion.id } },
          body: {
            count: v.code ? undefined : (v.count ?? 1),
            code: v.code || undefined,
            maxUses: v.maxUses ?? undefined,
            agentId: v.agentId || undefined,
          },
        }),
      ),
    {
      form: issueForm,
      onSuccess: (b) => {
        issueForm.resetFields();
        after(b);
      },
    },
  );
  const send = useAction(
    (v: { phones: string }) =>
      ok(
        api.POST('/api/promotions/{id}/coupons/send', {
          params: { path: { id: promotion.id } },
          body: { phones: list(v.phones) },
        }),
      ),
    {
      form: sendForm,
      onSuccess: (b) => {
        sendForm.resetFields();
        after(b);
      },
    },
  );
  const download = useAction(async () => {
    const { data, response } = await api.GET('/api/promotions/{id}/coupons', {
      params: { path: { id: promotion.id }, query: { format: 'csv', batchId } },
      parseAs: 'blob',
    });
    if (!response.ok || !data) throw asProblem(new Error(`HTTP ${response.status}`));
    saveBlob(data as unknown as Blob, `coupons-${batchId ?? promotion.id}.csv`);
  });
  return (
    <Card
      size="small"
      title={h2(t('promotions.couponsOf', { name: promotion.name }))}
      extra={
        <Space>
          <Button onClick={() => download.run()} loading={download.busy}>
            {batchId ? t('promotions.downloadBatch') : t('promotions.downloadAll')}
          </Button>
          <Button onClick={onClose}>{t('promotions.close')}</Button>
        </Space>
      }
    >
      <ProblemAlert problem={download.problem} onClose={download.reset} />
      <Row gutter={[16, 16]}>
        <Col xs={24} lg={12}>
          <h3 style={{ fontSize: 14 }}>{t('promotions.issue')}</h3>
          <ProblemAlert problem={issue.problem} onClose={issue.reset} />
          <Form form={issueForm} layout="vertical" onFinish={(v) => issue.run(v)}>
            <Space wrap align="end">
              <Form.Item name="count" label={t('promotions.count')}>
                <InputNumber min={1} max={10000} />
              </Form.Item>
              <Form.Item name="code" label={t('promotions.sharedCode')}>
                <Input style={{ width: 140 }} />
              </Form.Item>
              <Form.Item name="maxUses" label={t('promotions.usesPerCode')}>
                <InputNumber min={1} />
              </Form.Item>
              <Form.Item name="agentId" label={t('promotions.agentCode')}>
                <Select
                  allowClear
                  style={{ width: 160 }}
                  options={(agents.data?.items ?? []).map((a) => ({ value: a.id, label: a.displayName }))}
                />
              </Form.Item>
              <Form.Item>
                <Button type="primary" htmlType="submit" loading={issue.busy}>
                  {t('promotions.issueButton')}
                </Button>
              </Form.Item>
            </Space>
          </Form>
        </Col>
        <Col xs={24} lg={12}>
          <h3 style={{ fontSize: 14 }}>{t('promotions.send')}</h3>
          <ProblemAlert problem={send.problem} onClose={send.reset} />
          <Form form={sendForm} layout="vertical" onFinish={(v) => send.run(v)}>
            <Form.Item
              name="phones"
              label={t('promotions.phones')}
              extra={t('promotions.stopHint')}
              rules={[{ required: true, message: t('validation.required') }]}
            >
              <Input.TextArea rows={2} />
            </Form.Item>
            <Button htmlType="submit" loading={send.busy}>
              {t('promotions.sendButton')}
            </Button>
          </Form>
        </Col>
      </Row>
      <Table<Coupon>
        rowKey="id"
        size="small"
        style={{ marginTop: 12 }}
        loading={coupons.isLoading}
        pagination={{ pageSize: 10 }}
        dataSource={coupons.data?.items ?? []}
        columns={[
          { title: t('promotions.code'), dataIndex: 'code', render: (c: string) => <code>{c}</code> },
          { title: t('promotions.uses'), render: (_, c) => `${c.uses}${c.maxUses ? ` / ${c.maxUses}` : ''}` },
          { title: t('promotions.issuedTo'), dataIndex: 'issuedTo', render: (v: string | null) => v ?? '—' },
          {
            title: t('promotions.agentCode'),
            render: (_, c) => agents.data?.items.find((a) => a.id === c.agentId)?.displayName ?? '—',
          },
        ]}
      />
    </Card>
  );
}

interface FlashForm {
  sku: string;
  price: string;
  quantity: number;
  perCustomerLimit: number;
  startsAt: string;
  endsAt: string;
  campusIds?: string[];
}

function FlashSalesPanel({ sales, loading }: { admin: boolean; sales: FlashSale[]; loading: boolean }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const net = useNetwork();
  const [form] = Form.useForm<FlashForm>();
  const create = useAction(
    (v: FlashForm) =>
      ok(
        api.POST('/api/flash-sales', {
          body: {
            sku: v.sku,
            priceCents: cents(v.price) ?? -1,
            quantity: v.quantity,
            perCustomerLimit: v.perCustomerLimit,
            startsAt: instant(v.startsAt),
            endsAt: instant(v.endsAt),
            campusIds: v.campusIds ?? [],
          },
        }),
      ),
    {
      form: form,
      onSuccess: () => {
        form.resetFields();
        void message.success(t('promotions.saved'));
        void qc.invalidateQueries({ queryKey: ['flash-sales'] });
      },
    },
  );
  const stop = useAction(
    (id: string) =>
      ok(api.PATCH('/api/flash-sales/{id}', { params: { path: { id } }, body: { active: false } })),
    { invalidate: [['flash-sales']], onError: (problem) => void message.error(problem.title) },
  );
  const required = [{ required: true, message: t('validation.required') }];
  return (
    <Card size="small" title={h2(t('promotions.flashSales'))}>
      <ProblemAlert problem={create.problem} onClose={create.reset} />
      <Form form={form} layout="vertical" onFinish={(v) => create.run(v)}>
        <Space wrap align="end">
          <Form.Item name="sku" label={t('promotions.sku')} rules={required}>
            <Input style={{ width: 130 }} />
          </Form.Item>
          <Form.Item name="price" label={t('promotions.salePrice')} rules={required}>
            <Input style={{ width: 100 }} inputMode="decimal" />
          </Form.Item>
          <Form.Item name="quantity" label={t('promotions.saleQuantity')} rules={required}>
            <InputNumber min={1} />
          </Form.Item>
          <Form.Item name="perCustomerLimit" label={t('promotions.perCustomerLimit')} rules={required}>
            <InputNumber min={1} max={999} />
          </Form.Item>
          <Form.Item name="startsAt" label={t('promotions.startsAt')} rules={required}>
            <Input type="datetime-local" />
          </Form.Item>
          <Form.Item name="endsAt" label={t('promotions.endsAt')} rules={required}>
            <Input type="datetime-local" />
          </Form.Item>
          <Form.Item name="campusIds" label={t('promotions.campuses')}>
            <Select
              mode="multiple"
              style={{ minWidth: 160 }}
              options={net.campuses.map((c) => ({ value: c.id, label: c.name }))}
            />
          </Form.Item>
          <Form.Item>
            <Button type="primary" htmlType="submit" loading={create.busy}>
              {t('promotions.createFlashSale')}
            </Button>
          </Form.Item>
        </Space>
      </Form>
      <Table<FlashSale>
        rowKey="id"
        size="small"
        loading={loading}
        pagination={{ pageSize: 10 }}
        dataSource={sales}
        scroll={{ x: true }}
        columns={[
          { title: t('promotions.sku'), render: (_, f) => `${f.sku} ${f.name}` },
          {
            title: t('promotions.salePrice'),
            render: (_, f) => (
              <span>
                {formatCents(f.priceCents)}{' '}
                <s style={{ color: '#595959' }}>{formatCents(f.listPriceCents)}</s>
              </span>
            ),
          },
          { title: t('promotions.sold'), render: (_, f) => `${f.sold} / ${f.quantity}` },
          { title: t('promotions.perCustomerLimit'), dataIndex: 'perCustomerLimit' },
          {
            title: t('promotions.window'),
            render: (_, f) => `${formatTime(f.startsAt)} – ${formatTime(f.endsAt)}`,
          },
          {
            title: t('promotions.state'),
            render: (_, f) =>
              f.running ? (
                <ToneTag tone="green">{t('promotions.running')}</ToneTag>
              ) : (
                <ToneTag tone="default">
                  {f.active ? t('promotions.notRunning') : t('promotions.stopped')}
                </ToneTag>
              ),
          },
          {
            title: '',
            render: (_, f) =>
              f.active ? (
                <Button size="small" danger onClick={() => stop.run(f.id)}>
                  {t('promotions.stop')}
                </Button>
              ) : null,
          },
        ]}
      />
    </Card>
  );
}

/** The promotion report: what each promotion and flash sale did in a window. */
function UsePanel() {
  const { t } = useTranslation();
  const today = shanghaiToday();
  const monthStart = `${today.slice(0, 8)}01`;
  const [query, setQuery] = useState({ from: monthStart, to: today });
  const [form] = Form.useForm<{ from: string; to: string }>();
  const report = useQuery({
    queryKey: ['reports', 'promotions', query],
    queryFn: ({ signal }) => ok(api.GET('/api/reports/promotions', { params: { query }, signal })),
  });
  return (
    <Card size="small" title={h2(t('promotions.use'))}>
      <ProblemAlert
        problem={report.error ? asProblem(report.error) : null}
        onClose={() => setQuery({ ...query })}
      />
      <Form
        form={form}
        layout="inline"
        initialValues={query}
        style={{ marginBottom: 12 }}
        onFinish={(v) => setQuery(v)}
      >
        <Form.Item name="from" label={t('promotions.from')}>
          <Input type="date" />
        </Form.Item>
        <Form.Item name="to" label={t('promotions.to')}>
          <Input type="date" />
        </Form.Item>
        <Button htmlType="submit">{t('promotions.show')}</Button>
      </Form>
      <Table<Effect>
        rowKey="id"
        size="small"
        loading={report.isLoading}
        pagination={false}
        dataSource={report.data?.items ?? []}
        scroll={{ x: true }}
        columns={[
          {
            title: t('promotions.name'),
            render: (_, e) =>
              `${e.kind === 'flash_sale' ? t('promotions.flashSale') : t(`promotions.kinds.${e.promotionKind}`)}: ${e.name}`,
          },
          { title: t('promotions.orders'), dataIndex: 'orders' },
          { title: t('promotions.discount'), render: (_, e) => formatCents(e.discountCents) },
          { title: 'GMV', render: (_, e) => formatCents(e.gmvCents) },
          { title: t('promotions.newCustomers'), dataIndex: 'newCustomers' },
          {
            title: t('promotions.margin'),
            render: (_, e) =>
              e.grossMarginCents === null ? t('promotions.noCost') : formatCents(e.grossMarginCents),
          },
          {
            title: 'ROI',
            render: (_, e) => (e.roiBps === null ? '—' : `${(e.roiBps / 10_000).toFixed(2)}×`),
          },
        ]}
      />
      <p style={{ margin: '8px 0 0', color: '#595959' }}>{t('promotions.roiHint')}</p>
    </Card>
  );
}
