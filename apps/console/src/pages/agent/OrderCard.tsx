import type { ReactNode } from 'react';
import { Card, Space, Tag } from 'antd-mobile';
import { useTranslation } from 'react-i18next';
import type { Order } from '../../api/client';
import { formatCents } from '../../lib/money';

/** One order on the agent's phone: number, status, customer, items, where, cash to collect, actions. */
export function OrderCard({
  order,
  collectCents,
  where,
  isNew,
  extra,
  children,
}: {
  order: Order;
  collectCents?: number;
  where?: string;
  isNew?: boolean;
  extra?: ReactNode;
  children?: ReactNode;
}) {
  const { t } = useTranslation();
  return (
    <Card
      title={
        <span style={{ fontSize: 18, fontWeight: 700 }}>
          {order.number}
          {isNew && (
            <Tag color="#a8071a" fill="outline" style={{ marginLeft: 8 }} data-testid="new-work">
              {t('desks.agent.newTag')}
            </Tag>
          )}
        </span>
      }
      extra={
        <Tag color="#0b4fb3" fill="outline">
          {t(`order.statuses.${order.status}`)}
        </Tag>
      }
      style={{ marginBottom: 12 }}
      data-testid={`work-${order.number}`}
    >
      <div>{order.customer.phone}</div>
      <div>{order.lines.map((l) => `${l.name} ×${l.quantity}`).join(', ')}</div>
      {where && <div>{where}</div>}
      <div>
        {t('order.total')}: {formatCents(order.totalCents)}
        {collectCents ? (
          <strong style={{ marginLeft: 8, color: '#a8071a' }}>
            {t('agent.collect')} {formatCents(collectCents)}
          </strong>
        ) : null}
      </div>
      {extra}
      {children && (
        <Space style={{ marginTop: 8 }} wrap>
          {children}
        </Space>
      )}
    </Card>
  );
}
