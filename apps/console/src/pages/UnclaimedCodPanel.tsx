import { Alert, Space, Table, Tag } from 'antd';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, ok, type Schemas } from '../api/client';
import { asProblem } from '../api/problem';
import { ProblemAlert } from '../components/ProblemAlert';
import { formatCents } from '../lib/money';
import { formatTime } from '../lib/time';

type Item = Schemas['UnclaimedCodItemView'];

/**
 * The manager's list of cash-on-delivery orders still not delivered COD_CONFIRM_HOURS after they were
 * placed (issue 17.4), oldest first, with their failed delivery attempts: who to call, what to cancel.
 */
export default function UnclaimedCodPanel({ confirmHours }: { confirmHours?: number }) {
  const { t } = useTranslation();
  const list = useQuery({
    queryKey: ['manager', 'unclaimed-cod'],
    queryFn: ({ signal }) =>
      ok(api.GET('/api/fulfilment/unclaimed-cod', { params: { query: { limit: 200 } }, signal })),
  });
  const items = list.data?.items ?? [];
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Alert type="info" showIcon message={t('attempts.unclaimedHelp', { hours: confirmHours ?? 24 })} />
      <ProblemAlert problem={list.error ? asProblem(list.error) : null} />
      <Table<Item>
        rowKey={(i) => i.order.id}
        size="small"
        loading={list.isPending}
        dataSource={items}
        pagination={false}
        locale={{ emptyText: t('attempts.none') }}
        data-testid="unclaimed-cod"
        columns={[
          { title: t('order.number'), render: (_, i) => i.order.number },
          { title: t('manager.customer'), render: (_, i) => i.order.customer.phone },
          { title: t('order.total'), align: 'right', render: (_, i) => formatCents(i.order.totalCents) },
          {
            title: t('order.status'),
            render: (_, i) => <Tag>{t(`order.statuses.${i.order.status}`)}</Tag>,
          },
          { title: t('order.createdAt'), render: (_, i) => formatTime(i.order.createdAt) },
          { title: t('attempts.age'), dataIndex: 'ageHours', align: 'right' },
          { title: t('attempts.failed'), dataIndex: 'failedAttempts', align: 'right' },
        ]}
      />
    </Space>
  );
}
