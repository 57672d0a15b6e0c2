import { useState } from 'react';
import { Button, Selector, TextArea } from 'antd-mobile';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, ok } from '../../api/client';
import { useAction } from '../../api/useAction';
import { ProblemLine } from './ProblemLine';
import { ticketKeys, TicketThread, type Ticket } from './TicketThread';

const KINDS = ['complaint', 'enquiry', 'repair'] as const;
type Kind = (typeof KINDS)[number];

/** Loads each ticket with its conversation (the list answers without messages). */
export async function withMessages(items: Ticket[], signal?: AbortSignal): Promise<Ticket[]> {
  return Promise.all(
    items.map(
      (x) => ok(api.GET('/api/tickets/{id}', { params: { path: { id: x.id } }, signal })) as Promise<Ticket>,
    ),
  );
}

/** "Help with this order" on the customer's order page: open a ticket about it and follow the replies. */
export function OrderTickets({ orderId }: { orderId: string }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [kind, setKind] = useState<Kind>('complaint');
  const [body, setBody] = useState('');
  const [sentHours, setSentHours] = useState<number | null>(null);
  const tickets = useQuery({
    queryKey: ticketKeys.ofOrder(orderId),
    queryFn: async ({ signal }) =>
      withMessages(
        (await ok(api.GET('/api/tickets', { params: { query: { orderId, limit: 20 } }, signal }))).items,
        signal,
      ),
    refetchInterval: 10_000,
  });
  const open = useAction(() => ok(api.POST('/api/tickets', { body: { orderId, kind, body } })), {
    onSuccess: (created) => {
      setBody('');
      const hours = Math.round((Date.parse(created.dueAt) - Date.parse(created.createdAt)) / 3_600_000);
      setSentHours(hours);
      void queryClient.invalidateQueries({ queryKey: ticketKeys.all });
    },
  });
  return (
    <section className="shop-section" aria-labelledby="tickets-title" data-testid="order-tickets">
      <h2 id="tickets-title">{t('tickets.title')}</h2>
      <ul className="shop-orders" style={{ margin: 0 }}>
        {(tickets.data ?? []).map((x) => (
          <TicketThread key={x.id} ticket={x} />
        ))}
      </ul>
      <ProblemLine error={tickets.error} />
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (body.trim()) open.run();
        }}
        aria-label={t('tickets.open')}
        className="shop-ticket-form"
      >
        <h3>{t('tickets.open')}</h3>
        <div className="shop-muted" id="ticket-kind-label">
          {t('tickets.kind')}
        </div>
        <Selector
          aria-labelledby="ticket-kind-label"
          options={KINDS.map((k) => ({ label: t(`tickets.kinds.${k}`), value: k }))}
          value={[kind]}
          onChange={(v) => v[0] && setKind(v[0])}
        />
        <label className="shop-muted" htmlFor="ticket-body">
          {t('tickets.body')}
        </label>
        <TextArea id="ticket-body" value={body} onChange={setBody} maxLength={2000} rows={3} />
        <Button block color="primary" type="submit" loading={open.busy} disabled={!body.trim()}>
          {t('tickets.send')}
        </Button>
        {sentHours !== null && (
          <p className="shop-notice" role="status">
            {t('tickets.sent', { hours: sentHours })}
          </p>
        )}
        <ProblemLine error={open.problem} />
      </form>
    </section>
  );
}
