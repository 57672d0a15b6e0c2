import { useState } from 'react';
import { Button, Space, Switch, Table, Tag } from 'antd';
import { useQuery } from '@tanstack/react-query';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { api, ok, type Schemas } from '../../api/client';
import { asProblem } from '../../api/problem';
import { ProblemAlert } from '../../components/ProblemAlert';
import { ToneTag } from '../../components/ToneTag';
import { useAction } from '../../api/useAction';
import { formatCents } from '../../lib/money';
import { formatTime } from '../../lib/time';

type Alert = Schemas['AlertResponse'];

/** An alert in the reader's language from its kind and facts; the server's text for kinds it does not know. */
export function alertText(t: TFunction, a: Alert): string {
  const d = a.data as Record<string, string | number | undefined>;
  switch (a.kind) {
    case 'low_stock':
      return t('desks.alerts.lowStock', {
        sku: d.sku,
        name: d.name,
        available: d.available,
        threshold: d.threshold,
      });
    case 'order_assigned':
      return `${t('desks.alerts.orderAssigned', { number: d.number, destination: d.destination })}${
        Number(d.collectCents) > 0 ? ` · ${t('agent.collect')} ${formatCents(Number(d.collectCents))}` : ''
      }`;
    case 'task_assigned':
      return `${t('desks.alerts.taskAssigned', { number: d.number || '' })} · ${t(`task.kinds.${d.kind}`)}`;
    default:
      return a.body;
  }
}

export const alertKeys = { list: (all: boolean) => ['alerts', { all }] as const };

/** Staff alerts in scope (low stock for the region, …), newest first, with acknowledging. */
export default function AlertsPanel() {
  const { t } = useTranslation();
  const [all, setAll] = useState(false);
  const alerts = useQuery({
    queryKey: alertKeys.list(all),
    queryFn: ({ signal }) =>
      ok(
        api.GET('/api/alerts', {
          params: { query: { limit: 100, ...(all ? {} : { acknowledged: false }) } },
          signal,
        }),
      ),
    refetchInterval: 60_000,
  });
  const ack = useAction((id: string) => ok(api.POST('/api/alerts/{id}/ack', { params: { path: { id } } })), {
    invalidate: [['alerts']],
  });
  return (
    <>
      <ProblemAlert
        problem={ack.problem ?? (alerts.error ? asProblem(alerts.error) : null)}
        onClose={ack.reset}
      />
      <Space style={{ marginBottom: 12 }}>
        <Switch id="alerts-all" checked={all} onChange={setAll} />
        <label htmlFor="alerts-all">{t('desks.alerts.showAll')}</label>
        {alerts.data && (
          <ToneTag tone="gold">
            {t('desks.alerts.unacknowledged', { count: alerts.data.unacknowledged })}
          </ToneTag>
        )}
      </Space>
      <div data-testid="alerts">
        <Table<Alert>
          rowKey="id"
          size="small"
          loading={alerts.isPending}
          dataSource={alerts.data?.items ?? []}
          pagination={false}
          locale={{ emptyText: t('desks.alerts.none') }}
          columns={[
            { title: t('desks.alerts.at'), dataIndex: 'createdAt', render: (at: string) => formatTime(at) },
            {
              title: t('desks.alerts.what'),
              dataIndex: 'kind',
              render: (k: string) => <Tag>{t(`desks.alerts.kinds.${k}`, { defaultValue: k })}</Tag>,
            },
            { title: '', key: 'text', render: (_, a) => alertText(t, a) },
            {
              title: t('common.actions'),
              key: 'ack',
              render: (_, a) =>
                a.acknowledgedAt ? (
                  <span>{t('desks.alerts.acknowledged')}</span>
                ) : (
                  <Button
                    size="small"
                    onClick={() => ack.run(a.id)}
                    aria-label={`${t('desks.alerts.acknowledge')} ${alertText(t, a)}`}
                  >
                    {t('desks.alerts.acknowledge')}
                  </Button>
                ),
            },
          ]}
        />
      </div>
    </>
  );
}
