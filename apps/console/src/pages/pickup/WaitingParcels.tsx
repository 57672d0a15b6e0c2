import { Button, Card, message, Popconfirm, Space, Table, Tag } from 'antd';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, ok, type Schemas } from '../../api/client';
import { asProblem } from '../../api/problem';
import { ProblemAlert } from '../../components/ProblemAlert';
import { useAction } from '../../api/useAction';
import { formatCents } from '../../lib/money';
import { ageOf, formatTime } from '../../lib/time';
import { pickupKeys } from './keys';

type Parcel = Schemas['WaitingParcelResponse'];

/**
 * Every parcel waiting at the point (lockers and counter shelf), oldest first: order number, the
 * customer's masked phone, where it is, how long it has waited, the cash to collect. "Hand out"
 * fills the hand-out form; "Re-send code" texts the customer a new code (the old one stops working).
 */
export function WaitingParcels({ pointId, onHandOut }: { pointId: string; onHandOut: (p: Parcel) => void }) {
  const { t } = useTranslation();
  const parcels = useQuery({
    queryKey: pickupKeys.parcels(pointId),
    queryFn: ({ signal }) =>
      ok(
        api.GET('/api/pickup-points/{id}/parcels', {
          params: { path: { id: pointId }, query: { state: 'waiting' } },
          signal,
        }),
      ),
    refetchInterval: 60_000,
  });
  const resend = useAction(
    (p: Parcel) =>
      ok(api.POST('/api/parcels/{orderId}/resend-code', { params: { path: { orderId: p.orderId } } })),
    {
      invalidate: [pickupKeys.parcels(pointId)],
      onSuccess: (r) =>
        void message.success(t('desks.pickup.resent', { phone: r.sentTo, left: r.resendsLeft })),
    },
  );
  const age = (iso: string) => {
    const a = ageOf(iso);
    return t(`desks.pickup.${a.unit}`, { count: a.count });
  };
  return (
    <Card
      title={<h2 style={{ margin: 0, fontSize: 18 }}>{t('desks.pickup.waiting')}</h2>}
      extra={
        <Button onClick={() => void parcels.refetch()} loading={parcels.isFetching}>
          {t('desks.pickup.refresh')}
        </Button>
      }
    >
      <ProblemAlert
        problem={resend.problem ?? (parcels.error ? asProblem(parcels.error) : null)}
        onClose={resend.reset}
      />
      <div data-testid="waiting-parcels">
        <Table<Parcel>
          rowKey="id"
          size="small"
          loading={parcels.isPending}
          dataSource={parcels.data ?? []}
          pagination={false}
          locale={{ emptyText: t('desks.pickup.noneWaiting') }}
          columns={[
            {
              title: t('desks.pickup.order'),
              dataIndex: 'orderNumber',
              render: (n: string) => <strong>{n}</strong>,
            },
            { title: t('desks.pickup.phone'), dataIndex: 'maskedPhone' },
            {
              title: t('desks.pickup.where'),
              render: (_, p) =>
                p.compartment ? (
                  `${p.lockerCode} · ${p.compartment.label}`
                ) : (
                  <Tag>{t('desks.pickup.shelf')}</Tag>
                ),
            },
            { title: t('desks.pickup.age'), dataIndex: 'depositedAt', render: (at: string) => age(at) },
            {
              title: t('desks.pickup.collect'),
              dataIndex: 'collectCents',
              align: 'right',
              render: (c: number) =>
                c ? <strong style={{ color: '#a8071a' }}>{formatCents(c)}</strong> : '—',
            },
            {
              title: t('desks.pickup.expires'),
              dataIndex: 'expiresAt',
              render: (at: string) => formatTime(at),
            },
            {
              title: t('common.actions'),
              key: 'actions',
              render: (_, p) => (
                <Space>
                  <Button size="small" type="primary" onClick={() => onHandOut(p)}>
                    {t('desks.pickup.handOutThis')}
                  </Button>
                  <Popconfirm
                    title={t('desks.pickup.resendConfirm', { phone: p.maskedPhone })}
                    okText={t('desks.pickup.resend')}
                    cancelText={t('common.cancel')}
                    onConfirm={() => resend.runAsync(p).catch(() => undefined)}
                  >
                    <Button size="small" disabled={p.codeResendsLeft === 0}>
                      {t('desks.pickup.resend')}
                    </Button>
                  </Popconfirm>
                </Space>
              ),
            },
          ]}
        />
      </div>
    </Card>
  );
}
