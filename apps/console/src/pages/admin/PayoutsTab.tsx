import { useState } from 'react';
import { Button, Input, message, Space, Table, Tag } from 'antd';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, ok, type Schemas } from '../../api/client';
import { ProblemAlert } from '../../components/ProblemAlert';
import { useAction } from '../../api/useAction';
import { formatCents } from '../../lib/money';
import { useNetwork } from './shared';

type Settlement = Schemas['SettlementSummaryView'];

/** Finance: approved settlements are paid out and marked paid with the bank's reference. */
export function PayoutsTab() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const net = useNetwork();
  const [refs, setRefs] = useState<Record<string, string>>({});
  const list = useQuery({
    queryKey: ['settlements', 'payouts'],
    queryFn: ({ signal }) => ok(api.GET('/api/settlements', { params: { query: { limit: 100 } }, signal })),
  });
  const pay = useAction(
    (s: Settlement) =>
      ok(
        api.POST('/api/settlements/{id}/mark-paid', {
          params: { path: { id: s.id } },
          body: { paymentReference: refs[s.id] || undefined },
        }),
      ),
    {
      onSuccess: (s) => {
        void message.success(t('admin.settlements.paid', { period: s.period }));
        void qc.invalidateQueries({ queryKey: ['settlements'] });
        void qc.invalidateQueries({ queryKey: ['audit'] });
      },
    },
  );
  return (
    <>
      <ProblemAlert problem={pay.problem} onClose={pay.reset} />
      <Table<Settlement>
        rowKey="id"
        size="small"
        loading={list.isLoading}
        dataSource={list.data?.items ?? []}
        pagination={false}
        columns={[
          { title: t('admin.settlements.region'), render: (_, s) => net.regionName(s.regionId) },
          { title: t('admin.settlements.period'), dataIndex: 'period' },
          {
            title: t('admin.settlements.status'),
            dataIndex: 'status',
            render: (s: string) => <Tag>{t(`admin.settlements.statuses.${s}`)}</Tag>,
          },
          { title: t('admin.settlements.net'), render: (_, s) => formatCents(s.totals.netCents) },
          {
            title: t('common.actions'),
            render: (_, s) =>
              s.status === 'approved' ? (
                <Space.Compact>
                  <Input
                    size="small"
                    aria-label={`${t('admin.settlements.reference')} ${s.period}`}
                    placeholder={t('admin.settlements.reference')}
                    value={refs[s.id] ?? ''}
                    onChange={(e) => setRefs((r) => ({ ...r, [s.id]: e.target.value }))}
                  />
                  <Button size="small" type="primary" onClick={() => pay.run(s)}>
                    {t('admin.settlements.markPaid')}
                  </Button>
                </Space.Compact>
              ) : (
                (s.paymentReference ?? '')
              ),
          },
        ]}
      />
    </>
  );
}
