import { useState } from 'react';
import { Button, Input, message, Segmented, Select, Space, Table, Tag } from 'antd';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, ok, type Schemas } from '../api/client';
import { ProblemAlert } from '../components/ProblemAlert';
import { queryProblem, useAction } from '../api/useAction';
import { formatCents } from '../lib/money';
import { formatTime } from '../lib/time';

type ReturnRequest = Schemas['ReturnRequestResponse'];
type Status = ReturnRequest['status'];
type Collection = ReturnRequest['collection'];

/**
 * Return requests of the manager's region (all for admins), open ones first: approve (an agent
 * collects, or the customer brings it) or reject, each with a note; mark a dropped-off return as
 * handed in. Keyboard-first: Tab to a request's note, type, Alt+A approves, Alt+R rejects.
 */
export default function ReturnsPanel() {
  const { t } = useTranslation();
  const [status, setStatus] = useState<Status>('open');
  const [notes, setNotes] = useState<Record<string, string>>({});
  const [collection, setCollection] = useState<Record<string, Collection>>({});
  const list = useQuery({
    queryKey: ['return-requests', status],
    queryFn: ({ signal }) =>
      ok(api.GET('/api/return-requests', { params: { query: { status, limit: 100 } }, signal })),
  });
  const act = useAction(
    async ({ r, action }: { r: ReturnRequest; action: 'approve' | 'reject' | 'receive' }) => {
      const path = { params: { path: { id: r.id } } };
      if (action === 'receive')
        return ok(api.POST('/api/return-requests/{id}/receive', { ...path, body: {} }));
      const note = (notes[r.id] ?? '').trim();
      if (!note) throw new Error(t('deskReturns.noteRequired'));
      if (action === 'approve') {
        return ok(
          api.POST('/api/return-requests/{id}/approve', {
            ...path,
            body: { note, collection: collection[r.id] ?? 'agent' },
          }),
        );
      }
      return ok(api.POST('/api/return-requests/{id}/reject', { ...path, body: { note } }));
    },
    {
      invalidate: [['return-requests']],
      onSuccess: (r, { action }) => {
        const done = action === 'approve' ? 'approved' : action === 'reject' ? 'rejected' : 'received';
        void message.success(t(`deskReturns.${done}`, { number: r.orderNumber }));
      },
    },
  );
  const problem = act.problem ?? queryProblem(list.error);

  return (
    <>
      <ProblemAlert problem={problem} onClose={act.problem ? act.reset : undefined} />
      <Space style={{ marginBottom: 12 }} wrap>
        <Segmented<Status>
          aria-label={t('deskReturns.status')}
          value={status}
          onChange={setStatus}
          options={(['open', 'approved', 'received', 'rejected'] as const).map((s) => ({
            value: s,
            label: t(`deskReturns.statuses.${s}`),
          }))}
        />
        <span style={{ color: 'rgba(0,0,0,0.65)' }}>{t('deskReturns.keys')}</span>
      </Space>
      <Table<ReturnRequest>
        rowKey="id"
        size="small"
        loading={list.isPending}
        dataSource={list.data?.items ?? []}
        pagination={false}
        locale={{ emptyText: t('deskReturns.empty') }}
        data-testid="returns-table"
        columns={[
          { title: t('deskReturns.order'), dataIndex: 'orderNumber' },
          {
            title: t('deskReturns.items'),
            render: (_, r) => r.lines.map((l) => `${l.name} (${l.sku}) × ${l.quantity}`).join(', '),
          },
          { title: t('deskReturns.reason'), dataIndex: 'reason' },
          { title: t('deskReturns.requestedAt'), render: (_, r) => formatTime(r.createdAt) },
          {
            title: t('deskReturns.status'),
            render: (_, r) => <Tag>{t(`deskReturns.statuses.${r.status}`)}</Tag>,
          },
          {
            title: t('deskReturns.refund'),
            render: (_, r) => (r.refundCents === null ? '' : formatCents(r.refundCents)),
          },
          {
            title: '',
            render: (_, r) => {
              if (r.status === 'approved' && r.collection === 'drop_off') {
                return (
                  <Button onClick={() => act.run({ r, action: 'receive' })}>
                    {t('deskReturns.receive')}
                  </Button>
                );
              }
              if (r.status !== 'open') return r.decisionNote ?? '';
              return (
                <Space wrap>
                  <Input
                    aria-label={t('deskReturns.note', { number: r.orderNumber })}
                    placeholder={t('deskReturns.notePlaceholder')}
                    style={{ width: 200 }}
                    value={notes[r.id] ?? ''}
                    onChange={(e) => setNotes((n) => ({ ...n, [r.id]: e.target.value }))}
                    onKeyDown={(e) => {
                      if (e.altKey && (e.key === 'a' || e.key === 'A')) {
                        e.preventDefault();
                        act.run({ r, action: 'approve' });
                      } else if (e.altKey && (e.key === 'r' || e.key === 'R')) {
                        e.preventDefault();
                        act.run({ r, action: 'reject' });
                      }
                    }}
                  />
                  <Select<Collection>
                    aria-label={t('deskReturns.collection', { number: r.orderNumber })}
                    style={{ width: 160 }}
                    value={collection[r.id] ?? 'agent'}
                    onChange={(v) => setCollection((c) => ({ ...c, [r.id]: v }))}
                    options={[
                      { value: 'agent', label: t('deskReturns.agent') },
                      { value: 'drop_off', label: t('deskReturns.dropOff') },
                    ]}
                  />
                  <Button type="primary" onClick={() => act.run({ r, action: 'approve' })}>
                    {t('deskReturns.approve')}
                  </Button>
                  <Button danger onClick={() => act.run({ r, action: 'reject' })}>
                    {t('deskReturns.reject')}
                  </Button>
                </Space>
              );
            },
          },
        ]}
      />
    </>
  );
}
