import { useRef, useState } from 'react';
import { Button, Input, TextArea } from 'antd-mobile';
import { useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router-dom';
import { api, ok, type Order, type PlaceOrderBody } from '../../api/client';
import { useAction } from '../../api/useAction';
import { asProblem } from '../../api/problem';
import { FormSubmission } from '../../lib/idempotency';
import { formatCents } from '../../lib/money';
import { keys, useAddresses, usePickupPoints } from '../api';
import { cartTotalCents, EMPTY_CART, orderLines, reconcile } from '../cart';
import { channelFor } from '../channel';
import { AddressBook } from '../components/AddressBook';
import { AgentNotice } from '../components/AgentNotice';
import { ChangedNotice } from '../components/ChangedNotice';
import { ProblemLine } from '../components/ProblemLine';
import { SignedInAs, SignInForm } from '../components/SignInForm';
import { useCheckedCart } from '../components/useCheckedCart';
import { alipayMethodFor, usePaymentMethods } from '../payments';
import { fieldProblems, problemCode } from '../problems';
import { useAgentCode, useCampus, useCustomer } from '../store';
import { CampusPicker } from './CampusPage';

type Fulfilment = 'delivery' | 'locker' | 'counter';
type Payment = 'cod' | 'alipay';

function Choice({
  checked,
  onClick,
  title,
  hint,
  testId,
}: {
  checked: boolean;
  onClick: () => void;
  title: string;
  hint?: string;
  testId?: string;
}) {
  return (
    <button
      type="button"
      role="radio"
      aria-checked={checked}
      className="shop-choice"
      onClick={onClick}
      data-testid={testId}
    >
      {title}
      {hint && <small>{hint}</small>}
    </button>
  );
}

/**
 * Checkout: sign in with a texted code (only now), choose door delivery to a saved address or a
 * locker / counter at a pickup point of the campus, cash on delivery or Alipay, and place the order
 * once (one Idempotency-Key per attempt, so a double tap or a lost answer never makes two orders).
 */
export function CheckoutPage() {
  const { t } = useTranslation();
  const [campus] = useCampus();
  const customer = useCustomer();
  const { cart, available, changed } = useCheckedCart();
  if (!campus) return <CampusPicker />;
  if (cart.lines.length === 0) {
    return (
      <section className="shop-section">
        <h2>{t('shop.checkout.title')}</h2>
        <p className="shop-muted">{t('shop.cart.empty')}</p>
      </section>
    );
  }
  return (
    <>
      <section className="shop-section" aria-labelledby="summary-title">
        <h2 id="summary-title">{t('shop.checkout.summary')}</h2>
        <ChangedNotice capped={changed.capped} removed={changed.removed} />
        <ul className="shop-orders" style={{ margin: 0 }}>
          {cart.lines.map((l) => (
            <li key={l.sku} className="shop-line" style={{ padding: '6px 0' }}>
              <span className="shop-line-name">
                {l.name} × {l.quantity}
              </span>
              <span>{formatCents(l.priceCents * l.quantity)}</span>
            </li>
          ))}
        </ul>
        <div className="shop-total">
          <span>{t('shop.cart.total')}</span>
          <strong className="shop-price">{formatCents(cartTotalCents(cart))}</strong>
        </div>
        <AgentNotice />
      </section>
      {customer ? (
        <CheckoutForm campusId={campus.id} stockKnown={available.size === cart.lines.length} />
      ) : (
        <SignInForm />
      )}
    </>
  );
}

function CheckoutForm({ campusId, stockKnown }: { campusId: string; stockKnown: boolean }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const { cart, setCart } = useCheckedCart();
  const [agentCode] = useAgentCode();
  const points = usePickupPoints(campusId);
  const addresses = useAddresses(true);
  const methods = usePaymentMethods();
  const [fulfilment, setFulfilment] = useState<Fulfilment>('locker');
  const [pointId, setPointId] = useState<string | null>(null);
  const [addressId, setAddressId] = useState<string | null>(null);
  const [payment, setPayment] = useState<Payment>('cod');
  const [note, setNote] = useState('');
  const [coupon, setCoupon] = useState('');
  const [missing, setMissing] = useState<string | null>(null);
  const [adjusted, setAdjusted] = useState<{ capped: string[]; removed: string[] }>({
    capped: [],
    removed: [],
  });
  const submission = useRef(new FormSubmission<Order>());

  const channel = channelFor(window.innerWidth);
  const alipay = alipayMethodFor(channel);
  const alipayOffered = (methods.data ?? []).includes(alipay);
  const offered = (points.data?.items ?? []).filter((p) =>
    fulfilment === 'locker' ? p.hasLocker : fulfilment === 'counter' ? p.hasCounter : false,
  );

  const place = useAction(
    async () => {
      const body: PlaceOrderBody = {
        // The layout on screen now decides: a phone-sized one is WAP, a desktop-sized one is web.
        channel: channelFor(window.innerWidth),
        lines: orderLines(cart),
        fulfillment:
          fulfilment === 'delivery'
            ? { type: 'delivery', addressId: addressId! }
            : { type: fulfilment, pickupPointId: pointId! },
        paymentMethod: payment === 'alipay' ? 'online' : 'cod',
        ...(agentCode ? { agentCode } : {}),
        ...(coupon.trim() ? { couponCode: coupon.trim().toUpperCase() } : {}),
        ...(note.trim() ? { note: note.trim() } : {}),
      };
      return submission.current.submit(body, (key) =>
        ok(api.POST('/api/orders', { params: { header: { 'Idempotency-Key': key } }, body })),
      );
    },
    {
      onSuccess: (order) => {
        submission.current.reset();
        setCart(EMPTY_CART);
        void queryClient.invalidateQueries({ queryKey: keys.myOrders });
        queryClient.setQueryData(keys.order(order.id), order);
        navigate(`/shop/orders/${order.id}`, {
          state: { placed: true, pay: payment === 'alipay' ? alipay : null },
        });
      },
      onError: (err) => {
        // Stock moved under the cart: the problem says what is left of which SKU; the cart follows at
        // once (and the catalogue is read again for the rest).
        const p = asProblem(err);
        if (
          problemCode(p) === 'out_of_stock' &&
          typeof p.body.sku === 'string' &&
          typeof p.body.available === 'number'
        ) {
          const line = cart.lines.find((l) => l.sku === p.body.sku);
          if (line) {
            const r = reconcile(cart, new Map([[line.sku, { ...line, available: p.body.available }]]));
            setAdjusted({ capped: r.capped, removed: r.removed });
            setCart(r.cart);
          }
          void queryClient.invalidateQueries({ queryKey: ['shop', 'product'] });
        }
      },
    },
  );

  const problems = place.problem ? fieldProblems(place.problem, t) : [];
  const errorAt = (...prefixes: string[]) =>
    problems
      .filter((p) => prefixes.includes(String(p.name[0])) || prefixes.includes(p.name.join('.')))
      .flatMap((p) => p.errors);
  const fieldError = (at: string[]) => {
    const errors = errorAt(...at);
    return errors.length ? (
      <p className="shop-error" role="alert">
        {errors.join('; ')}
      </p>
    ) : null;
  };

  const submit = () => {
    if (fulfilment === 'delivery' && !addressId) return setMissing(t('shop.checkout.chooseAddress'));
    if (fulfilment !== 'delivery' && !pointId) return setMissing(t('shop.checkout.choosePoint'));
    setMissing(null);
    place.run();
  };

  const choose = (f: Fulfilment) => {
    setFulfilment(f);
    setPointId(null);
    setMissing(null);
  };

  return (
    <>
      <section className="shop-section" aria-labelledby="fulfilment-title">
        <SignedInAs />
        <h2 id="fulfilment-title">{t('shop.checkout.fulfilment')}</h2>
        <div role="radiogroup" aria-labelledby="fulfilment-title">
          <Choice
            checked={fulfilment === 'delivery'}
            onClick={() => choose('delivery')}
            title={t('shop.checkout.delivery')}
            hint={t('shop.checkout.deliveryHint')}
          />
          <Choice
            checked={fulfilment === 'locker'}
            onClick={() => choose('locker')}
            title={t('shop.checkout.locker')}
            hint={t('shop.checkout.lockerHint')}
          />
          <Choice
            checked={fulfilment === 'counter'}
            onClick={() => choose('counter')}
            title={t('shop.checkout.counter')}
            hint={t('shop.checkout.counterHint')}
          />
        </div>
        {fulfilment === 'delivery' ? (
          <>
            <h3>{t('shop.checkout.address')}</h3>
            <ProblemLine error={addresses.error} />
            {addresses.data && (
              <AddressBook
                campusId={campusId}
                addresses={addresses.data.items}
                chosen={addressId}
                onChoose={(id) => {
                  setAddressId(id);
                  setMissing(null);
                }}
              />
            )}
            {fieldError(['fulfillment.addressId', 'fulfillment.campusId', 'fulfillment.address'])}
          </>
        ) : (
          <>
            <h3 id="point-title">{t('shop.checkout.pickupPoint')}</h3>
            <ProblemLine error={points.error} />
            <div role="radiogroup" aria-labelledby="point-title">
              {offered.map((p) => (
                <Choice
                  key={p.id}
                  checked={pointId === p.id}
                  onClick={() => {
                    setPointId(p.id);
                    setMissing(null);
                  }}
                  title={p.name}
                  hint={p.address ?? undefined}
                  testId={`point-${p.code}`}
                />
              ))}
            </div>
            {points.isSuccess && offered.length === 0 && (
              <p className="shop-muted">{t('shop.checkout.noPoints')}</p>
            )}
            {fieldError(['fulfillment.pickupPointId', 'fulfillment'])}
          </>
        )}
        {missing && (
          <p className="shop-error" role="alert">
            {missing}
          </p>
        )}
      </section>

      <section className="shop-section" aria-labelledby="payment-title">
        <h2 id="payment-title">{t('shop.checkout.payment')}</h2>
        <div role="radiogroup" aria-labelledby="payment-title">
          <Choice
            checked={payment === 'cod'}
            onClick={() => setPayment('cod')}
            title={t('shop.checkout.cod')}
            hint={t('shop.checkout.codHint')}
          />
          {alipayOffered && (
            <Choice
              checked={payment === 'alipay'}
              onClick={() => setPayment('alipay')}
              title={t('shop.checkout.alipay')}
              hint={t('shop.checkout.alipayHint')}
              testId="pay-alipay"
            />
          )}
        </div>
        {fieldError(['paymentMethod'])}
        <h3>
          <label htmlFor="checkout-coupon">{t('shop.promotions.couponCode')}</label>
        </h3>
        <Input
          id="checkout-coupon"
          className="shop-input"
          value={coupon}
          onChange={(v) => setCoupon(v.toUpperCase())}
          autoComplete="off"
          maxLength={32}
          data-testid="checkout-coupon"
        />
        <p className="shop-muted" style={{ margin: '4px 0 0' }}>
          {t('shop.promotions.couponHint')}
        </p>
        {fieldError(['couponCode'])}
        <h3>
          <label htmlFor="checkout-note">{t('shop.checkout.note')}</label>
        </h3>
        <TextArea id="checkout-note" value={note} onChange={setNote} maxLength={500} rows={2} />
        {fieldError(['note'])}
        {fieldError(['agentCode', 'lines', 'channel'])}
        <ProblemLine error={place.problem} />
        <ChangedNotice capped={adjusted.capped} removed={adjusted.removed} testId="checkout-adjusted" />
        <Button
          block
          color="primary"
          size="large"
          loading={place.busy}
          disabled={!stockKnown}
          onClick={submit}
          data-testid="place-order"
        >
          {place.busy
            ? t('shop.checkout.placing')
            : t('shop.checkout.place', { total: formatCents(cartTotalCents(cart)) })}
        </Button>
      </section>
    </>
  );
}
