import { Alert, Descriptions, Table, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { Schemas } from '../../api/client';
import { MUTED, ToneTag } from '../../components/ToneTag';
import { formatCents } from '../../lib/money';
import { formatTime } from '../../lib/time';

type CashUp = Schemas['CashUpResponse'];

/** A cash-up's figures (collected, refunded, to hand in, handed in, difference) and its entries. */
export function CashUpDetail({ cashUp }: { cashUp: CashUp }) {
  const { t } = useTranslation();
  const diff = cashUp.differenceCents;
  return (
    <>
      <Descriptions bordered size="small" column={{ xs: 1, md: 3 }} style={{ marginBottom: 16 }}>
        <Descriptions.Item label={t('desks.cashUp.status')}>
          <ToneTag tone={cashUp.status === 'closed' ? 'green' : 'gold'} data-testid="cash-up-status">
            {t(`desks.cashUp.statuses.${cashUp.status}`)}
          </ToneTag>
          {cashUp.closedAt && (
            <Typography.Text style={{ color: MUTED }}>
              {t('desks.cashUp.closed', { at: formatTime(cashUp.closedAt) })}
            </Typography.Text>
          )}
        </Descriptions.Item>
        <Descriptions.Item label={t('desks.cashUp.collected')}>
          <span data-testid="cash-up-collected">{formatCents(cashUp.collectedCents)}</span>
        </Descriptions.Item>
        <Descriptions.Item label={t('desks.cashUp.refunded')}>
          {formatCents(cashUp.refundedCents)}
        </Descriptions.Item>
        <Descriptions.Item label={t('desks.cashUp.expected')}>
          {formatCents(cashUp.expectedCents)}
        </Descriptions.Item>
        <Descriptions.Item label={t('desks.cashUp.handedIn')}>
          <span data-testid="cash-up-handed-in">{formatCents(cashUp.handedInCents)}</span>
        </Descriptions.Item>
        <Descriptions.Item label={t('desks.cashUp.difference')}>
          <strong
            data-testid="cash-up-difference"
            style={{ color: diff < 0 ? '#a8071a' : diff > 0 ? '#0b4fb3' : undefined }}
          >
            {formatCents(diff)}
          </strong>
        </Descriptions.Item>
      </Descriptions>
      {cashUp.closeNote && <Typography.Paragraph>{cashUp.closeNote}</Typography.Paragraph>}
      {cashUp.changedSinceClose && (
        <Alert
          type="warning"
          showIcon
          style={{ marginBottom: 16 }}
          message={t('desks.cashUp.changedSinceClose')}
        />
      )}
      <Typography.Title level={3} style={{ fontSize: 16 }}>
        {t('desks.cashUp.collections')}
      </Typography.Title>
      <div data-testid="cash-up-collections">
        <Table
          rowKey={(r) => `${r.kind}-${r.orderId}`}
          size="small"
          pagination={false}
          dataSource={cashUp.collections}
          columns={[
            { title: t('desks.cashUp.at'), dataIndex: 'at', render: (at: string) => formatTime(at) },
            { title: t('order.number'), dataIndex: 'orderNumber' },
            {
              title: t('desks.cashUp.kinds.cod'),
              dataIndex: 'kind',
              render: (k: string) => t(`desks.cashUp.kinds.${k}`),
            },
            {
              title: t('order.total'),
              dataIndex: 'amountCents',
              align: 'right',
              render: (c: number) => formatCents(c),
            },
          ]}
        />
      </div>
      {cashUp.refunds.length > 0 && (
        <>
          <Typography.Title level={3} style={{ fontSize: 16, marginTop: 16 }}>
            {t('desks.cashUp.refunds')}
          </Typography.Title>
          <Table
            rowKey="refundId"
            size="small"
            pagination={false}
            dataSource={cashUp.refunds}
            columns={[
              { title: t('desks.cashUp.at'), dataIndex: 'at', render: (at: string) => formatTime(at) },
              { title: t('order.number'), dataIndex: 'orderNumber' },
              {
                title: t('order.total'),
                dataIndex: 'amountCents',
                align: 'right',
                render: (c: number) => formatCents(c),
              },
            ]}
          />
        </>
      )}
      <Typography.Title level={3} style={{ fontSize: 16, marginTop: 16 }}>
        {t('desks.cashUp.handIns')}
      </Typography.Title>
      <Table
        rowKey="id"
        size="small"
        pagination={false}
        dataSource={cashUp.handIns}
        columns={[
          { title: t('desks.cashUp.at'), dataIndex: 'at', render: (at: string) => formatTime(at) },
          { title: t('desks.cashUp.note'), dataIndex: 'note' },
          {
            title: t('order.total'),
            dataIndex: 'amountCents',
            align: 'right',
            render: (c: number) => formatCents(c),
          },
        ]}
      />
    </>
  );
}
