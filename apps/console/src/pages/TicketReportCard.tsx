import { Button, Card, Col, Row, Statistic, Table } from 'antd';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, ok, type Schemas } from '../api/client';
import { saveBlob } from '../api/download';
import { asProblem } from '../api/problem';
import { ProblemAlert } from '../components/ProblemAlert';
import { queryProblem, useAction } from '../api/useAction';
import { formatCents } from '../lib/money';

type CampusTickets = Schemas['CampusTicketsView'];

/** Tickets per campus with the median time to the first staff answer (issue 16.5), for the report window. */
export function TicketReportCard({ from, to }: { from: string; to: string }) {
  const { t } = useTranslation();
  const report = useQuery({
    queryKey: ['reports', 'tickets', from, to],
    queryFn: ({ signal }) => ok(api.GET('/api/reports/tickets', { params: { query: { from, to } }, signal })),
  });
  const minutes = (n: number | null) => (n === null ? '—' : t('ticketReport.minutes', { n }));
  const csv = useAction(async () => {
    const { data, response } = await api.GET('/api/reports/tickets', {
      params: { query: { from, to, format: 'csv' } },
      parseAs: 'blob',
    });
    if (!response.ok || !data) throw asProblem(new Error(`HTTP ${response.status}`));
    saveBlob(data as unknown as Blob, 'tickets.csv');
  });
  const r = report.data;
  return (
    <Card
      title={<h2 style={{ margin: 0, fontSize: 16 }}>{t('ticketReport.tab')}</h2>}
      extra={
        <Button onClick={() => csv.run()} loading={csv.busy}>
          CSV
        </Button>
      }
      data-testid="ticket-report"
    >
      <ProblemAlert
        problem={csv.problem ?? queryProblem(report.error)}
        onClose={csv.problem ? csv.reset : undefined}
      />
      {r && (
        <Row gutter={24} style={{ marginBottom: 16 }}>
          <Col>
            <Statistic title={t('ticketReport.tickets')} value={r.total.tickets} />
          </Col>
          <Col>
            <Statistic title={t('ticketReport.overdue')} value={r.total.overdue} />
          </Col>
          <Col>
            <Statistic
              title={t('ticketReport.median')}
              value={minutes(r.total.medianFirstReplyMinutes)}
              data-testid="ticket-median"
            />
          </Col>
        </Row>
      )}
      <Table<CampusTickets>
        rowKey={(c) => c.campus?.id ?? 'none'}
        size="small"
        pagination={false}
        dataSource={r?.campuses ?? []}
        columns={[
          { title: t('ticketReport.campus'), render: (_, c) => c.campus?.name ?? t('ticketReport.noCampus') },
          { title: t('ticketReport.tickets'), dataIndex: 'tickets', align: 'right' },
          { title: t('ticketReport.complaints'), dataIndex: 'complaints', align: 'right' },
          { title: t('ticketReport.open'), dataIndex: 'open', align: 'right' },
          { title: t('ticketReport.overdue'), dataIndex: 'overdue', align: 'right' },
          { title: t('ticketReport.replied'), dataIndex: 'replied', align: 'right' },
          {
            title: t('ticketReport.median'),
            align: 'right',
            render: (_, c) => minutes(c.medianFirstReplyMinutes),
          },
          {
            title: t('ticketReport.compensation'),
            align: 'right',
            render: (_, c) => formatCents(c.compensationCents),
          },
        ]}
      />
    </Card>
  );
}
