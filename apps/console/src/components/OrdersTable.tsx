import { useState } from 'react';
import { Button, Form, Input, Modal, Table } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { api, ok, type Order } from '../api/client';
import { formatCents } from '../lib/money';
import { formatTime } from '../lib/time';
import { OrderStatusTag } from './format';
import { ProblemAlert } from './ProblemAlert';
import { useAction } from '../api/useAction';

const CANCELLABLE = new Set(['pending_payment', 'confirmed', 'assigned']);

/** The first columns of every order list: number, status, total. */
export function orderColumns(t: TFunction): ColumnsType<Order> {
  return [
    { title: t('order.number'), dataIndex: 'number', render: (n: string) => <strong>{n}</strong> },
    { title: t('order.status'), dataIndex: 'status', render: (s: string) => <OrderStatusTag status={s} /> },
    {
      title: t('order.total'),
      dataIndex: 'totalCents',
      align: 'right',
      render: (c: number) => formatCents(c),
    },
  ];
}

/**
 * Orders with their number, status, total and time; cancel with a reason where that is allowed;
 * `onOpen` adds a "details" button per row.
 */
export function OrdersTable({
  orders,
  loading,
  onChanged,
  canCancel,
  onOpen,
}: {
  orders: Order[];
  loading?: boolean;
  onChanged?: (order: Order) => void;
  canCancel?: boolean;
  onOpen?: (order: Order) => void;
}) {
  const { t } = useTranslation();
  const [cancelling, setCancelling] = useState<Order | null>(null);
  const [form] = Form.useForm<{ reason: string }>();
  const cancel = useAction(
    ({ id, reason }: { id: string; reason: string }) =>
      ok(api.POST('/api/orders/{id}/cancel', { params: { path: { id } }, body: { reason } })),
    {
      form,
      invalidate: [['orders'], ['order']],
      onSuccess: (order) => {
        setCancelling(null);
        onChanged?.(order);
      },
    },
  );
  return (
    <>
      <Table<Order>
        rowKey="id"
        size="small"
        loading={loading}
        dataSource={orders}
        pagination={false}
        columns={[
          ...orderColumns(t),
          {
            title: t('order.lines'),
            dataIndex: 'lines',
            render: (lines: Order['lines']) => lines.map((l) => `${l.name} ×${l.quantity}`).join(', '),
          },
          { title: t('order.createdAt'), dataIndex: 'createdAt', render: (at: string) => formatTime(at) },
          ...(onOpen
            ? [
                {
                  title: t('desks.callCentre.details'),
                  key: 'open',
                  render: (_: unknown, o: Order) => (
                    <Button
                      size="small"
                      onClick={() => onOpen(o)}
                      aria-label={`${t('desks.callCentre.details')} ${o.number}`}
                    >
                      {t('desks.callCentre.details')}
                    </Button>
                  ),
                },
              ]
            : []),
          ...(canCancel
            ? [
                {
                  title: t('common.actions'),
                  key: 'actions',
                  render: (_: unknown, o: Order) =>
                    CANCELLABLE.has(o.status) ? (
                      <Button
                        size="small"
                        danger
                        onClick={() => {
                          cancel.reset();
                          form.resetFields();
                          setCancelling(o);
                        }}
                      >
                        {t('order.cancel')}
                      </Button>
                    ) : null,
                },
              ]
            : []),
        ]}
      />
      <Modal
        open={cancelling !== null}
        title={`${t('order.cancel')} ${cancelling?.number ?? ''}`}
        okText={t('order.cancel')}
        okButtonProps={{ danger: true, loading: cancel.busy, htmlType: 'submit' }}
        cancelText={t('common.cancel')}
        onOk={() => form.submit()}
        onCancel={() => setCancelling(null)}
        destroyOnClose
      >
        <ProblemAlert problem={cancel.problem} />
        <Form
          form={form}
          layout="vertical"
          onFinish={({ reason }) => {
            if (cancelling) cancel.run({ id: cancelling.id, reason });
          }}
        >
          <Form.Item
            name="reason"
            label={t('order.cancelReason')}
            rules={[{ required: true, message: t('validation.required') }]}
          >
            <Input.TextArea autoFocus rows={3} />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}
