import { useEffect, useRef, useState } from 'react';
import { Button, Dialog, DotLoading, Toast } from 'antd-mobile';
import { useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link, useLocation, useNavigate, useParams } from 'react-router-dom';
import { api, ok } from '../../api/client';
import { useAction } from '../../api/useAction';
import { formatCents } from '../../lib/money';
import { formatTime } from '../../lib/time';
import { isLive, keys, useOrder, useOrderEvents, usePickupPoints, type Order, type OrderEvent } from '../api';
import { OrderTickets } from '../components/OrderTickets';
import { PayPanel } from '../components/PayPanel';
import { ReturnPanel } from '../components/ReturnPanel';
import { ProblemLine } from '../components/ProblemLine';
import { SignInForm } from '../components/SignInForm';
import { useBuyAgain } from '../components/useBuyAgain';
import { syncPayment, usePayments, type PaymentMethodName } from '../payments';
import { useCustomer } from '../store';

/** Statuses from which the customer may still cancel (the API refuses once it is on its way). */
const CANCELLABLE = ['pending_payment', 'confirmed', 'assigned'];

function useNow(everyMs: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(id);
  }, [everyMs]);
  return now;
}

/** "12:05" (minutes:seconds) or "1:02:05" left until `due`. */
export function timeLeft(dueIso: string, now: number): string | null {
  const ms = new Date(dueIso).getTime() - now;
  if (!(ms > 0)) return null;
  const s = Math.floor(ms / 1000);
  const hh = Math.floor(s / 3600);
  const mm = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return hh ? `${hh}:${String(mm).padStart(2, '0')}:${ss}` : `${mm}:${ss}`;
}

export function StatusTag({ status }: { status: string }) {
  const { t } = useTranslation();
  return (
    <span className={`shop-status ${status}`} data-testid="order-status" data-status={status}>
      {t(`order.statuses.${status}`, { defaultValue: status })}
    </span>
  );
}

function PaymentDeadline({ order }: { order: Order }) {
  const { t } = useTranslation();
  const now = useNow(1000);
  if (order.status !== 'pending_payment' || !order.paymentDueAt) return null;
  const left = timeLeft(order.paymentDueAt, now);
  return (
    <p className="shop-notice" role="timer" data-testid="payment-deadline">
      {left ? t('shop.order.payBy', { left }) : t('shop.order.payExpired')}
    </p>
  );
}

function Timeline({ events }: { events: OrderEvent[] }) {
  const { t } = useTranslation();
  const shown = events.filter((e) => e.toStatus || e.type === 'placed');
  return (
    <ol className="shop-timeline" data-testid="timeline">
      {shown.map((e) => (
        <li key={e.id}>
          <div>
            {t(`shop.order.events.${e.type}`, { defaultValue: t('shop.order.events.other') })}
            {e.toStatus && ` · ${t(`order.statuses.${e.toStatus}`, { defaultValue: e.toStatus })}`}
          </div>
          <div className="shop-muted">{formatTime(e.at)}</div>
        </li>
      ))}
    </ol>
  );
}

/** One of the customer's orders: number, live status, payment deadline, timeline, cancel, buy again. */
export function OrderPage() {
  const customer = useCustomer();
  if (!customer) return <SignInForm />;
  return <OrderDetail />;
}

function OrderDetail() {
  const { t } = useTranslation();
  const { id = '' } = useParams();
  const navigate = useNavigate();
  const { state, search } = useLocation() as {
    state: { placed?: boolean; pay?: PaymentMethodName | null } | null;
    search: string;
  };
  const queryClient = useQueryClient();
  const order = useOrder(id, true);
  const o = order.data;
  const payments = usePayments(id, o?.status, Boolean(o));
  const refunds = payments.data?.refunds ?? [];
  // Back from Alipay: the API asks Alipay about the order's open attempts at once (a paid one
  // confirms the order), so the status shown is never "unpaid" for money that was paid.
  const fromAlipay = new URLSearchParams(search).get('from') === 'alipay';
  const sync = useAction(() => syncPayment(id), {
    onSettled: () => {
      void queryClient.invalidateQueries({ queryKey: keys.order(id) });
      navigate(`/shop/orders/${id}`, { replace: true });
    },
  });
  // Straight after checkout with Alipay the cashier opens once; the history entry forgets it, so
  // coming back to this page (browser back from the cashier) does not open it again.
  const [autoPay] = useState(() => state?.pay ?? null);
  useEffect(() => {
    if (state?.pay) navigate(`/shop/orders/${id}`, { replace: true, state: { placed: true } });
  }, [state, id, navigate]);
  const synced = useRef(false);
  useEffect(() => {
    if (fromAlipay && !synced.current) {
      synced.current = true;
      sync.run();
    }
  }, [fromAlipay, sync]);
  const events = useOrderEvents(id, o?.status, Boolean(o));
  const points = usePickupPoints(o?.fulfillment.pickupPointId ? o.campusId : undefined);
  const point = points.data?.items.find((p) => p.id === o?.fulfillment.pickupPointId);
  const buyAgain = useBuyAgain();
  const cancel = useAction(
    () =>
      ok(
        api.POST('/api/orders/{id}/cancel', {
          params: { path: { id } },
          body: { reason: t('shop.order.cancelReason') },
        }),
      ),
    {
      onSuccess: (updated) => {
        queryClient.setQueryData(keys.order(id), updated);
        void queryClient.invalidateQueries({ queryKey: keys.myOrders });
        Toast.show({ content: t('shop.order.cancelled') });
      },
    },
  );

  return (
    <>
      <section className="shop-section" aria-labelledby="order-title">
        <Link to="/shop/orders" className="shop-muted">
          ← {t('shop.order.back')}
        </Link>
        <h2 id="order-title">{state?.placed ? t('shop.order.placed') : t('shop.order.number')}</h2>
        {order.isPending && <DotLoading />}
        <ProblemLine error={order.error} />
        {o && (
          <>
            {state?.placed && <div className="shop-muted">{t('shop.order.number')}</div>}
            <div className="shop-order-number" data-testid="order-number">
              {o.number}
            </div>
            <p>
              <StatusTag status={o.status} />{' '}
              {isLive(o.status) && (
                <span className="shop-muted" aria-live="polite">
                  {t('shop.order.live')}
                </span>
              )}
            </p>
            {sync.busy && (
              <p className="shop-notice" role="status">
                {t('shop.order.checkingPayment')}
              </p>
            )}
            <ProblemLine error={sync.problem} />
            <PaymentDeadline order={o} />
            {o.status === 'pending_payment' && o.paymentMethod === 'online' && !sync.busy && (
              <PayPanel order={o} autoStart={autoPay} />
            )}
            <p className="shop-muted">{t('shop.order.placedAt', { at: formatTime(o.createdAt) })}</p>
          </>
        )}
      </section>
      {o && (
        <>
          <section className="shop-section" aria-labelledby="items-title">
            <h2 id="items-title">{t('shop.order.items')}</h2>
            <ul className="shop-orders" style={{ margin: 0 }}>
              {o.lines.map((l) => (
                <li key={l.sku} className="shop-line" style={{ padding: '6px 0' }}>
                  <span className="shop-line-name">
                    {l.name} × {l.quantity}
                    {l.returnedQuantity > 0 && (
                      <span className="shop-muted" data-testid="line-returned">
                        {' · '}
                        {t('returns.returned', { count: l.returnedQuantity })}
                      </span>
                    )}
                  </span>
                  {/* The list amount: the order's discount is its own line below, then the total. */}
                  <span>{formatCents(l.quantity * l.listPriceCents)}</span>
                </li>
              ))}
            </ul>
            {o.discountCents > 0 && (
              <div className="shop-line" data-testid="order-discount">
                <span className="shop-line-name">
                  {t('shop.promotions.discount')}
                  {o.couponCode ? ` · ${t('shop.promotions.coupon', { code: o.couponCode })}` : ''}
                </span>
                <span>−{formatCents(o.discountCents)}</span>
              </div>
            )}
            <div className="shop-total">
              <span>{t('shop.order.total')}</span>
              <strong className="shop-price">{formatCents(o.totalCents)}</strong>
            </div>
            <p className="shop-muted">
              {t('shop.order.fulfilment')}:{' '}
              {o.fulfillment.type === 'delivery'
                ? `${t('shop.checkout.delivery')} · ${o.fulfillment.address ?? ''}`
                : `${t(o.fulfillment.type === 'locker' ? 'shop.checkout.locker' : 'shop.checkout.counter')}${
                    point ? ` · ${point.name}` : ''
                  }`}
              <br />
              {t('shop.order.payment')}:{' '}
              {o.paymentMethod === 'online' ? t('shop.order.online') : t('shop.order.cod')}
            </p>
            <div className="shop-actions">
              <Button
                color="primary"
                fill="outline"
                loading={buyAgain.busy}
                onClick={() => buyAgain.run(o.lines)}
              >
                {t('shop.order.buyAgain')}
              </Button>
              {CANCELLABLE.includes(o.status) && (
                <Button
                  color="danger"
                  fill="outline"
                  loading={cancel.busy}
                  onClick={async () => {
                    const yes = await Dialog.confirm({
                      content: t('shop.order.cancelConfirm', { number: o.number }),
                      confirmText: t('shop.order.cancel'),
                      cancelText: t('shop.order.keep'),
                    });
                    if (yes) cancel.run();
                  }}
                >
                  {t('shop.order.cancel')}
                </Button>
              )}
            </div>
            <ProblemLine error={cancel.problem ?? buyAgain.problem} />
          </section>
          <ReturnPanel order={o} />
          {refunds.length > 0 && (
            <section className="shop-section" aria-labelledby="refunds-title" data-testid="refunds">
              <h2 id="refunds-title">{t('shop.order.refunds')}</h2>
              <ul className="shop-orders" style={{ margin: 0 }}>
                {refunds.map((r) => (
                  <li key={r.id} className="shop-line" style={{ padding: '6px 0' }}>
                    <span className="shop-line-name">
                      {t(`shop.order.refund.${r.status}`, { defaultValue: r.status })}
                      <span className="shop-muted"> · {formatTime(r.createdAt)}</span>
                    </span>
                    <span>{formatCents(r.amountCents)}</span>
                  </li>
                ))}
              </ul>
            </section>
          )}
          <section className="shop-section" aria-labelledby="timeline-title">
            <h2 id="timeline-title">{t('shop.order.timeline')}</h2>
            {events.data && <Timeline events={events.data} />}
            <ProblemLine error={events.error} />
          </section>
          <OrderTickets orderId={o.id} />
        </>
      )}
      {!o && order.isError && (
        <section className="shop-section">
          <Button onClick={() => navigate('/shop/orders')}>{t('shop.order.back')}</Button>
        </section>
      )}
    </>
  );
}
