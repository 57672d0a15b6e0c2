import { useState } from 'react';
import { Button, Form, Input, Select, Table, Tag } from 'antd';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, ok, type Schemas } from '../../api/client';
import { asProblem } from '../../api/problem';
import { ProblemAlert } from '../../components/ProblemAlert';
import { formatTime } from '../../lib/time';

type Message = Schemas['NotificationResponse'];
type Query = { to?: string; type?: string; status?: Message['status'] };
const STATUSES = ['queued', 'sending', 'sent', 'delivered', 'failed', 'undelivered', 'suppressed'];

/** The outbound message log (admin), filtered by recipient, template and status. */
export function MessagesTab() {
  const { t } = useTranslation();
  const [query, setQuery] = useState<Query>({});
  const list = useQuery({
    queryKey: ['notifications', query],
    queryFn: ({ signal }) =>
      ok(api.GET('/api/notifications', { params: { query: { ...query, limit: 100 } }, signal })),
  });
  return (
    <>
      <Form<Query>
        layout="inline"
        onFinish={(v) => setQuery(Object.fromEntries(Object.entries(v).filter(([, x]) => x)) as Query)}
      >
        <Form.Item name="to" label={t('admin.messages.to')}>
          <Input style={{ width: 160 }} inputMode="tel" />
        </Form.Item>
        <Form.Item name="type" label={t('admin.messages.type')}>
          <Input style={{ width: 140 }} placeholder="order_placed" />
        </Form.Item>
        <Form.Item name="status" label={t('admin.messages.status')}>
          <Select allowClear style={{ width: 130 }} options={STATUSES.map((s) => ({ value: s, label: s }))} />
        </Form.Item>
        <Button htmlType="submit">{t('admin.messages.search')}</Button>
      </Form>
      <ProblemAlert problem={list.error ? asProblem(list.error) : null} />
      <Table<Message>
        rowKey="id"
        size="small"
        style={{ marginTop: 16 }}
        loading={list.isLoading}
        dataSource={list.data?.items ?? []}
        pagination={{ pageSize: 20 }}
        columns={[
          {
            title: t('admin.messages.at'),
            dataIndex: 'createdAt',
            render: (at: string) => formatTime(at),
            width: 150,
          },
          { title: t('admin.messages.to'), dataIndex: 'to' },
          { title: t('admin.messages.type'), dataIndex: 'template' },
          { title: t('admin.messages.status'), dataIndex: 'status', render: (s: string) => <Tag>{s}</Tag> },
          { title: t('admin.messages.body'), dataIndex: 'body' },
        ]}
      />
    </>
  );
}
