import { useCallback, useEffect, useState } from 'react';
import {
  Button,
  Card,
  Dialog,
  ErrorBlock,
  Form,
  Input,
  NavBar,
  Popup,
  Selector,
  Space,
  Tabs,
  Tag,
  Toast,
} from 'antd-mobile';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router-dom';
import { api, ok, type Order, type Schemas, type Task, type WorkItem } from '../api/client';
import { ApiProblem, asProblem } from '../api/problem';
import { clearSession, type Session } from '../auth/session';
import { AlipayQrButton } from '../components/AlipayQrButton';
import { setLanguage } from '../i18n';
import { centsToInput, formatCents, parseYuan } from '../lib/money';
import { formatTime, shanghaiPeriod, shanghaiToIso } from '../lib/time';

// Border-box: the popup is as wide as the screen, padding included (no sideways scrolling at 375 px).
const POPUP_BODY = {
  padding: 16,
  boxSizing: 'border-box',
  borderTopLeftRadius: 12,
  borderTopRightRadius: 12,
} as const;

/** A problem+json answer on the phone screens: title and detail, in place of a blank screen. */
function MobileProblem({ problem }: { problem: ApiProblem | null }) {
  if (!problem) return null;
  return (
    <div
      role="alert"
      data-testid="problem"
      style={{ background: '#fff1f0', color: '#a8071a', padding: 12, margin: '8px 0', borderRadius: 8 }}
    >
      <strong>{problem.title}</strong>
      {problem.detail && <div>{problem.detail}</div>}
    </div>
  );
}

function fieldError(problem: ApiProblem | null, field: string): string | undefined {
  return problem?.body.errors?.find((e) => e.field === field)?.message;
}

function DeliverPopup({
  item,
  onClose,
  onDone,
}: {
  item: WorkItem;
  onClose: () => void;
  onDone: (o: Order) => void;
}) {
  const { t } = useTranslation();
  const cod = item.order.paymentMethod === 'cod' && item.collectCents > 0; // 0: paid by Alipay QR
  const [amount, setAmount] = useState(centsToInput(item.collectCents));
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [busy, setBusy] = useState(false);
  const [amountError, setAmountError] = useState<string>();
  const submit = async () => {
    const cents = cod ? parseYuan(amount) : null;
    if (cod && cents === null) {
      setAmountError(t('validation.amount'));
      return;
    }
    setBusy(true);
    try {
      const order = await ok(
        api.POST('/api/orders/{id}/deliver', {
          params: { path: { id: item.order.id } },
          body: cod ? { codCollectedCents: cents! } : {},
        }),
      );
      onDone(order);
    } catch (err) {
      const p = asProblem(err);
      setProblem(p);
      setAmountError(fieldError(p, 'codCollectedCents'));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Popup visible onMaskClick={onClose} bodyStyle={POPUP_BODY}>
      <h2 style={{ fontSize: 18 }}>
        {t('agent.confirmDeliver')} {item.order.number}
      </h2>
      <MobileProblem problem={problem} />
      {cod && (
        <Form layout="vertical">
          <Form.Item label={<label htmlFor="cod-amount">{t('agent.codCollected')}</label>} help={amountError}>
            <Input id="cod-amount" inputMode="decimal" value={amount} onChange={setAmount} clearable />
          </Form.Item>
        </Form>
      )}
      <Space block direction="vertical">
        <Button
          block
          color="primary"
          size="large"
          loading={busy}
          onClick={() => void submit()}
          data-testid="confirm-deliver"
        >
          {t('agent.confirmDeliver')}
        </Button>
        <Button block onClick={onClose}>
          {t('common.cancel')}
        </Button>
      </Space>
    </Popup>
  );
}

function DepositPopup({
  item,
  onClose,
  onDone,
}: {
  item: WorkItem;
  onClose: () => void;
  onDone: (o: Schemas['DepositedOrderView']) => void;
}) {
  const { t } = useTranslation();
  const lockers =
    item.destination.type === 'delivery' ? [] : (item.destination as Schemas['PointDestinationView']).lockers;
  const [lockerId, setLockerId] = useState<string | undefined>(lockers[0]?.id);
  const [size, setSize] = useState<'S' | 'M' | 'L' | undefined>();
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [busy, setBusy] = useState(false);
  const locker = lockers.find((l) => l.id === lockerId);
  const submit = async () => {
    setBusy(true);
    try {
      onDone(
        await ok(
          api.POST('/api/orders/{id}/deposit', {
            params: { path: { id: item.order.id } },
            body: { ...(lockerId ? { lockerId } : {}), ...(size ? { size } : {}) },
          }),
        ),
      );
    } catch (err) {
      setProblem(asProblem(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Popup visible onMaskClick={onClose} bodyStyle={POPUP_BODY}>
      <h2 style={{ fontSize: 18 }}>
        {t('agent.deposit')} {item.order.number}
      </h2>
      <MobileProblem problem={problem} />
      {lockers.length > 0 && (
        <>
          <div id="locker-label">{t('agent.chooseLocker')}</div>
          <Selector
            aria-labelledby="locker-label"
            value={lockerId ? [lockerId] : []}
            onChange={(v) => setLockerId(v[0])}
            options={lockers.map((l) => ({ value: l.id, label: l.code }))}
          />
          <div id="size-label" style={{ marginTop: 12 }}>
            {t('agent.size')}
          </div>
          <Selector
            aria-labelledby="size-label"
            value={size ? [size] : []}
            onChange={(v) => setSize(v[0] as 'S' | 'M' | 'L' | undefined)}
            options={(['S', 'M', 'L'] as const).map((s) => ({
              value: s,
              label: t('agent.free', { size: s, count: locker?.free[s] ?? 0 }),
              disabled: (locker?.free[s] ?? 0) === 0,
            }))}
          />
        </>
      )}
      <Space block direction="vertical" style={{ marginTop: 16 }}>
        <Button block color="primary" size="large" loading={busy} onClick={() => void submit()}>
          {t('agent.deposit')}
        </Button>
        <Button block onClick={onClose}>
          {t('common.cancel')}
        </Button>
      </Space>
    </Popup>
  );
}

function OrderCard({
  item,
  children,
}: {
  item: { order: Order; collectCents?: number; where?: string };
  children?: React.ReactNode;
}) {
  const { t } = useTranslation();
  const o = item.order;
  return (
    <Card
      title={<span style={{ fontSize: 18, fontWeight: 700 }}>{o.number}</span>}
      extra={<Tag color="primary">{t(`order.statuses.${o.status}`)}</Tag>}
      style={{ marginBottom: 12 }}
      data-testid={`work-${o.number}`}
    >
      <div>{o.customer.phone}</div>
      <div>{o.lines.map((l) => `${l.name} ×${l.quantity}`).join(', ')}</div>
      {item.where && <div>{item.where}</div>}
      <div>
        {t('order.total')}: {formatCents(o.totalCents)}
        {item.collectCents ? (
          <strong style={{ marginLeft: 8, color: '#d4380d' }}>
            {t('agent.collect')} {formatCents(item.collectCents)}
          </strong>
        ) : null}
      </div>
      {children && (
        <Space style={{ marginTop: 8 }} wrap>
          {children}
        </Space>
      )}
    </Card>
  );
}

function Deliveries({ agentId }: { agentId: string }) {
  const { t } = useTranslation();
  const [work, setWork] = useState<WorkItem[]>([]);
  const [atLockers, setAtLockers] = useState<Order[]>([]);
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [delivering, setDelivering] = useState<WorkItem | null>(null);
  const [depositing, setDepositing] = useState<WorkItem | null>(null);
  const [segment, setSegment] = useState('todo');
  const load = useCallback(() => {
    ok(api.GET('/api/fulfilment/work')).then(
      (w) => setWork(w.items),
      (err) => setProblem(asProblem(err)),
    );
    ok(
      api.GET('/api/orders', {
        params: { query: { assignedAgentId: 'me', status: 'awaiting_pickup', limit: 100 } },
      }),
    ).then(
      (page) => setAtLockers(page.items),
      (err) => setProblem(asProblem(err)),
    );
  }, []);
  useEffect(load, [load, agentId]);

  const where = (item: WorkItem) =>
    item.destination.type === 'delivery'
      ? ((item.destination as Schemas['DoorDestinationView']).address ?? '')
      : (item.destination as Schemas['PointDestinationView']).pickupPoint.name;

  const dispatch = async (item: WorkItem) => {
    try {
      await ok(api.POST('/api/orders/{id}/dispatch', { params: { path: { id: item.order.id } } }));
      Toast.show({ content: t('agent.dispatched', { number: item.order.number }) });
      load();
    } catch (err) {
      setProblem(asProblem(err));
    }
  };

  const todo = work.filter((w) => w.order.status === 'assigned');
  const out = work.filter((w) => w.order.status === 'out_for_delivery');
  const list = segment === 'todo' ? todo : out;
  return (
    <>
      <MobileProblem problem={problem} />
      <Tabs activeKey={segment} onChange={setSegment}>
        <Tabs.Tab title={`${t('agent.toDeliver')} (${todo.length})`} key="todo" />
        <Tabs.Tab title={`${t('agent.out')} (${out.length})`} key="out" />
        <Tabs.Tab title={`${t('agent.atLockers')} (${atLockers.length})`} key="lockers" />
      </Tabs>
      <div style={{ padding: 12 }}>
        {segment === 'lockers'
          ? atLockers.map((o) => <OrderCard key={o.id} item={{ order: o }} />)
          : list.map((item) => (
              <OrderCard
                key={item.order.id}
                item={{ order: item.order, collectCents: item.collectCents, where: where(item) }}
              >
                {item.nextActions.includes('dispatch') && (
                  <Button color="primary" onClick={() => void dispatch(item)}>
                    {t('agent.dispatch')}
                  </Button>
                )}
                {item.nextActions.includes('deliver') && <AlipayQrButton order={item.order} onPaid={load} />}
                {item.nextActions.includes('deliver') && (
                  <Button color="success" onClick={() => setDelivering(item)}>
                    {t('agent.deliver')}
                  </Button>
                )}
                {item.nextActions.includes('deposit') && (
                  <Button color="warning" onClick={() => setDepositing(item)}>
                    {t('agent.deposit')}
                  </Button>
                )}
              </OrderCard>
            ))}
        {(segment === 'lockers' ? atLockers.length : list.length) === 0 && (
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
            load();
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
            load();
          }}
        />
      )}
    </>
  );
}

/** The task forms' inputs and the API fields their problems name. */
const API_FIELDS = {
  date: 'windowStart',
  from: 'windowStart',
  to: 'windowEnd',
  code: 'confirmationCode',
  notes: 'notes',
};

function Tasks() {
  const { t } = useTranslation();
  const [tasks, setTasks] = useState<Schemas['TaskWorkItemView'][]>([]);
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [scheduling, setScheduling] = useState<Task | null>(null);
  const [completing, setCompleting] = useState<Task | null>(null);
  const [values, setValues] = useState({ date: '', from: '', to: '', code: '', notes: '' });
  const [busy, setBusy] = useState(false);
  const load = useCallback(() => {
    ok(api.GET('/api/fulfilment/work')).then(
      (w) => setTasks(w.tasks),
      (err) => setProblem(asProblem(err)),
    );
  }, []);
  useEffect(load, [load]);
  const run = async (fn: () => Promise<unknown>) => {
    setBusy(true);
    try {
      await fn();
      setScheduling(null);
      setCompleting(null);
      setProblem(null);
      load();
    } catch (err) {
      setProblem(asProblem(err));
    } finally {
      setBusy(false);
    }
  };
  const schedule = (task: Task) =>
    run(async () => {
      const windowStart = shanghaiToIso(values.date, values.from);
      const windowEnd = shanghaiToIso(values.date, values.to);
      if (!windowStart || !windowEnd) {
        const missing = t('validation.required');
        throw new ApiProblem(0, {
          title: missing,
          errors: [
            ...(!windowStart ? [{ field: 'windowStart', message: missing }] : []),
            ...(!windowEnd ? [{ field: 'windowEnd', message: missing }] : []),
          ],
        });
      }
      await ok(
        api.POST('/api/tasks/{id}/schedule', {
          params: { path: { id: task.id } },
          body: { windowStart, windowEnd },
        }),
      );
    });
  const complete = (task: Task) =>
    run(async () => {
      if (task.status === 'scheduled')
        await ok(api.POST('/api/tasks/{id}/start', { params: { path: { id: task.id } } }));
      await ok(
        api.POST('/api/tasks/{id}/complete', {
          params: { path: { id: task.id } },
          body: { confirmationCode: values.code.trim(), ...(values.notes ? { notes: values.notes } : {}) },
        }),
      );
    });
  const field = (name: keyof typeof values, label: string, type = 'text') => (
    <Form.Item
      label={<label htmlFor={`task-${name}`}>{label}</label>}
      help={fieldError(problem, API_FIELDS[name])}
    >
      <Input
        id={`task-${name}`}
        type={type}
        value={values[name]}
        onChange={(v) => setValues((s) => ({ ...s, [name]: v }))}
      />
    </Form.Item>
  );
  return (
    <div style={{ padding: 12 }}>
      <MobileProblem problem={problem} />
      {tasks.length === 0 && <ErrorBlock status="empty" title={t('agent.nothing')} description="" />}
      {tasks.map(({ task, nextActions }) => (
        <Card
          key={task.id}
          title={`${t(`task.kinds.${task.kind}`)} ${task.orderNumber ?? ''}`}
          extra={<Tag>{t(`task.statuses.${task.status}`)}</Tag>}
          style={{ marginBottom: 12 }}
        >
          <div>
            {task.customer.name ?? ''} {task.customer.phone}
          </div>
          <div>{task.address}</div>
          <div>{task.items.map((i) => `${i.name} ×${i.quantity}`).join(', ')}</div>
          {task.windowStart && (
            <div>
              {t('agent.window', { from: formatTime(task.windowStart), to: formatTime(task.windowEnd) })}
            </div>
          )}
          {task.dueAt && (
            <div style={{ color: task.overdue ? '#d4380d' : undefined }}>
              {t('agent.due', { at: formatTime(task.dueAt) })}
            </div>
          )}
          <Space style={{ marginTop: 8 }}>
            {nextActions.includes('schedule') && (
              <Button onClick={() => setScheduling(task)}>{t('agent.schedule')}</Button>
            )}
            {(nextActions.includes('complete') || nextActions.includes('start')) && (
              <Button color="success" onClick={() => setCompleting(task)}>
                {t('agent.complete')}
              </Button>
            )}
          </Space>
        </Card>
      ))}
      <Popup visible={scheduling !== null} onMaskClick={() => setScheduling(null)} bodyStyle={POPUP_BODY}>
        <h2 style={{ fontSize: 18 }}>{t('agent.schedule')}</h2>
        <MobileProblem problem={problem} />
        <Form layout="vertical">
          {field('date', t('agent.windowDate'), 'date')}
          {field('from', t('agent.windowStart'), 'time')}
          {field('to', t('agent.windowEnd'), 'time')}
        </Form>
        <Button
          block
          color="primary"
          loading={busy}
          onClick={() => {
            if (scheduling) void schedule(scheduling);
          }}
        >
          {t('common.save')}
        </Button>
      </Popup>
      <Popup visible={completing !== null} onMaskClick={() => setCompleting(null)} bodyStyle={POPUP_BODY}>
        <h2 style={{ fontSize: 18 }}>{t('agent.complete')}</h2>
        <MobileProblem problem={problem} />
        <Form layout="vertical">
          {field('code', t('agent.confirmationCode'))}
          {field('notes', t('agent.notes'))}
        </Form>
        <Button
          block
          color="primary"
          loading={busy}
          onClick={() => {
            if (completing) void complete(completing);
          }}
        >
          {t('agent.complete')}
        </Button>
      </Popup>
    </div>
  );
}

function Earnings({ agentId }: { agentId: string }) {
  const { t } = useTranslation();
  const [earnings, setEarnings] = useState<Schemas['EarningsResponse'] | null>(null);
  const [cod, setCod] = useState<Schemas['CodBalanceResponse'] | null>(null);
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const period = shanghaiPeriod();
  useEffect(() => {
    ok(api.GET('/api/agents/{id}/earnings', { params: { path: { id: agentId }, query: { period } } })).then(
      setEarnings,
      (err) => setProblem(asProblem(err)),
    );
    ok(api.GET('/api/agents/{id}/cod', { params: { path: { id: agentId }, query: { limit: 20 } } })).then(
      setCod,
      (err) => setProblem(asProblem(err)),
    );
  }, [agentId, period]);
  const row = (label: string, cents: number | undefined, testId?: string) => (
    <div style={{ display: 'flex', justifyContent: 'space-between', padding: '4px 0' }}>
      <span>{label}</span>
      <span data-testid={testId}>{cents === undefined ? '—' : formatCents(cents)}</span>
    </div>
  );
  return (
    <div style={{ padding: 12 }}>
      <MobileProblem problem={problem} />
      <Card title={`${t('agent.thisMonth')} ${period}`} style={{ marginBottom: 12 }}>
        <div style={{ fontSize: 13, color: '#666' }}>{t('agent.net')}</div>
        <div style={{ fontSize: 32, fontWeight: 700 }} data-testid="earnings-net">
          {earnings ? formatCents(earnings.netCents) : '—'}
        </div>
        {row(t('settlement.commission'), earnings?.commissionCents, 'earnings-commission')}
        {row(t('settlement.reversal'), earnings?.reversalCents)}
        {row(t('settlement.installFee'), earnings?.installFeeCents)}
        {row(t('settlement.adjustment'), earnings?.adjustmentCents)}
        {row(t('agent.codHeld'), earnings?.codHeldCents, 'cod-held')}
      </Card>
      <Card title={t('agent.codEntries')}>
        {cod?.items.map((e) => (
          <div key={e.id} style={{ display: 'flex', justifyContent: 'space-between' }}>
            <span>{e.orderNumber}</span>
            <span>{formatCents(e.amountCents)}</span>
            <span>{formatTime(e.recordedAt)}</span>
          </div>
        ))}
      </Card>
    </div>
  );
}

/** The agent's phone screens (375 px first): deliveries, tasks, earnings. */
export function AgentPage({ session }: { session: Session }) {
  const { t, i18n } = useTranslation();
  const navigate = useNavigate();
  const [tab, setTab] = useState('deliveries');
  const agentId = session.agentId ?? '';
  return (
    <div style={{ maxWidth: 600, margin: '0 auto', minHeight: '100vh', background: '#f5f5f5' }}>
      <NavBar
        backIcon={false}
        left={
          <Button
            size="mini"
            fill="none"
            onClick={() => setLanguage(i18n.language === 'en' ? 'zh-CN' : 'en')}
            aria-label={t('app.language')}
          >
            {i18n.language === 'en' ? '中文' : 'EN'}
          </Button>
        }
        right={
          <Button
            size="mini"
            fill="none"
            onClick={() => {
              clearSession();
              navigate('/sign-in', { replace: true });
            }}
          >
            {t('app.signOut')}
          </Button>
        }
      >
        <h1 style={{ fontSize: 17, margin: 0 }}>{session.name}</h1>
      </NavBar>
      <main>
        <Tabs activeKey={tab} onChange={setTab}>
          <Tabs.Tab title={t('agent.deliveries')} key="deliveries">
            <Deliveries agentId={agentId} />
          </Tabs.Tab>
          <Tabs.Tab title={t('agent.tasks')} key="tasks">
            <Tasks />
          </Tabs.Tab>
          <Tabs.Tab title={t('agent.earnings')} key="earnings">
            <Earnings agentId={agentId} />
          </Tabs.Tab>
        </Tabs>
      </main>
    </div>
  );
}
