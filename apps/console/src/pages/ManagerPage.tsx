import { lazy, Suspense, useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Button, Card, message, Select, Space, Spin, Table, Tabs, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import { api, ok, type Agent, type Order, type Task } from '../api/client';
import { asProblem } from '../api/problem';
import type { Session } from '../auth/session';
import { orderColumns } from '../components/OrdersTable';
import { ProblemAlert } from '../components/ProblemAlert';
import { TicketsPanel } from '../components/TicketsPanel';
import { useAction } from '../api/useAction';
import { formatTime } from '../lib/time';

// ECharts is large: the reports load when their tab is first opened.
const ReportsPanel = lazy(() => import('./ReportsPanel'));
const SettlementPanel = lazy(() => import('./SettlementPanel'));
const RefundsPanel = lazy(() => import('./RefundsPanel'));
const CashUpsPanel = lazy(() => import('./pickup/CashUpsPanel'));
const AlertsPanel = lazy(() => import('./alerts/AlertsPanel'));
const UnclaimedCodPanel = lazy(() => import('./UnclaimedCodPanel'));
const ReturnsPanel = lazy(() => import('./ReturnsPanel'));

const AGENTS = ['agents', 'manager'];
const UNASSIGNED = ['orders', 'unassigned'];

function useAgents() {
  const query = useQuery({
    queryKey: AGENTS,
    queryFn: ({ signal }) => ok(api.GET('/api/agents', { params: { query: { limit: 200 } }, signal })),
  });
  return { agents: query.data?.items ?? [], problem: query.error ? asProblem(query.error) : null };
}

function UnassignedOrders({ agents }: { agents: Agent[] }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [choice, setChoice] = useState<Record<string, string>>({});
  const query = useQuery({
    queryKey: UNASSIGNED,
    queryFn: ({ signal }) =>
      ok(api.GET('/api/orders', { params: { query: { unassigned: true, limit: 200 } }, signal })),
  });
  const orders = query.data?.items ?? [];
  const assign = useAction(
    ({ order, agentId }: { order: Order; agentId: string }) =>
      ok(api.POST('/api/orders/{id}/assign', { params: { path: { id: order.id } }, body: { agentId } })),
    {
      invalidate: [UNASSIGNED],
      onSuccess: (_, { order }) => void message.success(t('manager.assigned', { number: order.number })),
    },
  );
  const problem = assign.problem ?? (query.error ? asProblem(query.error) : null);
  return (
    <>
      <ProblemAlert problem={problem} onClose={assign.reset} />
      <Button
        onClick={() => void queryClient.invalidateQueries({ queryKey: UNASSIGNED })}
        style={{ marginBottom: 12 }}
      >
        {t('common.refresh')}
      </Button>
      <Table<Order>
        rowKey="id"
        size="small"
        loading={query.isFetching}
        dataSource={orders}
        pagination={false}
        columns={[
          ...orderColumns(t),
          { title: t('order.fulfilment'), render: (_, o) => t(`form.${o.fulfillment.type}`) },
          { title: t('order.createdAt'), dataIndex: 'createdAt', render: (at: string) => formatTime(at) },
          {
            title: t('manager.assignTo'),
            render: (_, o) => (
              <Space>
                <Select
                  aria-label={`${t('manager.assignTo')} ${o.number}`}
                  style={{ width: 200 }}
                  value={choice[o.id]}
                  onChange={(v) => setChoice((c) => ({ ...c, [o.id]: v }))}
                  options={agents
                    .filter((a) => a.status === 'active' && a.campusId === o.campusId)
                    .map((a) => ({ value: a.id, label: `${a.displayName} (${a.referralCode})` }))}
                />
                <Button
                  type="primary"
                  disabled={!choice[o.id]}
                  loading={assign.busy}
                  onClick={() => assign.run({ order: o, agentId: choice[o.id] })}
                >
                  {t('manager.assign')}
                </Button>
              </Space>
            ),
          },
        ]}
      />
    </>
  );
}

function AgentsTable({ agents }: { agents: Agent[] }) {
  const { t } = useTranslation();
  const setStatus = useAction(
    ({ agent, status }: { agent: Agent; status: 'active' | 'suspended' }) =>
      ok(api.PATCH('/api/agents/{id}', { params: { path: { id: agent.id } }, body: { status } })),
    { invalidate: [AGENTS] },
  );
  return (
    <>
      <ProblemAlert problem={setStatus.problem} onClose={setStatus.reset} />
      <Table<Agent>
        rowKey="id"
        size="small"
        dataSource={agents}
        pagination={false}
        columns={[
          { title: t('manager.name'), dataIndex: 'displayName' },
          { title: t('manager.referralCode'), dataIndex: 'referralCode' },
          { title: t('signIn.phone'), dataIndex: 'phone' },
          {
            title: t('manager.agentStatus'),
            dataIndex: 'status',
            render: (s: string) => (
              <Tag color={s === 'active' ? '#237804' : '#a8071a'}>{t(`manager.${s}`)}</Tag>
            ),
          },
          {
            title: t('common.actions'),
            render: (_, a) =>
              a.status === 'active' ? (
                <Button danger size="small" onClick={() => setStatus.run({ agent: a, status: 'suspended' })}>
                  {t('manager.suspend')}
                </Button>
              ) : (
                <Button size="small" onClick={() => setStatus.run({ agent: a, status: 'active' })}>
                  {t('manager.reactivate')}
                </Button>
              ),
          },
        ]}
      />
    </>
  );
}

function OverdueTasks({ agents }: { agents: Agent[] }) {
  const { t } = useTranslation();
  const query = useQuery({
    queryKey: ['tasks', 'overdue'],
    queryFn: ({ signal }) =>
      ok(api.GET('/api/tasks', { params: { query: { overdue: true, limit: 200 } }, signal })),
  });
  const tasks: Task[] = query.data?.items ?? [];
  const problem = query.error ? asProblem(query.error) : null;
  const nameOf = (id: string | null) => agents.find((a) => a.id === id)?.displayName ?? '—';
  return (
    <>
      <ProblemAlert problem={problem} />
      <Table<Task>
        rowKey="id"
        size="small"
        dataSource={tasks}
        pagination={false}
        columns={[
          {
            title: t('manager.task'),
            render: (_, task) => `${t(`task.kinds.${task.kind}`)} ${task.orderNumber ?? ''}`,
          },
          { title: t('order.status'), dataIndex: 'status', render: (s: string) => t(`task.statuses.${s}`) },
          { title: t('manager.customer'), render: (_, task) => task.customer.phone },
          { title: t('manager.assignTo'), render: (_, task) => nameOf(task.agentId) },
          { title: t('manager.dueAt'), dataIndex: 'dueAt', render: (at: string | null) => formatTime(at) },
        ]}
      />
    </>
  );
}

/** Regional manager: the dispatch pool, the region's agents, overdue tasks. */
export function ManagerPage({ session }: { session: Session }) {
  const { t } = useTranslation();
  const { agents, problem } = useAgents();
  return (
    <Card data-region={session.regionId ?? ''}>
      <ProblemAlert problem={problem} />
      <Tabs
        items={[
          {
            key: 'unassigned',
            label: t('manager.unassigned'),
            children: <UnassignedOrders agents={agents} />,
          },
          {
            key: 'agents',
            label: t('manager.agents'),
            children: <AgentsTable agents={agents} />,
          },
          { key: 'overdue', label: t('manager.overdue'), children: <OverdueTasks agents={agents} /> },
          {
            key: 'tickets',
            label: t('deskTickets.tab'),
            children: <TicketsPanel defaultFilter="overdue" canCompensate />,
          },
          {
            key: 'returns',
            label: t('deskReturns.tab'),
            children: (
              <Suspense fallback={<Spin />}>
                <ReturnsPanel />
              </Suspense>
            ),
          },
          {
            key: 'unclaimed-cod',
            label: t('attempts.unclaimedTab'),
            children: (
              <Suspense fallback={<Spin />}>
                <UnclaimedCodPanel />
              </Suspense>
            ),
          },
          {
            key: 'settlement',
            label: t('settlement.tab'),
            children: (
              <Suspense fallback={<Spin />}>
                <SettlementPanel session={session} />
              </Suspense>
            ),
          },
          {
            key: 'refunds',
            label: t('payments.refunds.tab'),
            children: (
              <Suspense fallback={<Spin />}>
                <RefundsPanel session={session} />
              </Suspense>
            ),
          },
          {
            key: 'reports',
            label: t('reports.tab'),
            children: (
              <Suspense fallback={<Spin />}>
                <ReportsPanel />
              </Suspense>
            ),
          },
          {
            key: 'cash-ups',
            label: t('desks.cashUp.tab'),
            children: (
              <Suspense fallback={<Spin />}>
                <CashUpsPanel />
              </Suspense>
            ),
          },
          {
            key: 'alerts',
            label: t('desks.alerts.tab'),
            children: (
              <Suspense fallback={<Spin />}>
                <AlertsPanel />
              </Suspense>
            ),
          },
        ]}
      />
    </Card>
  );
}
