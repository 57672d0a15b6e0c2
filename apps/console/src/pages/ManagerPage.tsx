import { lazy, Suspense, useCallback, useEffect, useState } from 'react';
import { Button, Card, message, Select, Space, Spin, Table, Tabs, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import { api, ok, type Agent, type Order, type Task } from '../api/client';
import { asProblem, type ApiProblem } from '../api/problem';
import type { Session } from '../auth/session';
import { orderColumns } from '../components/OrdersTable';
import { ProblemAlert } from '../components/ProblemAlert';
import { formatTime } from '../lib/time';

// ECharts is large: the reports load when their tab is first opened.
const ReportsPanel = lazy(() => import('./ReportsPanel'));
const SettlementPanel = lazy(() => import('./SettlementPanel'));
const RefundsPanel = lazy(() => import('./RefundsPanel'));
const CashUpsPanel = lazy(() => import('./pickup/CashUpsPanel'));
const AlertsPanel = lazy(() => import('./alerts/AlertsPanel'));
const UnclaimedCodPanel = lazy(() => import('./UnclaimedCodPanel'));
const ReturnsPanel = lazy(() => import('./ReturnsPanel'));

function useAgents() {
  const [agents, setAgents] = useState<Agent[]>([]);
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const reload = useCallback(() => {
    ok(api.GET('/api/agents', { params: { query: { limit: 200 } } })).then(
      (page) => setAgents(page.items),
      (err) => setProblem(asProblem(err)),
    );
  }, []);
  useEffect(reload, [reload]);
  return { agents, setAgents, problem, setProblem, reload };
}

function UnassignedOrders({ agents }: { agents: Agent[] }) {
  const { t } = useTranslation();
  const [orders, setOrders] = useState<Order[]>([]);
  const [choice, setChoice] = useState<Record<string, string>>({});
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [loading, setLoading] = useState(false);
  const load = useCallback(() => {
    setLoading(true);
    ok(api.GET('/api/orders', { params: { query: { unassigned: true, limit: 200 } } }))
      .then(
        (page) => setOrders(page.items),
        (err) => setProblem(asProblem(err)),
      )
      .finally(() => setLoading(false));
  }, []);
  useEffect(load, [load]);
  const assign = async (order: Order) => {
    const agentId = choice[order.id];
    if (!agentId) return;
    try {
      await ok(
        api.POST('/api/orders/{id}/assign', { params: { path: { id: order.id } }, body: { agentId } }),
      );
      setOrders((list) => list.filter((o) => o.id !== order.id));
      setProblem(null);
      void message.success(t('manager.assigned', { number: order.number }));
    } catch (err) {
      setProblem(asProblem(err));
    }
  };
  return (
    <>
      <ProblemAlert problem={problem} onClose={() => setProblem(null)} />
      <Button onClick={load} style={{ marginBottom: 12 }}>
        {t('common.refresh')}
      </Button>
      <Table<Order>
        rowKey="id"
        size="small"
        loading={loading}
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
                <Button type="primary" disabled={!choice[o.id]} onClick={() => void assign(o)}>
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

function AgentsTable({ agents, onChanged }: { agents: Agent[]; onChanged: (a: Agent) => void }) {
  const { t } = useTranslation();
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const setStatus = async (agent: Agent, status: 'active' | 'suspended') => {
    try {
      onChanged(
        await ok(api.PATCH('/api/agents/{id}', { params: { path: { id: agent.id } }, body: { status } })),
      );
      setProblem(null);
    } catch (err) {
      setProblem(asProblem(err));
    }
  };
  return (
    <>
      <ProblemAlert problem={problem} onClose={() => setProblem(null)} />
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
                <Button danger size="small" onClick={() => void setStatus(a, 'suspended')}>
                  {t('manager.suspend')}
                </Button>
              ) : (
                <Button size="small" onClick={() => void setStatus(a, 'active')}>
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
  const [tasks, setTasks] = useState<Task[]>([]);
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  useEffect(() => {
    ok(api.GET('/api/tasks', { params: { query: { overdue: true, limit: 200 } } })).then(
      (page) => setTasks(page.items),
      (err) => setProblem(asProblem(err)),
    );
  }, []);
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
  const { agents, setAgents, problem } = useAgents();
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
            children: (
              <AgentsTable
                agents={agents}
                onChanged={(a) => setAgents((list) => list.map((x) => (x.id === a.id ? a : x)))}
              />
            ),
          },
          { key: 'overdue', label: t('manager.overdue'), children: <OverdueTasks agents={agents} /> },
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
