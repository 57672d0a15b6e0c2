import { useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  Button,
  Descriptions,
  Form,
  Input,
  message,
  Popconfirm,
  Select,
  Space,
  Table,
  Tag,
} from 'antd';
import { useTranslation } from 'react-i18next';
import { api, ok, type Schemas } from '../api/client';
import { saveBlob } from '../api/download';
import { ApiProblem, asProblem } from '../api/problem';
import type { Session } from '../auth/session';
import { ProblemAlert } from '../components/ProblemAlert';
import { useAction, useProblemFields } from '../api/useAction';
import { formatCents } from '../lib/money';
import { formatTime, previousPeriod } from '../lib/time';

type Settlement = Schemas['SettlementResponse'];
type Statement = Schemas['StatementResponse'];
type Lines = Schemas['StatementLinesResponse'];

// Solid dark colours: white text on them meets WCAG AA.
const STATUS_COLOURS: Record<string, string> = { draft: '#ad4e00', approved: '#0958d9', paid: '#237804' };

function StatementLines({ settlementId, agentId }: { settlementId: string; agentId: string }) {
  const { t } = useTranslation();
  const query = useQuery({
    queryKey: ['settlements', settlementId, 'statements', agentId],
    queryFn: ({ signal }) =>
      ok(
        api.GET('/api/settlements/{id}/statements/{agentId}', {
          params: { path: { id: settlementId, agentId } },
          signal,
        }),
      ),
  });
  const lines: Lines | undefined = query.data;
  const problem = query.error ? asProblem(query.error) : null;
  if (problem) return <ProblemAlert problem={problem} />;
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Table
        rowKey="id"
        size="small"
        pagination={false}
        loading={!lines}
        dataSource={lines?.entries ?? []}
        columns={[
          {
            title: t('settlement.kind'),
            dataIndex: 'kind',
            render: (k: string) => t(`settlement.kinds.${k}`, k),
          },
          { title: t('settlement.rule'), dataIndex: 'rule' },
          { title: t('settlement.earnedAt'), dataIndex: 'earnedAt', render: (at: string) => formatTime(at) },
          {
            title: t('order.total'),
            dataIndex: 'amountCents',
            align: 'right',
            render: (c: number) => formatCents(c),
          },
        ]}
      />
      {lines && lines.cod.length > 0 && (
        <Descriptions size="small" title={t('agent.codHeld')} column={1}>
          {lines.cod.map((c) => (
            <Descriptions.Item key={c.id} label={formatTime(c.collectedAt)}>
              {formatCents(c.amountCents)}
            </Descriptions.Item>
          ))}
        </Descriptions>
      )}
      {lines && lines.cashRefunds.length > 0 && (
        <Descriptions size="small" title={t('payments.refunds.cashRefunds')} column={1}>
          {lines.cashRefunds.map((r) => (
            <Descriptions.Item key={r.refundId} label={formatTime(r.owedAt)}>
              {formatCents(r.amountCents)}
            </Descriptions.Item>
          ))}
        </Descriptions>
      )}
    </Space>
  );
}

/** Month-end settlement of a region: create the draft, review each agent's statement, approve, export. */
export default function SettlementPanel({ session }: { session: Session }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<{ regionId: string; period: string }>();
  const queryClient = useQueryClient();
  const regions = useQuery({
    queryKey: ['regions'],
    queryFn: ({ signal }) => ok(api.GET('/api/regions', { signal })),
  });
  // The settlement on screen: its id once found or made (null: searched, none), undefined before.
  const [shownId, setShownId] = useState<string | null | undefined>(undefined);
  const shown = useQuery({
    queryKey: ['settlements', shownId],
    queryFn: ({ signal }) =>
      ok(api.GET('/api/settlements/{id}', { params: { path: { id: shownId! } }, signal })),
    enabled: Boolean(shownId),
  });
  const settlement: Settlement | null = (shownId && shown.data) || null;
  const show = (s: Settlement | null) => {
    if (s) queryClient.setQueryData(['settlements', s.id], s);
    setShownId(s ? s.id : null);
  };

  const find = async (regionId: string, period: string) => {
    const page = await queryClient.fetchQuery({
      queryKey: ['settlements', 'list', regionId, period],
      queryFn: ({ signal }) =>
        ok(api.GET('/api/settlements', { params: { query: { regionId, period, limit: 1 } }, signal })),
      staleTime: 0,
    });
    const found = page.items[0];
    setShownId(found ? found.id : null);
  };

  // One action per change: busy while it runs, its problem kept (fields shown next to the form's),
  // the settlement lists refreshed after it.
  const refresh = { invalidate: [['settlements', 'list']] };
  const open = useAction(
    ({ regionId, period }: { regionId: string; period: string }) => find(regionId, period),
    refresh,
  );
  const create = useAction(async ({ regionId, period }: { regionId: string; period: string }) => {
    try {
      show(await ok(api.POST('/api/settlements', { body: { regionId, period } })));
    } catch (err) {
      // 409: the month already has a settlement; show it next to the problem.
      if (err instanceof ApiProblem && err.status === 409) await find(regionId, period);
      throw err;
    }
  }, refresh);
  const approve = useAction(
    async (id: string) =>
      show(await ok(api.POST('/api/settlements/{id}/approve', { params: { path: { id } } }))),
    refresh,
  );
  const discard = useAction(async (id: string) => {
    await ok(api.DELETE('/api/settlements/{id}', { params: { path: { id } } }));
    queryClient.removeQueries({ queryKey: ['settlements', id] });
    setShownId(null);
    void message.success(t('settlement.discarded'));
  }, refresh);
  const csv = useAction(async (s: Settlement) => {
    const { data, response } = await api.GET('/api/settlements/{id}/export.csv', {
      params: { path: { id: s.id } },
      parseAs: 'blob',
    });
    if (!response.ok || !data) throw asProblem(new Error(`HTTP ${response.status}`));
    const name = /filename="([^"]+)"/.exec(response.headers.get('Content-Disposition') ?? '')?.[1];
    saveBlob(data as unknown as Blob, name ?? `settlement-${s.period}.csv`);
  }, refresh);
  const actions = [open, create, approve, discard, csv];
  const busy = actions.some((a) => a.busy);
  const failed = actions.find((a) => a.problem);
  const problem =
    failed?.problem ??
    (regions.error ? asProblem(regions.error) : shown.error ? asProblem(shown.error) : null);
  // The fields a problem names (region, month), shown next to them.
  useProblemFields(form, failed?.problem ?? null);
  const clearProblem = () => actions.forEach((a) => a.reset());
  const values = () => form.getFieldsValue() as { regionId: string; period: string };

  // Four eyes: whoever drew the settlement up does not approve it (an admin may).
  const drewItUp =
    settlement !== null && settlement.createdById === session.userId && session.role !== 'admin';

  const money = (key: keyof Schemas['MoneyTotalsView'], title: string) => ({
    title,
    dataIndex: key,
    align: 'right' as const,
    render: (c: number) => formatCents(c),
  });

  return (
    <Space direction="vertical" size="large" style={{ width: '100%' }}>
      <Form
        form={form}
        layout="inline"
        initialValues={{ regionId: session.regionId ?? undefined, period: previousPeriod() }}
        onFinish={(v) => {
          clearProblem();
          open.run(v);
        }}
      >
        <Form.Item name="regionId" label={t('settlement.region')}>
          <Select
            style={{ width: 200 }}
            disabled={Boolean(session.regionId)}
            options={(regions.data ?? []).map((r) => ({ value: r.id, label: `${r.name} (${r.code})` }))}
          />
        </Form.Item>
        <Form.Item name="period" label={t('reports.period')}>
          <Input type="month" />
        </Form.Item>
        <Space>
          <Button htmlType="submit" loading={busy}>
            {t('settlement.open')}
          </Button>
          <Button
            type="primary"
            onClick={() => {
              clearProblem();
              create.run(values());
            }}
            loading={busy}
          >
            {t('settlement.create')}
          </Button>
        </Space>
      </Form>
      <ProblemAlert problem={problem} onClose={clearProblem} />
      {shownId === null && !problem && <span>{t('settlement.none')}</span>}
      {settlement && (
        <>
          <Descriptions bordered size="small" column={{ xs: 1, md: 3 }}>
            <Descriptions.Item label={t('reports.period')}>{settlement.period}</Descriptions.Item>
            <Descriptions.Item label={t('order.status')}>
              <Tag color={STATUS_COLOURS[settlement.status]} data-testid="settlement-status">
                {t(`settlement.statuses.${settlement.status}`)}
              </Tag>
            </Descriptions.Item>
            <Descriptions.Item label={t('settlement.net')}>
              <strong>{formatCents(settlement.totals.netCents)}</strong>
            </Descriptions.Item>
          </Descriptions>
          {settlement.status === 'draft' && drewItUp && (
            <Alert type="info" showIcon message={t('approvals.otherApprover')} data-testid="four-eyes" />
          )}
          <Space>
            {settlement.status === 'draft' && !drewItUp && (
              <Popconfirm
                title={t('settlement.approveConfirm')}
                okText={t('settlement.approve')}
                cancelText={t('common.cancel')}
                onConfirm={() => {
                  clearProblem();
                  approve.run(settlement.id);
                }}
              >
                <Button type="primary" loading={busy}>
                  {t('settlement.approve')}
                </Button>
              </Popconfirm>
            )}
            {settlement.status === 'draft' && (
              <Popconfirm
                title={t('settlement.discardConfirm')}
                okText={t('settlement.discard')}
                cancelText={t('common.cancel')}
                onConfirm={() => {
                  clearProblem();
                  discard.run(settlement.id);
                }}
              >
                <Button danger loading={busy}>
                  {t('settlement.discard')}
                </Button>
              </Popconfirm>
            )}
            <Button onClick={() => csv.run(settlement)}>{t('settlement.csv')}</Button>
          </Space>
          <Table<Statement>
            rowKey="agentId"
            size="small"
            pagination={false}
            dataSource={settlement.statements}
            expandable={{
              expandedRowRender: (s) => <StatementLines settlementId={settlement.id} agentId={s.agentId} />,
            }}
            columns={[
              { title: t('manager.name'), dataIndex: 'agentName' },
              { title: t('form.campus'), dataIndex: 'campusName' },
              money('commissionCents', t('settlement.commission')),
              money('reversalCents', t('settlement.reversal')),
              money('installFeeCents', t('settlement.installFee')),
              money('adjustmentCents', t('settlement.adjustment')),
              money('codHeldCents', t('agent.codHeld')),
              money('cashRefundsCents', t('payments.refunds.cashRefunds')),
              money('netCents', t('settlement.net')),
            ]}
          />
        </>
      )}
    </Space>
  );
}
