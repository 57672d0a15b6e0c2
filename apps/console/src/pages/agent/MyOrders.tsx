import { useState } from 'react';
import { ErrorBlock, Selector, Tag } from 'antd-mobile';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, ok } from '../../api/client';
import { asProblem } from '../../api/problem';
import { formatTime } from '../../lib/time';
import { MobileProblem } from './MobileProblem';
import { OrderCard } from './OrderCard';
import { agentKeys } from './queries';

const FILTERS = [
  'all',
  'pending_payment',
  'confirmed',
  'assigned',
  'awaiting_pickup',
  'completed',
  'cancelled',
] as const;
type Filter = (typeof FILTERS)[number];

/**
 * The orders the agent logged or referred (attributed to them), newest first, by status. Each filter
 * is its own query: switching fast shows only the answer for the filter now chosen (an answer for an
 * earlier one is cancelled or ignored), never a stale list under a new label.
 */
export function MyOrders({ agentId }: { agentId: string }) {
  const { t } = useTranslation();
  const [filter, setFilter] = useState<Filter>('all');
  const orders = useQuery({
    queryKey: agentKeys.myOrders(filter),
    queryFn: ({ signal }) =>
      ok(
        api.GET('/api/orders', {
          params: { query: { agentId: 'me', limit: 30, ...(filter === 'all' ? {} : { status: filter }) } },
          signal,
        }),
      ),
  });
  const items = orders.data?.items ?? [];
  return (
    <section style={{ padding: 12 }} aria-labelledby="my-orders-title">
      <h2 id="my-orders-title" style={{ fontSize: 18, margin: '4px 0 8px' }}>
        {t('desks.agent.myOrders')}
      </h2>
      <div id="my-orders-filter" style={{ marginBottom: 4 }}>
        {t('desks.agent.statusFilter')}
      </div>
      <Selector
        aria-labelledby="my-orders-filter"
        value={[filter]}
        onChange={(v) => v[0] && setFilter(v[0] as Filter)}
        options={FILTERS.map((f) => ({
          value: f,
          label: f === 'all' ? t('desks.agent.filters.all') : t(`order.statuses.${f}`),
        }))}
      />
      <MobileProblem problem={orders.error ? asProblem(orders.error) : null} />
      <div
        style={{ marginTop: 12 }}
        data-testid="my-orders"
        data-filter={filter}
        aria-busy={orders.isFetching}
      >
        {items.map((o) => (
          <OrderCard
            key={o.id}
            order={o}
            extra={
              <div style={{ marginTop: 4 }}>
                {o.agentId === agentId && (
                  <Tag color="#0b4fb3" fill="outline" data-testid={`mine-${o.number}`}>
                    {t('desks.agent.attributedToMe')} · {t(`reports.channels.${o.channel}`)}
                  </Tag>
                )}{' '}
                <span style={{ fontSize: 13, color: '#4a4a4a' }}>{formatTime(o.createdAt)}</span>
              </div>
            }
          />
        ))}
        {!orders.isPending && items.length === 0 && (
          <ErrorBlock status="empty" title={t('desks.agent.nothing')} description="" />
        )}
      </div>
    </section>
  );
}
