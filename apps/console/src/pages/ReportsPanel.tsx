import { useMemo, useState } from 'react';
import { Button, Card, Col, Form, Input, Row, Space, Statistic, Table } from 'antd';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, type Schemas } from '../api/client';
import { saveBlob } from '../api/download';
import { asProblem } from '../api/problem';
import { EChart } from '../components/EChart';
import { ProblemAlert } from '../components/ProblemAlert';
import { queryProblem, useAction, useProblemFields } from '../api/useAction';
import { formatCents } from '../lib/money';
import { bpsToPercent, formatBps } from '../lib/rates';
import { formatTime, shanghaiPeriod } from '../lib/time';
import { reportKeys, reportQueries, type ReportWindow } from './reports/queries';
import { TicketReportCard } from './TicketReportCard';

type ChannelReport = Schemas['ChannelReportView'];
type AgentReport = Schemas['AgentReportView'];
type CustomerReport = Schemas['CustomerReportView'];

/** The first day of this Shanghai month and today, as the inputs show them. */
function thisMonth(): ReportWindow {
  const period = shanghaiPeriod();
  return { from: `${period}-01`, to: formatTime(new Date().toISOString()).slice(0, 10), period };
}

/** Regional manager reports: channel funnel and conversion, agent leaderboard, repeat purchases. */
export default function ReportsPanel() {
  const { t } = useTranslation();
  const [form] = Form.useForm<ReportWindow>();
  const [query, setQuery] = useState<ReportWindow>(thisMonth);
  const queryClient = useQueryClient();
  // Another window is another key (its own answer); the same window asked again is refetched.
  const refresh = (v: ReportWindow) => {
    if (v.from === query.from && v.to === query.to && v.period === query.period)
      void queryClient.invalidateQueries({ queryKey: reportKeys.all });
    else setQuery({ from: v.from, to: v.to, period: v.period });
  };
  const channelsQ = useQuery(reportQueries.channels(query));
  const agentsQ = useQuery(reportQueries.agents(query));
  const customersQ = useQuery(reportQueries.customers(query));
  const channels: ChannelReport | null = channelsQ.data ?? null;
  const agents: AgentReport | null = agentsQ.data ?? null;
  const customers: CustomerReport | null = customersQ.data ?? null;
  const loading = channelsQ.isFetching || agentsQ.isFetching || customersQ.isFetching;

  const csv = useAction(async (which: 'channels' | 'agents' | 'customers') => {
    const params =
      which === 'agents'
        ? { query: { period: query.period, format: 'csv' as const } }
        : { query: { from: query.from, to: query.to, format: 'csv' as const } };
    const { data, response } = await api.GET(`/api/reports/${which}` as '/api/reports/channels', {
      params: params as never,
      parseAs: 'blob',
    });
    if (!response.ok || !data) throw asProblem(new Error(`HTTP ${response.status}`));
    saveBlob(data as unknown as Blob, which === 'agents' ? `agents-${query.period}.csv` : `${which}.csv`);
  });
  const readProblem = queryProblem(channelsQ.error, agentsQ.error, customersQ.error);
  const problem = csv.problem ?? readProblem;
  // A read refused for its filter (a bad date, a month out of range) marks that filter.
  useProblemFields(form, readProblem);

  const channelName = (c: string) => t(`reports.channels.${c}`, c);
  const funnelOption = useMemo(() => {
    const rows = channels?.channels ?? [];
    return {
      tooltip: { trigger: 'axis' },
      legend: { top: 0, type: 'scroll' },
      grid: { left: 48, right: 56, bottom: 32, top: 48 },
      xAxis: { type: 'category', data: rows.map((r) => channelName(r.channel)) },
      yAxis: [
        { type: 'value', name: t('reports.orders'), minInterval: 1 },
        { type: 'value', name: '%', max: 100, min: 0 },
      ],
      series: [
        { name: t('reports.placed'), type: 'bar', data: rows.map((r) => r.orders) },
        { name: t('reports.confirmed'), type: 'bar', data: rows.map((r) => r.confirmed) },
        { name: t('reports.delivered'), type: 'bar', data: rows.map((r) => r.delivered) },
        { name: t('reports.completed'), type: 'bar', data: rows.map((r) => r.completed) },
        {
          name: t('reports.conversion'),
          type: 'line',
          yAxisIndex: 1,
          data: rows.map((r) => bpsToPercent(r.conversionRate)),
        },
      ],
    };
    // channelName depends on t only.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [channels, t]);

  const leaderboardOption = useMemo(() => {
    const top = (agents?.agents ?? []).slice(0, 10).reverse();
    return {
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
      legend: { top: 0, type: 'scroll' },
      grid: { left: 120, right: 24, bottom: 24, top: 40 },
      xAxis: { type: 'value', minInterval: 1 },
      yAxis: { type: 'category', data: top.map((a) => `${a.rank}. ${a.displayName}`) },
      series: [
        { name: t('reports.ordersDelivered'), type: 'bar', data: top.map((a) => a.ordersDelivered) },
        { name: t('reports.tasksDone'), type: 'bar', data: top.map((a) => a.tasksDone) },
      ],
    };
  }, [agents, t]);

  const repeatOption = useMemo(() => {
    const rows = customers?.campuses ?? [];
    return {
      tooltip: { trigger: 'axis' },
      legend: { top: 0, type: 'scroll' },
      grid: { left: 48, right: 56, bottom: 32, top: 48 },
      xAxis: { type: 'category', data: rows.map((r) => r.campus.name) },
      yAxis: [
        { type: 'value', name: t('reports.customers'), minInterval: 1 },
        { type: 'value', name: '%', max: 100, min: 0 },
      ],
      series: [
        {
          name: t('reports.newCustomers'),
          type: 'bar',
          stack: 'customers',
          data: rows.map((r) => r.newCustomers),
        },
        {
          name: t('reports.returningCustomers'),
          type: 'bar',
          stack: 'customers',
          data: rows.map((r) => r.returningCustomers),
        },
        {
          name: t('reports.repeatRate'),
          type: 'line',
          yAxisIndex: 1,
          data: rows.map((r) => bpsToPercent(r.repeatPurchaseRate)),
        },
      ],
    };
  }, [customers, t]);

  return (
    <Space direction="vertical" size="large" style={{ width: '100%' }}>
      <Form form={form} layout="inline" initialValues={query} onFinish={refresh}>
        <Form.Item name="from" label={t('reports.from')}>
          <Input type="date" />
        </Form.Item>
        <Form.Item name="to" label={t('reports.to')}>
          <Input type="date" />
        </Form.Item>
        <Form.Item name="period" label={t('reports.period')}>
          <Input type="month" />
        </Form.Item>
        <Button type="primary" htmlType="submit" loading={loading}>
          {t('common.refresh')}
        </Button>
      </Form>
      <ProblemAlert problem={problem} onClose={problem === csv.problem ? csv.reset : undefined} />
      <Card
        title={<h2 style={{ margin: 0, fontSize: 16 }}>{t('reports.funnel')}</h2>}
        extra={<Button onClick={() => csv.run('channels')}>CSV</Button>}
      >
        {channels && (
          <Row gutter={24} style={{ marginBottom: 16 }}>
            <Col>
              <Statistic title={t('reports.placed')} value={channels.total.orders} />
            </Col>
            <Col>
              <Statistic title={t('reports.conversion')} value={formatBps(channels.total.conversionRate)} />
            </Col>
            <Col>
              <Statistic title={t('reports.gmv')} value={formatCents(channels.total.gmvCents)} />
            </Col>
          </Row>
        )}
        <EChart option={funnelOption} label={t('reports.funnel')} />
        <Table
          rowKey="channel"
          size="small"
          pagination={false}
          dataSource={channels ? [...channels.channels, channels.total] : []}
          columns={[
            { title: t('order.channel'), dataIndex: 'channel', render: (c: string) => channelName(c) },
            { title: t('reports.placed'), dataIndex: 'orders', align: 'right' },
            { title: t('reports.confirmed'), dataIndex: 'confirmed', align: 'right' },
            { title: t('reports.cancelled'), dataIndex: 'cancelled', align: 'right' },
            { title: t('reports.delivered'), dataIndex: 'delivered', align: 'right' },
            { title: t('reports.completed'), dataIndex: 'completed', align: 'right' },
            {
              title: t('reports.conversion'),
              dataIndex: 'conversionRate',
              align: 'right',
              render: (v: number | null) => formatBps(v),
            },
            {
              title: t('reports.gmv'),
              dataIndex: 'gmvCents',
              align: 'right',
              render: (v: number) => formatCents(v),
            },
          ]}
        />
      </Card>
      <Card
        title={<h2 style={{ margin: 0, fontSize: 16 }}>{t('reports.leaderboard')}</h2>}
        extra={<Button onClick={() => csv.run('agents')}>CSV</Button>}
      >
        <EChart option={leaderboardOption} label={t('reports.leaderboard')} />
        <Table
          rowKey="agentId"
          size="small"
          pagination={false}
          dataSource={agents?.agents ?? []}
          columns={[
            { title: '#', dataIndex: 'rank', width: 48 },
            { title: t('manager.name'), dataIndex: 'displayName' },
            { title: t('form.campus'), render: (_, a) => a.campus.name },
            { title: t('reports.ordersDelivered'), dataIndex: 'ordersDelivered', align: 'right' },
            { title: t('reports.tasksDone'), dataIndex: 'tasksDone', align: 'right' },
            { title: t('reports.tasksOverdue'), dataIndex: 'tasksOverdue', align: 'right' },
            {
              title: t('reports.earnings'),
              dataIndex: 'earningsCents',
              align: 'right',
              render: (v: number) => formatCents(v),
            },
            {
              title: t('agent.codHeld'),
              dataIndex: 'codHeldCents',
              align: 'right',
              render: (v: number) => formatCents(v),
            },
          ]}
        />
      </Card>
      <Card
        title={<h2 style={{ margin: 0, fontSize: 16 }}>{t('reports.repeat')}</h2>}
        extra={<Button onClick={() => csv.run('customers')}>CSV</Button>}
      >
        {customers && (
          <Row gutter={24} style={{ marginBottom: 16 }}>
            <Col>
              <Statistic title={t('reports.customers')} value={customers.total.customers} />
            </Col>
            <Col>
              <Statistic
                title={t('reports.repeatRate')}
                value={formatBps(customers.total.repeatPurchaseRate)}
                data-testid="repeat-rate"
              />
            </Col>
          </Row>
        )}
        <EChart option={repeatOption} label={t('reports.repeat')} />
      </Card>
      <TicketReportCard from={query.from} to={query.to} />
    </Space>
  );
}
