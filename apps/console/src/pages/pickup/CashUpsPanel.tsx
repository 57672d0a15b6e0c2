import { useState } from 'react';
import { Select, Space, Table } from 'antd';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, ok, type Schemas } from '../../api/client';
import { asProblem } from '../../api/problem';
import { ProblemAlert } from '../../components/ProblemAlert';
import { ToneTag } from '../../components/ToneTag';
import { formatCents } from '../../lib/money';
import { formatTime } from '../../lib/time';
import { CashUpDetail } from './CashUpDetail';
import { pickupKeys } from './keys';

type Summary = Schemas['CashUpSummaryResponse'];

function Detail({ row }: { row: Summary }) {
  const detail = useQuery({
    queryKey: pickupKeys.cashUp(row.pickupPointId, row.day),
    queryFn: ({ signal }) =>
      ok(
        api.GET('/api/pickup-points/{id}/cash-ups/{day}', {
          params: { path: { id: row.pickupPointId, day: row.day } },
          signal,
        }),
      ),
  });
  if (detail.error) return <ProblemAlert problem={asProblem(detail.error)} />;
  return detail.data ? <CashUpDetail cashUp={detail.data} /> : null;
}

/** The region's cash-ups for a manager (admins: all): newest day first, each opening to its detail. */
export default function CashUpsPanel() {
  const { t } = useTranslation();
  const [status, setStatus] = useState<'open' | 'closed' | undefined>();
  const list = useQuery({
    queryKey: pickupKeys.cashUps({ status }),
    queryFn: ({ signal }) =>
      ok(
        api.GET('/api/cash-ups', {
          params: { query: { limit: 100, ...(status ? { status } : {}) } },
          signal,
        }),
      ),
  });
  return (
    <>
      <ProblemAlert problem={list.error ? asProblem(list.error) : null} />
      <Space style={{ marginBottom: 12 }}>
        <label htmlFor="cash-ups-status">{t('desks.cashUp.status')}</label>
        <Select
          id="cash-ups-status"
          allowClear
          style={{ width: 160 }}
          value={status}
          onChange={setStatus}
          options={(['open', 'closed'] as const).map((s) => ({
            value: s,
            label: t(`desks.cashUp.statuses.${s}`),
          }))}
        />
      </Space>
      <Table<Summary>
        rowKey="id"
        size="small"
        loading={list.isPending}
        dataSource={list.data?.items ?? []}
        pagination={false}
        locale={{ emptyText: t('desks.cashUp.none') }}
        expandable={{ expandedRowRender: (row) => <Detail row={row} /> }}
        columns={[
          { title: t('desks.cashUp.day'), dataIndex: 'day' },
          { title: t('desks.cashUp.point'), dataIndex: 'pickupPointName' },
          {
            title: t('desks.cashUp.status'),
            dataIndex: 'status',
            render: (s: string, r) => (
              <>
                <ToneTag tone={s === 'closed' ? 'green' : 'gold'}>{t(`desks.cashUp.statuses.${s}`)}</ToneTag>
                {r.closedAt && formatTime(r.closedAt)}
              </>
            ),
          },
          {
            title: t('desks.cashUp.collected'),
            dataIndex: 'collectedCents',
            align: 'right',
            render: (c: number) => formatCents(c),
          },
          {
            title: t('desks.cashUp.refunded'),
            dataIndex: 'refundedCents',
            align: 'right',
            render: (c: number) => formatCents(c),
          },
          {
            title: t('desks.cashUp.handedIn'),
            dataIndex: 'handedInCents',
            align: 'right',
            render: (c: number) => formatCents(c),
          },
          {
            title: t('desks.cashUp.difference'),
            dataIndex: 'differenceCents',
            align: 'right',
            render: (c: number) => (
              <strong style={{ color: c < 0 ? '#a8071a' : undefined }}>{formatCents(c)}</strong>
            ),
          },
        ]}
      />
    </>
  );
}
