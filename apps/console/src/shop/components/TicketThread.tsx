import { useState } from 'react';
import { Button, TextArea } from 'antd-mobile';
import { useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, ok } from '../../api/client';
import { useAction } from '../../api/useAction';
import type { components } from '../../api/schema';
import { formatCents } from '../../lib/money';
import { formatTime } from '../../lib/time';
import { ProblemLine } from './ProblemLine';

export type Ticket = components['schemas']['TicketResponse'] & {
  messages?: components['schemas']['TicketMessageResponse'][];
};

export const ticketKeys = {
  all: ['shop', 'tickets'] as const,
  ofOrder: (orderId: string) => ['shop', 'tickets', 'order', orderId] as const,
  one: (id: string) => ['shop', 'tickets', 'one', id] as const,
};

/** One ticket: its kind and status, the conversation (staff replies marked), and a reply box while open. */
export function TicketThread({ ticket }: { ticket: Ticket }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [body, setBody] = useState('');
  const reply = useAction(
    () => ok(api.POST('/api/tickets/{id}/reply', { params: { path: { id: ticket.id } }, body: { body } })),
    {
      onSuccess: () => {
        setBody('');
        void queryClient.invalidateQueries({ queryKey: ticketKeys.all });
      },
    },
  );
  const messages = ticket.messages ?? [];
  return (
    <li className="shop-ticket" data-testid={`ticket-${ticket.ref}`} data-status={ticket.status}>
      <div className="shop-line" style={{ padding: 0, border: 0 }}>
        <strong className="shop-line-name">
          {t(`tickets.kinds.${ticket.kind}`)} · {t('tickets.ref', { ref: ticket.ref })}
        </strong>
        <span className={`shop-status ${ticket.status === 'open' ? 'confirmed' : 'completed'}`}>
          {t(`tickets.statuses.${ticket.status}`)}
        </span>
      </div>
      {ticket.orderNumber && (
        <div className="shop-muted">{t('tickets.order', { number: ticket.orderNumber })}</div>
      )}
      <ol className="shop-messages" aria-label={t('tickets.ref', { ref: ticket.ref })}>
        {messages.map((m) => (
          <li key={m.id} data-author={m.author} className={`shop-message ${m.author}`}>
            <div className="shop-muted">
              {t(`tickets.from.${m.author}`)} · {formatTime(m.createdAt)}
            </div>
            <div>{m.body}</div>
          </li>
        ))}
      </ol>
      {ticket.status === 'open' && !ticket.firstReplyAt && (
        <p className="shop-muted">{t('tickets.waiting')}</p>
      )}
      {ticket.outcome && (
        <p className="shop-notice" data-testid="ticket-outcome">
          {t(`tickets.outcomes.${ticket.outcome}`)}
          {ticket.resolutionNote ? `: ${ticket.resolutionNote}` : ''}
          {ticket.compensationCents
            ? ` · ${t('tickets.compensation', { amount: formatCents(ticket.compensationCents) })}`
            : ''}
        </p>
      )}
      {ticket.status === 'open' && (
        <form
          className="shop-ticket-form"
          onSubmit={(e) => {
            e.preventDefault();
            if (body.trim()) reply.run();
          }}
        >
          <label className="shop-muted" htmlFor={`reply-${ticket.id}`}>
            {t('tickets.reply')}
          </label>
          <TextArea id={`reply-${ticket.id}`} value={body} onChange={setBody} maxLength={1000} rows={2} />
          <Button size="small" type="submit" loading={reply.busy} disabled={!body.trim()}>
            {t('tickets.replySend')}
          </Button>
          <ProblemLine error={reply.problem} />
        </form>
      )}
    </li>
  );
}
