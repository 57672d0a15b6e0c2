import { useState } from 'react';
import {
  Button,
  Descriptions,
  Drawer,
  Form,
  Input,
  message,
  Modal,
  Popconfirm,
  Space,
  Table,
  Typography,
} from 'antd';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, ok, type Order } from '../../api/client';
import { asProblem } from '../../api/problem';
import { OrderStatusTag } from '../../components/format';
import { ProblemAlert } from '../../components/ProblemAlert';
import { useAction } from '../../api/useAction';
import { formatCents } from '../../lib/money';
import { formatTime } from '../../lib/time';
import { callKeys } from './keys';
import { OpenTicket, TicketsPanel } from '../../components/TicketsPanel';
import { OrderTimeline } from './OrderTimeline';

const CANCELLABLE = new Set(['pending_payment', 'confirmed', 'assigned']);

/** Cancel with a reason (the call centre may, until the order is out for delivery). */
function CancelOrder({ order }: { order: Order }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const [form] = Form.useForm<{ reason: string }>();
  const cancel = useAction(
    (reason: string) =>
      ok(api.POST('/api/orders/{id}/cancel', { params: { path: { id: order.id } }, body: { reason } })),
    {
      invalidate: [['orders'], callKeys.order(order.id)],
      onSuccess: (o) => {
        setOpen(false);
        void message.success(t('order.cancelled', { number: o.number }));
      },
    },
  );
  return (
    <>
      <Button danger onClick={() => setOpen(true)}>
        {t('order.cancel')}
      </Button>
      <Modal
        open={open}
        title={`${t('order.cancel')} ${order.number}`}
        okText={t('order.cancel')}
        okButtonProps={{ danger: true, loading: cancel.busy }}
        cancelText={t('common.cancel')}
        onOk={() => form.submit()}
        onCancel={() => setOpen(false)}
        destroyOnClose
      >
        <ProblemAlert problem={cancel.problem} />
        <Form form={form} layout="vertical" onFinish={({ reason }) => cancel.run(reason.trim())}>
          <Form.Item
            name="reason"
            label={t('order.cancelReason')}
            rules={[{ required: true, whitespace: true, message: t('validation.required') }]}
            {...(cancel.fieldError('reason')
              ? { help: cancel.fieldError('reason'), validateStatus: 'error' as const }
              : {})}
          >
            <Input.TextArea autoFocus rows={3} maxLength={500} />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}

/** A repair pickup for this customer on this order's campus (a task a manager then gives to an agent). */
function OpenRepair({ order }: { order: Order }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const [form] = Form.useForm<{ description: string; address?: string }>();
  const repair = useAction(
    (body: { description: string; address?: string }) =>
      ok(
        api.POST('/api/tasks', {
          body: { customerPhone: order.customer.phone, campusId: order.campusId, ...body },
        }),
      ),
    {
      invalidate: [['tasks']],
      onSuccess: () => {
        setOpen(false);
        form.resetFields();
        void message.success(t('desks.callCentre.repairOpened', { phone: order.customer.phone }));
      },
    },
  );
  const help = (field: string) =>
    repair.fieldError(field) ? { help: repair.fieldError(field), validateStatus: 'error' as const } : {};
  return (
    <>
      <Button onClick={() => setOpen(true)}>{t('desks.callCentre.repair')}</Button>
      <Modal
        open={open}
        title={t('desks.callCentre.repair')}
        okText={t('desks.callCentre.repair')}
        okButtonProps={{ loading: repair.busy }}
        cancelText={t('common.cancel')}
        onOk={() => form.submit()}
        onCancel={() => setOpen(false)}
        destroyOnClose
      >
        <ProblemAlert problem={repair.problem} />
        <Form
          form={form}
          layout="vertical"
          onFinish={({ description, address }) =>
            repair.run({
              description: description.trim(),
              ...(address?.trim() ? { address: address.trim() } : {}),
            })
          }
        >
          <Form.Item
            name="description"
            label={t('desks.callCentre.repairDescription')}
            rules={[{ required: true, whitespace: true, message: t('validation.required') }]}
            {...help('description')}
          >
            <Input.TextArea autoFocus rows={2} maxLength={500} />
          </Form.Item>
          <Form.Item name="address" label={t('desks.callCentre.repairAddress')} {...help('address')}>
            <Input maxLength={200} />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}

/**
 * One order for the call centre: lines, payment, fulfilment, the timeline with the texts sent
 * about it, and what the operator may do (cancel with a reason, re-send the pickup code, open a
 * repair pickup). Esc closes it.
 */
export function OrderDrawer({ orderId, onClose }: { orderId: string | null; onClose: () => void }) {
  const { t } = useTranslation();
  const order = useQuery({
    queryKey: callKeys.order(orderId ?? ''),
    queryFn: ({ signal }) => ok(api.GET('/api/orders/{id}', { params: { path: { id: orderId! } }, signal })),
    enabled: Boolean(orderId),
  });
  const timeline = useQuery({
    queryKey: callKeys.timeline(orderId ?? ''),
    queryFn: ({ signal }) =>
      ok(
        api.GET('/api/orders/{id}/events', {
          params: { path: { id: orderId! }, query: { texts: true } },
          signal,
        }),
      ),
    enabled: Boolean(orderId),
  });
  const o = order.data;
  const agent = useQuery({
    queryKey: callKeys.agent(o?.assignedAgentId ?? ''),
    queryFn: ({ signal }) =>
      ok(api.GET('/api/agents/{id}', { params: { path: { id: o!.assignedAgentId! } }, signal })),
    enabled: Boolean(o?.assignedAgentId),
    staleTime: 5 * 60_000,
  });
  const points = useQuery({
    queryKey: callKeys.points,
    queryFn: ({ signal }) => ok(api.GET('/api/pickup-points', { signal })),
    staleTime: 5 * 60_000,
  });
  const resend = useAction(
    (id: string) => ok(api.POST('/api/parcels/{orderId}/resend-code', { params: { path: { orderId: id } } })),
    {
      invalidate: [callKeys.order(orderId ?? '')],
      onSuccess: (r) =>
        void message.success(t('desks.pickup.resent', { phone: r.sentTo, left: r.resendsLeft })),
    },
  );
  const point = points.data?.find((p) => p.id === o?.fulfillment.pickupPointId);
  const error = order.error ?? timeline.error;
  return (
    <Drawer
      open={Boolean(orderId)}
      onClose={onClose}
      width={680}
      title={o ? t('desks.callCentre.drawerTitle', { number: o.number }) : t('common.loading')}
      extra={o && <OrderStatusTag status={o.status} />}
      destroyOnClose
    >
      <ProblemAlert problem={resend.problem ?? (error ? asProblem(error) : null)} onClose={resend.reset} />
      {o && (
        <>
          <Space wrap style={{ marginBottom: 16 }} aria-label={t('desks.callCentre.actions')}>
            {CANCELLABLE.has(o.status) && <CancelOrder order={o} />}
            {o.status === 'awaiting_pickup' && (
              <Popconfirm
                title={t('desks.pickup.resendConfirm', { phone: o.customer.phone })}
                okText={t('desks.callCentre.resendCode')}
                cancelText={t('common.cancel')}
                onConfirm={() => resend.runAsync(o.id).catch(() => undefined)}
              >
                <Button loading={resend.busy}>{t('desks.callCentre.resendCode')}</Button>
              </Popconfirm>
            )}
            <OpenRepair order={o} />
            <OpenTicket orderId={o.id} />
          </Space>
          <Descriptions bordered size="small" column={1} style={{ marginBottom: 16 }}>
            <Descriptions.Item label={t('desks.callCentre.customer')}>{o.customer.phone}</Descriptions.Item>
            <Descriptions.Item label={t('order.channel')}>
              {t(`reports.channels.${o.channel}`)}
            </Descriptions.Item>
            <Descriptions.Item label={t('desks.callCentre.payment')}>
              {t(o.paymentMethod === 'counter' ? 'form.counterPay' : `form.${o.paymentMethod}`)} ·{' '}
              <strong>{formatCents(o.totalCents)}</strong> ·{' '}
              {o.paidAt
                ? t('desks.callCentre.paid', { at: formatTime(o.paidAt) })
                : t('desks.callCentre.unpaid')}
              {o.codCollectedCents !== null &&
                ` · ${t('desks.callCentre.codCollected', { amount: formatCents(o.codCollectedCents) })}`}
            </Descriptions.Item>
            <Descriptions.Item label={t('desks.callCentre.fulfilment')}>
              {t(`form.${o.fulfillment.type}`)} · {o.fulfillment.address ?? point?.name ?? ''}
            </Descriptions.Item>
            <Descriptions.Item label={t('desks.callCentre.assignedAgent')}>
              {agent.data
                ? `${agent.data.displayName} (${agent.data.referralCode})`
                : t('desks.callCentre.none')}
            </Descriptions.Item>
            <Descriptions.Item label={t('order.createdAt')}>{formatTime(o.createdAt)}</Descriptions.Item>
            {o.note && <Descriptions.Item label={t('form.note')}>{o.note}</Descriptions.Item>}
          </Descriptions>
          <Table
            rowKey="sku"
            size="small"
            pagination={false}
            dataSource={o.lines}
            style={{ marginBottom: 24 }}
            columns={[
              { title: t('form.product'), render: (_, l) => `${l.sku} · ${l.name}` },
              { title: t('form.quantity'), dataIndex: 'quantity', align: 'right' },
              {
                title: t('order.total'),
                dataIndex: 'lineTotalCents',
                align: 'right',
                render: (c: number) => formatCents(c),
              },
            ]}
          />
          <Typography.Title level={3} style={{ fontSize: 16 }}>
            {t('desks.callCentre.timeline')}
          </Typography.Title>
          <OrderTimeline entries={timeline.data ?? []} />
          <Typography.Title level={3} style={{ fontSize: 16, marginTop: 24 }}>
            {t('deskTickets.title')}
          </Typography.Title>
          <TicketsPanel orderId={o.id} canCompensate={false} />
        </>
      )}
    </Drawer>
  );
}
