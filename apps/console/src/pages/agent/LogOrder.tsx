import { useRef, useState } from 'react';
import { Button, Card, Form, Input, List, Result, Selector } from 'antd-mobile';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, ok, type Order, type PlaceOrderBody } from '../../api/client';
import type { Session } from '../../auth/session';
import { useAction } from '../../api/useAction';
import { useDebounced } from '../../components/useDebounced';
import { FormSubmission } from '../../lib/idempotency';
import { formatCents } from '../../lib/money';
import { normalizePhone } from '../../lib/phone';
import { MobileProblem } from './MobileProblem';
import { agentKeys } from './queries';

type Fulfilment = 'delivery' | 'locker' | 'counter';
type Payment = 'cod' | 'online';
interface Line {
  sku: string;
  name: string;
  priceCents: number;
  available: number;
  quantity: string;
}

/**
 * "Log an order" on the agent's phone: the customer's number, products found by SKU or name with
 * what is available, door / locker / counter on the agent's own campus, COD or online (the customer
 * is then texted a link to pay). The order is the agent's (channel `agent`, attributed to them).
 * One Idempotency-Key per order: a double tap or a retry after a lost answer places one order.
 */
export function LogOrder({ session }: { session: Session }) {
  const { t } = useTranslation();
  const [phone, setPhone] = useState('');
  const [name, setName] = useState('');
  const [search, setSearch] = useState('');
  const [lines, setLines] = useState<Line[]>([]);
  const [type, setType] = useState<Fulfilment>('delivery');
  const [address, setAddress] = useState('');
  const [pointId, setPointId] = useState<string | undefined>();
  const [payment, setPayment] = useState<Payment>('cod');
  const [coupon, setCoupon] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [placed, setPlaced] = useState<Order | null>(null);
  const submission = useRef(new FormSubmission<Order>());
  const campusId = session.campusId ?? '';

  const q = useDebounced(search.trim(), 250);
  const products = useQuery({
    queryKey: ['products', q],
    queryFn: ({ signal }) =>
      ok(api.GET('/api/products', { params: { query: { q: q || undefined, limit: 8 } }, signal })),
  });
  const points = useQuery({
    queryKey: ['pickup-points', campusId],
    queryFn: ({ signal }) => ok(api.GET('/api/pickup-points', { params: { query: { campusId } }, signal })),
    enabled: Boolean(campusId),
  });

  const place = useAction(
    (body: PlaceOrderBody) =>
      submission.current.submit(body, (key) =>
        ok(api.POST('/api/orders', { params: { header: { 'Idempotency-Key': key } }, body })),
      ),
    { invalidate: [agentKeys.all, ['products']], onSuccess: (o) => setPlaced(o) },
  );
  const fieldError = (field: string) => errors[field] ?? place.fieldError(field);

  const add = (p: { sku: string; name: string; priceCents: number; stock: { available: number } }) =>
    setLines((ls) =>
      ls.some((l) => l.sku === p.sku)
        ? ls.map((l) => (l.sku === p.sku ? { ...l, quantity: String(Number(l.quantity || 0) + 1) } : l))
        : [
            ...ls,
            {
              sku: p.sku,
              name: p.name,
              priceCents: p.priceCents,
              available: p.stock.available,
              quantity: '1',
            },
          ],
    );
  const total = lines.reduce((n, l) => n + l.priceCents * (Number(l.quantity) || 0), 0);

  const submit = () => {
    const found: Record<string, string> = {};
    const e164 = normalizePhone(phone);
    if (!phone.trim()) found['customer.phone'] = t('validation.required');
    else if (!e164) found['customer.phone'] = t('validation.phone');
    if (lines.length === 0) found.lines = t('validation.noLines');
    lines.forEach((l, i) => {
      const n = Number(l.quantity);
      if (!Number.isInteger(n) || n < 1 || n > 999) found[`lines[${i}].quantity`] = t('validation.quantity');
    });
    if (type === 'delivery' && !address.trim()) found['fulfillment.address'] = t('validation.required');
    if (type !== 'delivery' && !pointId) found['fulfillment.pickupPointId'] = t('validation.required');
    if (coupon.trim() && !/^[A-Z0-9][A-Z0-9_-]{2,31}$/i.test(coupon.trim()))
      found.couponCode = t('promotions.couponFormat');
    setErrors(found);
    if (Object.keys(found).length) return;
    place.run({
      customer: { phone: e164!, ...(name.trim() ? { name: name.trim() } : {}) },
      lines: lines.map((l) => ({ sku: l.sku, quantity: Number(l.quantity) })),
      fulfillment:
        type === 'delivery' ? { type, campusId, address: address.trim() } : { type, pickupPointId: pointId! },
      paymentMethod: payment,
      ...(coupon.trim() ? { couponCode: coupon.trim().toUpperCase() } : {}),
    });
  };

  const next = () => {
    submission.current.reset();
    place.reset();
    setPlaced(null);
    setPhone('');
    setName('');
    setLines([]);
    setAddress('');
    setCoupon('');
    setErrors({});
  };

  if (placed) {
    return (
      <Card style={{ margin: 12 }}>
        <Result
          status="success"
          title={t('desks.agent.placed')}
          description={placed.paymentMethod === 'online' ? t('desks.agent.payLinkSent') : undefined}
        />
        <div style={{ textAlign: 'center' }}>
          <div>{t('desks.agent.readOut')}</div>
          <div
            data-testid="agent-order-number"
            aria-live="polite"
            style={{ fontSize: 32, fontWeight: 700, letterSpacing: 2, fontFamily: 'monospace' }}
          >
            {placed.number}
          </div>
          <div>
            {t('order.total')}: <strong>{formatCents(placed.totalCents)}</strong>
          </div>
          {placed.discountCents > 0 ? (
            <div data-testid="agent-order-discount">
              {t('promotions.discountApplied', { amount: formatCents(placed.discountCents) })}
              {placed.couponCode ? ` · ${placed.couponCode}` : ''}
            </div>
          ) : null}
          <Button block color="primary" style={{ marginTop: 16 }} onClick={next}>
            {t('desks.agent.another')}
          </Button>
        </div>
      </Card>
    );
  }

  const pointOptions = (points.data ?? []).map((p) => ({ value: p.id, label: p.name }));
  return (
    <div style={{ padding: 12 }}>
      <h2 style={{ fontSize: 18, margin: '4px 0 8px' }}>{t('desks.agent.logOrder')}</h2>
      <MobileProblem problem={place.problem} />
      <Form layout="vertical">
        <Form.Item
          label={<label htmlFor="log-phone">{t('desks.agent.customerPhone')}</label>}
          help={fieldError('customer.phone')}
        >
          <Input
            id="log-phone"
            inputMode="tel"
            autoComplete="off"
            value={phone}
            onChange={setPhone}
            clearable
          />
        </Form.Item>
        <Form.Item label={<label htmlFor="log-name">{t('desks.agent.customerName')}</label>}>
          <Input id="log-name" autoComplete="off" value={name} onChange={setName} />
        </Form.Item>
        <Form.Item label={<label htmlFor="log-search">{t('desks.agent.searchProduct')}</label>}>
          <Input
            id="log-search"
            type="search"
            autoComplete="off"
            value={search}
            onChange={setSearch}
            clearable
          />
        </Form.Item>
      </Form>
      <List style={{ marginBottom: 8 }}>
        {(products.data?.items ?? []).map((p) => (
          <List.Item
            key={p.sku}
            description={`${p.sku} · ${formatCents(p.priceCents)} · ${
              p.stock.available > 0
                ? t('desks.agent.available', { count: p.stock.available })
                : t('desks.agent.soldOut')
            }`}
            extra={
              <Button
                size="small"
                color="primary"
                fill="outline"
                disabled={p.stock.available <= 0}
                aria-label={`${t('desks.agent.add')} ${p.sku}`}
                onClick={() => add(p)}
                data-testid={`add-${p.sku}`}
              >
                {t('desks.agent.add')}
              </Button>
            }
          >
            {p.name}
          </List.Item>
        ))}
      </List>
      <h3 style={{ fontSize: 16, margin: '12px 0 4px' }}>{t('desks.agent.lines')}</h3>
      {lines.length === 0 && (
        <div
          role={fieldError('lines') ? 'alert' : undefined}
          style={{ color: fieldError('lines') ? '#a8071a' : '#4a4a4a' }}
        >
          {fieldError('lines') ?? t('desks.agent.noLines')}
        </div>
      )}
      {lines.map((l, i) => (
        <div
          key={l.sku}
          style={{
            display: 'flex',
            alignItems: 'center',
            gap: 8,
            padding: '6px 0',
            borderBottom: '1px solid #eee',
          }}
        >
          <div style={{ flex: 1, minWidth: 0 }}>
            <div>{l.name}</div>
            <div style={{ fontSize: 13, color: '#4a4a4a' }}>
              {l.sku} · {formatCents(l.priceCents)} · {t('desks.agent.available', { count: l.available })}
            </div>
            {(fieldError(`lines[${i}].quantity`) ?? fieldError(`lines[${i}].sku`)) && (
              <div style={{ color: '#a8071a' }}>
                {fieldError(`lines[${i}].quantity`) ?? fieldError(`lines[${i}].sku`)}
              </div>
            )}
          </div>
          {/* A native input: antd-mobile's repeats aria-label on its wrapper. */}
          <input
            aria-label={t('desks.agent.quantityOf', { sku: l.sku })}
            type="number"
            inputMode="numeric"
            min={1}
            max={999}
            value={l.quantity}
            onChange={(e) => {
              const v = e.target.value;
              setLines((ls) => ls.map((x) => (x.sku === l.sku ? { ...x, quantity: v } : x)));
            }}
            style={{
              width: 56,
              height: 32,
              fontSize: 16,
              textAlign: 'center',
              border: '1px solid #bbb',
              borderRadius: 4,
            }}
          />
          <Button
            size="small"
            aria-label={t('desks.agent.remove', { sku: l.sku })}
            onClick={() => setLines((ls) => ls.filter((x) => x.sku !== l.sku))}
          >
            ×
          </Button>
        </div>
      ))}
      <Form layout="vertical" style={{ marginTop: 12 }}>
        <Form.Item label={<span id="log-fulfilment">{t('desks.agent.fulfilment')}</span>}>
          <Selector
            aria-labelledby="log-fulfilment"
            value={[type]}
            onChange={(v) => v[0] && setType(v[0] as Fulfilment)}
            options={[
              { value: 'delivery', label: t('desks.agent.door') },
              { value: 'locker', label: t('desks.agent.locker') },
              { value: 'counter', label: t('desks.agent.counter') },
            ]}
          />
        </Form.Item>
        {type === 'delivery' ? (
          <Form.Item
            label={<label htmlFor="log-address">{t('desks.agent.address')}</label>}
            help={fieldError('fulfillment.address') ?? fieldError('fulfillment.campusId')}
          >
            <Input id="log-address" value={address} onChange={setAddress} clearable />
          </Form.Item>
        ) : (
          <Form.Item
            label={<span id="log-point">{t('desks.agent.pickupPoint')}</span>}
            help={fieldError('fulfillment.pickupPointId')}
          >
            <Selector
              aria-labelledby="log-point"
              value={pointId ? [pointId] : []}
              onChange={(v) => setPointId(v[0])}
              options={pointOptions}
            />
          </Form.Item>
        )}
        <Form.Item
          label={<span id="log-payment">{t('desks.agent.payment')}</span>}
          help={fieldError('paymentMethod')}
        >
          <Selector
            aria-labelledby="log-payment"
            value={[payment]}
            onChange={(v) => v[0] && setPayment(v[0] as Payment)}
            options={[
              { value: 'cod', label: t('desks.agent.cod') },
              { value: 'online', label: t('desks.agent.online') },
            ]}
          />
        </Form.Item>
        <Form.Item
          label={<label htmlFor="log-coupon">{t('promotions.couponCode')}</label>}
          help={fieldError('couponCode')}
        >
          <Input
            id="log-coupon"
            autoComplete="off"
            value={coupon}
            onChange={(v) => setCoupon(v.toUpperCase())}
          />
        </Form.Item>
      </Form>
      <div style={{ display: 'flex', justifyContent: 'space-between', margin: '8px 0', fontSize: 16 }}>
        <span>{coupon.trim() ? t('promotions.totalBeforeCoupon') : t('desks.agent.total')}</span>
        <strong data-testid="log-total">{formatCents(total)}</strong>
      </div>
      <Button
        block
        color="primary"
        size="large"
        loading={place.busy}
        onClick={submit}
        data-testid="log-submit"
      >
        {t('desks.agent.submit')}
      </Button>
    </div>
  );
}
