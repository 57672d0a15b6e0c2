import { Button, Card, Col, Form, Input, InputNumber, message, Row, Select, Table } from 'antd';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, ok } from '../../api/client';
import type { Session } from '../../auth/session';
import { ProblemAlert } from '../../components/ProblemAlert';
import { useAction } from '../../api/useAction';
import { formatCents, parseYuan } from '../../lib/money';
import { formatTime } from '../../lib/time';
import { useNetwork } from './shared';
import { TaskFeesCard } from './TaskFeesCard';

/** GET /api/commission-rules and -tiers answer these (their OpenAPI answers are untyped). */
interface Rule {
  id: string;
  sku: string | null;
  category: string | null;
  rateBps: number;
  fixedCents: number;
  validFrom: string | null;
}
interface Tier {
  id: string;
  regionId: string;
  fromOrder: number;
  bonusBps: number;
  validFrom: string | null;
}

export function CommissionsTab({ session }: { session: Session }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const net = useNetwork();
  const admin = session.role === 'admin';
  const rules = useQuery({
    queryKey: ['commission-rules'],
    queryFn: async ({ signal }) =>
      (await ok(api.GET('/api/commission-rules', { signal }))) as unknown as Rule[],
  });
  const tiers = useQuery({
    queryKey: ['commission-tiers'],
    queryFn: async ({ signal }) =>
      (await ok(api.GET('/api/commission-tiers', { signal }))) as unknown as Tier[],
  });
  const [ruleForm] = Form.useForm<{ sku?: string; category?: string; rateBps?: number; fixed?: string }>();
  const [tierForm] = Form.useForm<{ regionId: string; fromOrder: number; bonusBps: number }>();
  const done = (key: string) => {
    void message.success(t('admin.network.saved'));
    void qc.invalidateQueries({ queryKey: [key] });
    void qc.invalidateQueries({ queryKey: ['audit'] });
  };
  const addRule = useAction(
    (v: { sku?: string; category?: string; rateBps?: number; fixed?: string }) =>
      ok(
        api.POST('/api/commission-rules', {
          body: {
            sku: v.sku || undefined,
            category: v.category || undefined,
            rateBps: v.rateBps ?? undefined,
            fixedCents: v.fixed ? (parseYuan(v.fixed) ?? -1) : undefined,
          },
        }),
      ),
    {
      form: ruleForm,
      onSuccess: () => {
        ruleForm.resetFields();
        done('commission-rules');
      },
    },
  );
  const addTier = useAction(
    (v: { regionId: string; fromOrder: number; bonusBps: number }) =>
      ok(api.POST('/api/commission-tiers', { body: v })),
    {
      form: tierForm,
      onSuccess: () => {
        tierForm.resetFields();
        done('commission-tiers');
      },
    },
  );
  const required = [{ required: true, message: t('validation.required') }];
  return (
    <Row gutter={[16, 16]}>
      <Col xs={24} xl={12}>
        <TaskFeesCard admin={admin} />
      </Col>
      <Col xs={24} xl={12}>
        <Card
          size="small"
          title={<h2 style={{ fontSize: 16, margin: 0 }}>{t('admin.commissions.rules')}</h2>}
        >
          {admin ? (
            <>
              <ProblemAlert problem={addRule.problem} onClose={addRule.reset} />
              <Form
                form={ruleForm}
                layout="inline"
                style={{ marginBottom: 12 }}
                onFinish={(v) => addRule.run(v)}
              >
                <Form.Item name="sku" label={t('admin.product.sku')}>
                  <Input style={{ width: 100 }} />
                </Form.Item>
                <Form.Item name="category" label={t('admin.product.category')}>
                  <Input style={{ width: 100 }} />
                </Form.Item>
                <Form.Item name="rateBps" label={t('admin.commissions.rateBps')}>
                  <InputNumber min={0} />
                </Form.Item>
                <Form.Item name="fixed" label={t('admin.commissions.fixed')}>
                  <Input style={{ width: 80 }} />
                </Form.Item>
                <Button htmlType="submit" loading={addRule.busy}>
                  {t('admin.commissions.addRule')}
                </Button>
              </Form>
            </>
          ) : null}
          <Table<Rule>
            rowKey="id"
            size="small"
            pagination={{ pageSize: 10 }}
            dataSource={rules.data ?? []}
            columns={[
              {
                title: t('admin.commissions.scope'),
                render: (_, r) => r.sku ?? r.category ?? t('admin.commissions.default'),
              },
              { title: t('admin.commissions.rateBps'), dataIndex: 'rateBps' },
              {
                title: t('admin.commissions.fixed'),
                dataIndex: 'fixedCents',
                render: (c: number) => formatCents(c),
              },
              {
                title: t('admin.commissions.validFrom'),
                dataIndex: 'validFrom',
                render: (d: string | null) => formatTime(d),
              },
            ]}
          />
        </Card>
      </Col>
      <Col xs={24} xl={12}>
        <Card
          size="small"
          title={<h2 style={{ fontSize: 16, margin: 0 }}>{t('admin.commissions.tiers')}</h2>}
        >
          <ProblemAlert problem={addTier.problem} onClose={addTier.reset} />
          <Form form={tierForm} layout="inline" style={{ marginBottom: 12 }} onFinish={(v) => addTier.run(v)}>
            <Form.Item name="regionId" label={t('admin.network.region')}>
              <Select
                style={{ width: 130 }}
                options={net.regions.map((r) => ({ value: r.id, label: r.name }))}
              />
            </Form.Item>
            <Form.Item name="fromOrder" label={t('admin.commissions.fromOrder')} rules={required}>
              <InputNumber min={1} />
            </Form.Item>
            <Form.Item name="bonusBps" label={t('admin.commissions.bonusBps')} rules={required}>
              <InputNumber min={0} />
            </Form.Item>
            <Button htmlType="submit" loading={addTier.busy}>
              {t('admin.commissions.addTier')}
            </Button>
          </Form>
          <Table<Tier>
            rowKey="id"
            size="small"
            pagination={{ pageSize: 10 }}
            dataSource={tiers.data ?? []}
            columns={[
              { title: t('admin.network.region'), render: (_, r) => net.regionName(r.regionId) },
              { title: t('admin.commissions.fromOrder'), dataIndex: 'fromOrder' },
              { title: t('admin.commissions.bonusBps'), dataIndex: 'bonusBps' },
              {
                title: t('admin.commissions.validFrom'),
                dataIndex: 'validFrom',
                render: (d: string | null) => formatTime(d),
              },
            ]}
          />
        </Card>
      </Col>
    </Row>
  );
}
