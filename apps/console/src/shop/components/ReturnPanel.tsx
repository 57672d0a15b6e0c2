import { useState } from 'react';
import { Button, TextArea, Toast } from 'antd-mobile';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, ok, type Order, type Schemas } from '../../api/client';
import { useAction } from '../../api/useAction';
import { formatCents } from '../../lib/money';
import { keys } from '../api';
import { ProblemLine } from './ProblemLine';
import { Quantity } from './Quantity';

type ReturnRequest = Schemas['ReturnRequestResponse'];

/** Statuses of an order whose lines may be returned (the server checks the window). */
const RETURNABLE = ['delivered', 'completed'];

const returnKeys = { ofOrder: (id: string) => ['orders', id, 'returns'] as const };

/**
 * The customer's returns of one order in "my orders": the requests so far with their state and
 * refund, and a form to ask for a new one (how many units of each line, and why). Problems from the
 * server (too late, already pending, too many units) are shown in the reader's language.
 */
export function ReturnPanel({ order }: { order: Order }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  const [qty, setQty] = useState<Record<number, number>>({});
  const [reason, setReason] = useState('');
  const [localProblem, setLocalProblem] = useState<string | null>(null);
  const requests = useQuery({
    queryKey: returnKeys.ofOrder(order.id),
    queryFn: ({ signal }) =>
      ok(api.GET('/api/return-requests', { params: { query: { orderId: order.id, limit: 20 } }, signal })),
    enabled: RETURNABLE.includes(order.status) || order.status === 'returned',
  });
  const items: ReturnRequest[] = requests.data?.items ?? [];
  const pending = items.some((r) => r.status === 'open' || r.status === 'approved');
  const ask = useAction(
    () =>
      ok(
        api.POST('/api/orders/{id}/return-requests', {
          params: { path: { id: order.id } },
          body: {
            reason: reason.trim(),
            lines: order.lines
              .map((l, i) => ({ sku: l.sku, quantity: qty[i] ?? 0 }))
              .filter((l) => l.quantity > 0),
          },
        }),
      ),
    {
      onSuccess: () => {
        setOpen(false);
        setQty({});
        setReason('');
        Toast.show({ content: t('returns.sent') });
        void queryClient.invalidateQueries({ queryKey: returnKeys.ofOrder(order.id) });
        void queryClient.invalidateQueries({ queryKey: keys.order(order.id) });
      },
    },
  );
  const submit = () => {
    const chosen = Object.values(qty).some((n) => n > 0);
    if (!chosen) return setLocalProblem(t('returns.nothingChosen'));
    if (!reason.trim()) return setLocalProblem(t('returns.reasonRequired'));
    setLocalProblem(null);
    ask.run();
  };

  if (!RETURNABLE.includes(order.status) && items.length === 0) return null;
  return (
    <section className="shop-section" aria-labelledby="returns-title" data-testid="returns">
      <h2 id="returns-title">{t('returns.requests')}</h2>
      {items.length > 0 && (
        <ul className="shop-orders" style={{ margin: 0 }}>
          {items.map((r) => (
            <li key={r.id} className="shop-line" style={{ padding: '6px 0' }} data-testid="return-request">
              <span className="shop-line-name">
                <span data-status={r.status}>{t(`returns.statuses.${r.status}`)}</span>
                <span className="shop-muted">
                  {' · '}
                  {r.lines.map((l) => `${l.name} × ${l.quantity}`).join(', ')}
                </span>
                {r.decisionNote && (
                  <span className="shop-muted"> · {t('returns.note', { note: r.decisionNote })}</span>
                )}
              </span>
              {r.refundCents !== null && (
                <span>{t('returns.refund', { amount: formatCents(r.refundCents) })}</span>
              )}
            </li>
          ))}
        </ul>
      )}
      {RETURNABLE.includes(order.status) && !pending && !open && (
        <div className="shop-actions">
          <Button fill="outline" onClick={() => setOpen(true)}>
            {t('returns.ask')}
          </Button>
        </div>
      )}
      {open && (
        <form
          aria-label={t('returns.title')}
          onSubmit={(e) => {
            e.preventDefault();
            submit();
          }}
        >
          <p className="shop-muted">{t('returns.hint')}</p>
          {order.lines.map((l, i) => {
            const left = l.quantity - l.returnedQuantity;
            if (left <= 0) return null;
            return (
              <div key={`${l.sku}-${i}`} className="shop-line" style={{ padding: '6px 0' }}>
                <label className="shop-line-name" htmlFor={`return-qty-${i}`}>
                  {l.name}
                </label>
                <Quantity
                  id={`return-qty-${i}`}
                  label={t('returns.quantity', { name: l.name })}
                  value={qty[i] ?? 0}
                  min={0}
                  max={left}
                  onChange={(v) => setQty((q) => ({ ...q, [i]: v }))}
                />
              </div>
            );
          })}
          <label htmlFor="return-reason">{t('returns.reason')}</label>
          <TextArea id="return-reason" value={reason} onChange={setReason} maxLength={500} rows={2} />
          {localProblem && (
            <p role="alert" className="shop-error">
              {localProblem}
            </p>
          )}
          <ProblemLine error={ask.problem} />
          <div className="shop-actions">
            <Button color="primary" type="submit" loading={ask.busy}>
              {t('returns.submit')}
            </Button>
            <Button onClick={() => setOpen(false)}>{t('returns.cancel')}</Button>
          </div>
        </form>
      )}
      <ProblemLine error={requests.error} />
    </section>
  );
}
