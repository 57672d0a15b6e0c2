import { useState } from 'react';
import { Button, Dialog, ErrorBlock, Tabs, Toast } from 'antd-mobile';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, ok, type Schemas, type WorkItem } from '../../api/client';
import { asProblem } from '../../api/problem';
import { AlipayQrButton } from '../../components/AlipayQrButton';
import { useAction } from '../../api/useAction';
import { DeliverPopup } from './DeliverPopup';
import { DepositPopup } from './DepositPopup';
import { FailedAttemptPopup } from './FailedAttemptPopup';
import { MobileProblem } from './MobileProblem';
import { OrderCard } from './OrderCard';
import { agentKeys, useWork } from './queries';

const whereOf = (item: WorkItem) =>
  item.destination.type === 'delivery'
    ? ((item.destination as Schemas['DoorDestinationView']).address ?? '')
    : (item.destination as Schemas['PointDestinationView']).pickupPoint.name;

/**
 * The agent's deliveries: to take out, out, waiting at lockers. Work given since the agent last
 * opened this list (`newSince`) is marked "new".
 */
export function Deliveries({ newSince }: { newSince: string | null }) {
  const { t } = useTranslation();
  const work = useWork();
  const atLockers = useQuery({
    queryKey: agentKeys.atLockers,
    queryFn: ({ signal }) =>
      ok(
        api.GET('/api/orders', {
          params: { query: { assignedAgentId: 'me', status: 'awaiting_pickup', limit: 100 } },
          signal,
        }),
      ),
  });
  const [segment, setSegment] = useState('todo');
  const [delivering, setDelivering] = useState<WorkItem | null>(null);
  const [depositing, setDepositing] = useState<WorkItem | null>(null);
  const [failing, setFailing] = useState<WorkItem | null>(null);
  const dispatch = useAction(
    (item: WorkItem) =>
      ok(api.POST('/api/orders/{id}/dispatch', { params: { path: { id: item.order.id } } })),
    {
      invalidate: [agentKeys.all],
      onSuccess: (o) => Toast.show({ content: t('agent.dispatched', { number: o.number }) }),
    },
  );

  const items = work.data?.items ?? [];
  const todo = items.filter((w) => w.order.status === 'assigned');
  const out = items.filter((w) => w.order.status === 'out_for_delivery');
  const list = segment === 'todo' ? todo : out;
  const lockerOrders = atLockers.data?.items ?? [];
  const isNew = (assignedAt: string | null | undefined) =>
    Boolean(newSince && assignedAt && new Date(assignedAt) > new Date(newSince));
  const problem =
    dispatch.problem ??
    (work.error ? asProblem(work.error) : null) ??
    (atLockers.error ? asProblem(atLockers.error) : null);
  return (
    <>
      <MobileProblem problem={problem} />
      <Tabs activeKey={segment} onChange={setSegment}>
        <Tabs.Tab title={`${t('agent.toDeliver')} (${todo.length})`} key="todo" />
        <Tabs.Tab title={`${t('agent.out')} (${out.length})`} key="out" />
        <Tabs.Tab title={`${t('agent.atLockers')} (${lockerOrders.length})`} key="lockers" />
      </Tabs>
      <div style={{ padding: 12 }}>
        {segment === 'lockers'
          ? lockerOrders.map((o) => <OrderCard key={o.id} order={o} />)
          : list.map((item) => (
              <OrderCard
                key={item.order.id}
                order={item.order}
                collectCents={item.collectCents}
                where={whereOf(item)}
                isNew={isNew(item.order.assignedAt)}
              >
                {item.nextActions.includes('dispatch') && (
                  <Button color="primary" loading={dispatch.busy} onClick={() => dispatch.run(item)}>
                    {t('agent.dispatch')}
                  </Button>
                )}
                {item.nextActions.includes('deliver') && (
                  <AlipayQrButton order={item.order} onPaid={() => void work.refetch()} />
                )}
                {item.nextActions.includes('deliver') && (
                  <Button color="success" onClick={() => setDelivering(item)}>
                    {t('agent.deliver')}
                  </Button>
                )}
                {item.nextActions.includes('deliver') && (
                  <Button fill="outline" onClick={() => setFailing(item)} data-testid="not-delivered">
                    {t('attempts.notDelivered')}
                  </Button>
                )}
                {item.nextActions.includes('deposit') && (
                  <Button color="warning" onClick={() => setDepositing(item)}>
                    {t('agent.deposit')}
                  </Button>
                )}
              </OrderCard>
            ))}
        {!work.isPending && (segment === 'lockers' ? lockerOrders.length : list.length) === 0 && (
          <ErrorBlock status="empty" title={t('agent.nothing')} description="" />
        )}
      </div>
      {delivering && (
        <DeliverPopup
          item={delivering}
          onClose={() => setDelivering(null)}
          onDone={(o) => {
            setDelivering(null);
            Toast.show({ icon: 'success', content: t('agent.delivered', { number: o.number }) });
          }}
        />
      )}
      {failing && (
        <FailedAttemptPopup
          item={failing}
          onClose={() => setFailing(null)}
          onCancelled={(number) => {
            setFailing(null);
            Toast.show({ content: t('attempts.cancelled', { number }) });
          }}
        />
      )}
      {depositing && (
        <DepositPopup
          item={depositing}
          onClose={() => setDepositing(null)}
          onDone={(o) => {
            setDepositing(null);
            void Dialog.alert({
              content: (
                <div style={{ textAlign: 'center', fontSize: 28, fontWeight: 700 }} data-testid="compartment">
                  {t('agent.useCompartment', { label: o.parcel.compartment?.label ?? '—' })}
                </div>
              ),
            });
          }}
        />
      )}
    </>
  );
}
