import { useMemo, useState } from 'react';
import { Alert, Button, Form, Input, message, Popconfirm, Select, Space, Statistic, Table, Tag } from 'antd';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, ok, type Agent, type Schemas } from '../api/client';
import type { ApiProblem } from '../api/problem';
import type { Session } from '../auth/session';
import { ProblemAlert } from '../components/ProblemAlert';
import { queryProblem, useAction } from '../api/useAction';
import { formatCents } from '../lib/money';
import { dayStartIso, refundActions, refundProblems, refundsByDay } from '../lib/refunds';
import { formatTime } from '../lib/time';

type Refund = Schemas['RefundResponse'];

/** Status tags in dark-on-light pairs that keep a 4.5:1 contrast (antd's preset colours do not). */
const STATUS_STYLES: Record<string, { color: string; background: string; borderColor: string }> = {
  pending: { color: '#003a8c', background: '#e6f4ff', borderColor: '#91caff' },
  succeeded: { color: '#135200', background: '#f6ffed', borderColor: '#b7eb8f' },
  failed: { color: '#820014', background: '#fff1f0', borderColor: '#ffa39e' },
  owed: { color: '#613400', background: '#fffbe6', borderColor: '#ffe58f' },
  paid_out: { color: '#10239e', background: '#f0f5ff', borderColor: '#adc6ff' },
};
const STAT_TITLE = { color: 'rgba(0, 0, 0, 0.88)' };

interface Filters {
  status?: Refund['status'];
  method?: Refund['method'];
  from?: string;
  to?: string;
}

/**
 * Refunds for finance and regional managers: what is owed back, by status, method and day; cash
 * refunds marked paid out once handed to the customer (confirmed first); failed Alipay refunds with
 * Alipay's reason, retried by an admin.
 */
export default function RefundsPanel({ session }: { session: Session }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<Filters>();
  const [filters, setFilters] = useState<Filters>({});
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const isAdmin = session.role === 'admin';

  const query = useMemo(
    () => ({
      status: filters.status,
      method: filters.method,
      from: filters.from ? (dayStartIso(filters.from) ?? filters.from) : undefined,
      to: filters.to ? (dayStartIso(filters.to, true) ?? filters.to) : undefined,
      limit: 200,
    }),
    [filters],
  );
  const refunds = useQuery({
    queryKey: ['refunds', query],
    queryFn: ({ signal }) => ok(api.GET('/api/refunds', { params: { query }, signal })),
  });
  const agents = useQuery({
    queryKey: ['agents', 'all'],
    queryFn: ({ signal }) => ok(api.GET('/api/agents', { params: { query: { limit: 200 } }, signal })),
  });
  const points = useQuery({
    queryKey: ['pickup-points'],
    queryFn: ({ signal }) => ok(api.GET('/api/pickup-points', { signal })),
  });
  const agentName = (id: string) =>
    agents.data?.items.find((a: Agent) => a.id === id)?.displayName ?? id.slice(0, 8);
  const pointName = (id: string) => points.data?.find((p) => p.id === id)?.name ?? id.slice(0, 8);

  const problem = queryProblem(refunds.error);
  // A 400 names the filter at fault: show it next to that field.
  const errorsOf = (p: ApiProblem | null) =>
    Object.fromEntries((p?.body.errors ?? []).map((e) => [e.field, e.message])) as Record<string, string>;
  const shownErrors = { ...fieldErrors, ...errorsOf(problem) };

  const paidOut = useAction(
    (r: Refund) => ok(api.POST('/api/refunds/{id}/paid-out', { params: { path: { id: r.id } } })),
    {
      invalidate: [['refunds']],
      onSuccess: (r) => void message.success(t('payments.refunds.paidOutDone', { number: r.orderNumber })),
    },
  );
  const retry = useAction(
    (r: Refund) => ok(api.POST('/api/refunds/{id}/retry', { params: { path: { id: r.id } } })),
    {
      invalidate: [['refunds']],
      onSuccess: (r) => void message.success(t('payments.refunds.retryDone', { number: r.orderNumber })),
    },
  );
  const actionProblem = paidOut.problem ?? retry.problem;
  const clearActionProblem = () => {
    paidOut.reset();
    retry.reset();
  };

  const items = refunds.data?.items ?? [];
  const days = refundsByDay(items);
  const problems = refundProblems(items);

  const search = (values: Filters) => {
    const errors: Record<string, string> = {};
    for (const key of ['from', 'to'] as const) {
      if (values[key] && !dayStartIso(values[key]!)) errors[key] = t('payments.refunds.badDay');
    }
    setFieldErrors(errors);
    if (Object.keys(errors).length === 0) setFilters({ ...values });
  };

  const holder = (r: Refund) => {
    if (r.holder?.agentId) return t('payments.refunds.agent', { name: agentName(r.holder.agentId) });
    if (r.holder?.pickupPointId)
      return t('payments.refunds.point', { name: pointName(r.holder.pickupPointId) });
    return r.method === 'alipay' ? t('payments.refunds.alipay') : t('payments.refunds.finance');
  };

  return (
    <Space direction="vertical" style={{ width: '100%' }} data-testid="refunds-panel">
      <Form form={form} layout="inline" onFinish={search} aria-label={t('payments.refunds.tab')}>
        <Form.Item name="status" label={t('payments.refunds.status')} help={shownErrors.status}>
          <Select
            allowClear
            style={{ width: 140 }}
            placeholder={t('payments.refunds.any')}
            options={(['owed', 'pending', 'failed', 'succeeded', 'paid_out'] as const).map((s) => ({
              value: s,
              label: t(`payments.refunds.statuses.${s}`),
            }))}
          />
        </Form.Item>
        <Form.Item name="method" label={t('payments.refunds.method')} help={shownErrors.method}>
          <Select
            allowClear
            style={{ width: 140 }}
            placeholder={t('payments.refunds.any')}
            options={(['cash', 'alipay', 'manual'] as const).map((m) => ({
              value: m,
              label: t(`payments.refunds.methods.${m}`),
            }))}
          />
        </Form.Item>
        <Form.Item
          name="from"
          label={t('payments.refunds.from')}
          validateStatus={shownErrors.from ? 'error' : undefined}
          help={shownErrors.from}
        >
          <Input placeholder="YYYY-MM-DD" style={{ width: 130 }} />
        </Form.Item>
        <Form.Item
          name="to"
          label={t('payments.refunds.to')}
          validateStatus={shownErrors.to ? 'error' : undefined}
          help={shownErrors.to}
        >
          <Input placeholder="YYYY-MM-DD" style={{ width: 130 }} />
        </Form.Item>
        <Form.Item>
          <Button type="primary" htmlType="submit" loading={refunds.isFetching}>
            {t('payments.refunds.search')}
          </Button>
        </Form.Item>
      </Form>
      <ProblemAlert problem={problem} />
      <ProblemAlert problem={actionProblem} onClose={clearActionProblem} />
      <Space size="large">
        <Statistic
          title={<span style={STAT_TITLE}>{t('payments.refunds.owedCash')}</span>}
          value={formatCents(problems.owedCents)}
        />
        <Statistic
          title={<span style={STAT_TITLE}>{t('payments.refunds.failedAlipay')}</span>}
          value={problems.failed}
        />
      </Space>
      {problems.failed > 0 && (
        <Alert type="warning" showIcon message={t('payments.refunds.failedAlipay')} role="status" />
      )}
      <Table<Refund>
        rowKey="id"
        size="small"
        loading={refunds.isLoading}
        dataSource={items}
        pagination={false}
        locale={{ emptyText: t('payments.refunds.empty') }}
        columns={[
          { title: t('payments.refunds.order'), dataIndex: 'orderNumber' },
          {
            title: t('payments.refunds.amount'),
            dataIndex: 'amountCents',
            align: 'right',
            render: (c: number) => formatCents(c),
          },
          {
            title: t('payments.refunds.method'),
            dataIndex: 'method',
            render: (m: string) => t(`payments.refunds.methods.${m}`, m),
          },
          {
            title: t('payments.refunds.status'),
            dataIndex: 'status',
            render: (s: string) => (
              <Tag style={STATUS_STYLES[s]}>{t(`payments.refunds.statuses.${s}`, s)}</Tag>
            ),
          },
          {
            title: t('payments.refunds.cause'),
            render: (_, r) => (
              <span title={r.reason}>
                {t(`payments.refunds.causes.${r.cause}`, r.cause)} — {r.reason}
              </span>
            ),
          },
          { title: t('payments.refunds.holder'), render: (_, r) => holder(r) },
          {
            title: t('payments.refunds.createdAt'),
            dataIndex: 'createdAt',
            render: (at: string) => formatTime(at),
          },
          {
            title: t('payments.refunds.problem'),
            render: (_, r) =>
              r.status === 'failed' ? (
                <span style={{ color: '#a8071a' }}>
                  {r.failureCode}: {r.failureReason}
                </span>
              ) : null,
          },
          {
            title: t('common.actions'),
            render: (_, r) => (
              <Space>
                {refundActions(r, isAdmin).includes('paid_out') && (
                  <Popconfirm
                    title={t('payments.refunds.confirmPaidOut', {
                      amount: formatCents(r.amountCents),
                      number: r.orderNumber,
                    })}
                    onConfirm={() => paidOut.run(r)}
                  >
                    <Button size="small" loading={paidOut.busy && paidOut.variables?.id === r.id}>
                      {t('payments.refunds.markPaidOut')}
                    </Button>
                  </Popconfirm>
                )}
                {refundActions(r, isAdmin).includes('retry') && (
                  <Button
                    size="small"
                    onClick={() => retry.run(r)}
                    loading={retry.busy && retry.variables?.id === r.id}
                  >
                    {t('payments.refunds.retry')}
                  </Button>
                )}
              </Space>
            ),
          },
        ]}
      />
      <Table
        rowKey="day"
        size="small"
        title={() => t('payments.refunds.byDay')}
        dataSource={days}
        pagination={false}
        columns={[
          { title: t('payments.refunds.day'), dataIndex: 'day' },
          { title: t('payments.refunds.count'), dataIndex: 'count', align: 'right' },
          {
            title: t('payments.refunds.amount'),
            dataIndex: 'amountCents',
            align: 'right',
            render: (c: number) => formatCents(c),
          },
          {
            title: t('payments.refunds.owedCash'),
            dataIndex: 'owedCents',
            align: 'right',
            render: (c: number) => formatCents(c),
          },
        ]}
      />
    </Space>
  );
}
