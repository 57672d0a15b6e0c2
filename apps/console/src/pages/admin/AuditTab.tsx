import { useState } from 'react';
import { Button, Form, Input, Select, Table } from 'antd';
import { useInfiniteQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, ok, type Schemas } from '../../api/client';
import { ProblemAlert } from '../../components/ProblemAlert';
import { asProblem } from '../../api/problem';
import { formatTime } from '../../lib/time';
import { compact } from './shared';

type Row = Schemas['AuditRecordResponse'];
const TYPES = [
  'product',
  'region',
  'campus',
  'pickup_point',
  'locker',
  'compartment',
  'user',
  'agent',
  'commission_rule',
  'commission_tier',
  'commission_entry',
  'settlement',
];

/** Who changed what, before → after, newest first; scoped by the API (managers: their region). */
export function AuditTab() {
  const { t } = useTranslation();
  const [filters, setFilters] = useState<{ entityType?: string; entityId?: string; action?: string }>({});
  const rows = useInfiniteQuery({
    queryKey: ['audit', filters],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam, signal }) =>
      ok(api.GET('/api/audit', { params: { query: { ...filters, limit: 50, cursor: pageParam } }, signal })),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  return (
    <>
      <Form
        layout="inline"
        onFinish={(v) => setFilters(Object.fromEntries(Object.entries(v).filter(([, x]) => x)))}
      >
        <Form.Item name="entityType" label={t('admin.audit.entityType')}>
          <Select allowClear style={{ width: 170 }} options={TYPES.map((x) => ({ value: x, label: x }))} />
        </Form.Item>
        <Form.Item name="entityId" label={t('admin.audit.entity')}>
          <Input style={{ width: 200 }} />
        </Form.Item>
        <Form.Item name="action" label={t('admin.audit.action')}>
          <Input style={{ width: 170 }} placeholder="product.update" />
        </Form.Item>
        <Button htmlType="submit">{t('admin.audit.search')}</Button>
      </Form>
      <ProblemAlert problem={rows.error ? asProblem(rows.error) : null} />
      <Table<Row>
        rowKey="id"
        size="small"
        style={{ marginTop: 16 }}
        data-testid="audit"
        loading={rows.isLoading}
        dataSource={rows.data?.pages.flatMap((p) => p.items) ?? []}
        pagination={false}
        columns={[
          { title: t('admin.audit.at'), dataIndex: 'at', render: (at: string) => formatTime(at), width: 150 },
          { title: t('admin.audit.who'), render: (_, r) => r.actor.username ?? r.actor.role ?? '—' },
          { title: t('admin.audit.action'), dataIndex: 'action', render: (a: string) => <code>{a}</code> },
          { title: t('admin.audit.entity'), render: (_, r) => `${r.entityType} ${r.entityId}` },
          {
            title: t('admin.audit.change'),
            render: (_, r) => (
              <span>
                {compact(r.before)} → {compact(r.after)}
              </span>
            ),
          },
        ]}
      />
      {rows.hasNextPage ? (
        <Button
          style={{ marginTop: 12 }}
          onClick={() => void rows.fetchNextPage()}
          loading={rows.isFetchingNextPage}
        >
          {t('common.refresh')}
        </Button>
      ) : null}
    </>
  );
}
