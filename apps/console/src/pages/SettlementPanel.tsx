import { useCallback, useEffect, useState } from 'react';
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
import { useProblemForm } from '../components/useProblemForm';
import { formatCents } from '../lib/money';
import { formatTime, previousPeriod } from '../lib/time';

type Settlement = Schemas['SettlementResponse'];
type Statement = Schemas['StatementResponse'];
type Lines = Schemas['StatementLinesResponse'];

// Solid dark colours: white text on them meets WCAG AA.
const STATUS_COLOURS: Record<string, string> = { draft: '#ad4e00', approved: '#0958d9', paid: '#237804' };

function StatementLines({ settlementId, agentId }: { settlementId: string; agentId: string }) {
  const { t } = useTranslation();
  const [lines, setLines] = useState<Lines | null>(null);
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  useEffect(() => {
    ok(
      api.GET('/api/settlements/{id}/statements/{agentId}', {
        params: { path: { id: settlementId, agentId } },
      }),
    ).then(setLines, (err) => setProblem(asProblem(err)));
  }, [settlementId, agentId]);
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
  const { form, problem, setProblem, showProblem, busy, setBusy } = useProblemForm<{
    regionId: string;
    period: string;
  }>();
  const [regions, setRegions] = useState<{ id: string; code: string; name: string }[]>([]);
  const [settlement, setSettlement] = useState<Settlement | null>(null);
  const [searched, setSearched] = useState(false);

  useEffect(() => {
    ok(api.GET('/api/regions')).then(setRegions, (err) => setProblem(asProblem(err)));
  }, [setProblem]);

  const find = useCallback(async (regionId: string, period: string) => {
    const page = await ok(api.GET('/api/settlements', { params: { query: { regionId, period, limit: 1 } } }));
    const found = page.items[0];
    setSettlement(
      found ? await ok(api.GET('/api/settlements/{id}', { params: { path: { id: found.id } } })) : null,
    );
    setSearched(true);
  }, []);

  const run = async (fn: () => Promise<void>) => {
    setBusy(true);
    setProblem(null);
    try {
      await fn();
    } catch (err) {
      showProblem(err);
    } finally {
      setBusy(false);
    }
  };

  const values = () => form.getFieldsValue() as { regionId: string; period: string };

  const create = () =>
    run(async () => {
      const { regionId, period } = values();
      try {
        setSettlement(await ok(api.POST('/api/settlements', { body: { regionId, period } })));
      } catch (err) {
        // 409: the month already has a settlement; show it next to the problem.
        if (err instanceof ApiProblem && err.status === 409) await find(regionId, period);
        throw err;
      }
    });

  const approve = () =>
    run(async () => {
      if (!settlement) return;
      setSettlement(
        await ok(api.POST('/api/settlements/{id}/approve', { params: { path: { id: settlement.id } } })),
      );
    });

  const discard = () =>
    run(async () => {
      if (!settlement) return;
      await ok(api.DELETE('/api/settlements/{id}', { params: { path: { id: settlement.id } } }));
      setSettlement(null);
      void message.success(t('settlement.discarded'));
    });

  const csv = () =>
    run(async () => {
      if (!settlement) return;
      const { data, response } = await api.GET('/api/settlements/{id}/export.csv', {
        params: { path: { id: settlement.id } },
        parseAs: 'blob',
      });
      if (!response.ok || !data) throw asProblem(new Error(`HTTP ${response.status}`));
      const name = /filename="([^"]+)"/.exec(response.headers.get('Content-Disposition') ?? '')?.[1];
      saveBlob(data as unknown as Blob, name ?? `settlement-${settlement.period}.csv`);
    });

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
        onFinish={({ regionId, period }) => run(() => find(regionId, period))}
      >
        <Form.Item name="regionId" label={t('settlement.region')}>
          <Select
            style={{ width: 200 }}
            disabled={Boolean(session.regionId)}
            options={regions.map((r) => ({ value: r.id, label: `${r.name} (${r.code})` }))}
          />
        </Form.Item>
        <Form.Item name="period" label={t('reports.period')}>
          <Input type="month" />
        </Form.Item>
        <Space>
          <Button htmlType="submit" loading={busy}>
            {t('settlement.open')}
          </Button>
          <Button type="primary" onClick={() => void create()} loading={busy}>
            {t('settlement.create')}
          </Button>
        </Space>
      </Form>
      <ProblemAlert problem={problem} onClose={() => setProblem(null)} />
      {searched && !settlement && !problem && <span>{t('settlement.none')}</span>}
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
                onConfirm={() => void approve()}
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
                onConfirm={() => void discard()}
              >
                <Button danger loading={busy}>
                  {t('settlement.discard')}
                </Button>
              </Popconfirm>
            )}
            <Button onClick={() => void csv()}>{t('settlement.csv')}</Button>
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
