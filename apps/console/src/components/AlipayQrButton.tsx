import { useState } from 'react';
import { Button, Popup, Space } from 'antd-mobile';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { QRCodeSVG } from 'qrcode.react';
import { useTranslation } from 'react-i18next';
import { api, ok, type Order, type Schemas } from '../api/client';
import { formatCents } from '../lib/money';
import { useAction } from '../api/useAction';
import { formatTime } from '../lib/time';

type Attempt = Schemas['CreatedAttemptResponse'];

/** Whether an order can be paid by an Alipay QR at the door: unpaid cash on delivery, out for delivery. */
export function canShowAlipayQr(order: Order): boolean {
  return (
    order.paymentMethod === 'cod' &&
    order.status === 'out_for_delivery' &&
    order.fulfillment.type === 'delivery' &&
    !order.paidAt &&
    order.codCollectedCents == null
  );
}

/**
 * The agent at the door of an unpaid COD order: "Alipay QR" asks the API for a QR code (Alipay's
 * precreate) and shows it full width for the customer to scan; the popup watches the order's payments
 * (and can ask Alipay at once) and says so when it is paid, so the agent delivers without cash. If
 * Alipay cannot be reached the agent is told to collect cash. Self-contained: drop it into a card.
 */
export function AlipayQrButton({ order, onPaid }: { order: Order; onPaid?: () => void }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);

  const create = useAction(() =>
    ok(
      api.POST('/api/orders/{id}/payments', {
        params: { path: { id: order.id } },
        body: { method: 'alipay_qr' },
      }),
    ),
  );
  const attempt: Attempt | undefined = create.data;

  // While the code is shown, the notice usually arrives within seconds: look every 3 s.
  const payments = useQuery({
    queryKey: ['order-payments', order.id],
    queryFn: ({ signal }) =>
      ok(api.GET('/api/orders/{id}/payments', { params: { path: { id: order.id } }, signal })),
    enabled: open && Boolean(attempt),
    refetchInterval: (q) =>
      q.state.data?.attempts.some((a) => a.id === attempt?.id && a.status === 'paid') ? false : 3000,
  });
  const sync = useAction(
    () => ok(api.POST('/api/orders/{id}/payments/sync', { params: { path: { id: order.id } } })),
    { onSuccess: (data) => queryClient.setQueryData(['order-payments', order.id], data) },
  );
  const problem = create.problem ?? sync.problem;
  const paid = Boolean(payments.data?.attempts.some((a) => a.id === attempt?.id && a.status === 'paid'));

  const show = () => {
    setOpen(true);
    if (!attempt) create.run();
  };
  const close = () => {
    setOpen(false);
    if (paid) onPaid?.();
  };

  if (!canShowAlipayQr(order)) return null;
  const unavailable = problem?.status === 502 || problem?.body.code === 'payment_method_unavailable';
  return (
    <>
      <Button color="primary" fill="outline" onClick={show} data-testid={`alipay-qr-${order.number}`}>
        {t('payments.qr.show')}
      </Button>
      <Popup visible={open} onMaskClick={close} bodyStyle={{ padding: 16, boxSizing: 'border-box' }}>
        <h2 style={{ fontSize: 18, textAlign: 'center' }}>
          {t('payments.qr.title', { amount: formatCents(order.totalCents) })}
        </h2>
        {problem && (
          <div
            role="alert"
            data-testid="problem"
            style={{ background: '#fff1f0', color: '#a8071a', padding: 12, borderRadius: 8 }}
          >
            <strong>{unavailable ? t('payments.qr.unavailable') : problem.title}</strong>
            {problem.detail && <div>{problem.detail}</div>}
          </div>
        )}
        {attempt?.qrCode && !paid && (
          <div style={{ display: 'flex', flexDirection: 'column', alignItems: 'center', gap: 8 }}>
            <QRCodeSVG
              value={attempt.qrCode}
              size={240}
              level="M"
              role="img"
              aria-label={t('payments.qr.show')}
            />
            <div>{t('payments.qr.hint')}</div>
            <div>{t('payments.qr.expires', { time: formatTime(attempt.expiresAt) })}</div>
            <div role="status">{t('payments.qr.waiting')}</div>
          </div>
        )}
        {paid && (
          <div
            role="status"
            data-testid="qr-paid"
            style={{ fontSize: 18, fontWeight: 700, color: '#389e0d', textAlign: 'center' }}
          >
            {t('payments.qr.paid')}
          </div>
        )}
        <Space block direction="vertical" style={{ marginTop: 12 }}>
          {attempt && !paid && (
            <Button block onClick={() => sync.run()} loading={sync.busy}>
              {t('payments.qr.check')}
            </Button>
          )}
          {!attempt && problem && !unavailable && (
            <Button block onClick={() => create.run()} loading={create.busy}>
              {t('common.refresh')}
            </Button>
          )}
          <Button block color={paid ? 'success' : 'default'} onClick={close}>
            {t('payments.qr.close')}
          </Button>
        </Space>
      </Popup>
    </>
  );
}
