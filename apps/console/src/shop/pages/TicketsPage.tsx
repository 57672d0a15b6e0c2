import { DotLoading } from 'antd-mobile';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, ok } from '../../api/client';
import { withMessages } from '../components/OrderTickets';
import { ProblemLine } from '../components/ProblemLine';
import { SignInForm } from '../components/SignInForm';
import { ticketKeys, TicketThread } from '../components/TicketThread';
import { useCustomer } from '../store';

/** "My tickets": every ticket of the signed-in customer (also those the call centre keyed), with replies. */
export function TicketsPage() {
  const customer = useCustomer();
  if (!customer) return <SignInForm />;
  return <Tickets />;
}

function Tickets() {
  const { t } = useTranslation();
  const tickets = useQuery({
    queryKey: ticketKeys.all,
    queryFn: async ({ signal }) =>
      withMessages(
        (await ok(api.GET('/api/tickets', { params: { query: { limit: 50 } }, signal }))).items,
        signal,
      ),
    refetchInterval: 10_000,
  });
  const items = tickets.data ?? [];
  return (
    <section aria-labelledby="tickets-title">
      <div className="shop-section">
        <h2 id="tickets-title">{t('tickets.mine')}</h2>
        {tickets.isPending && <DotLoading />}
        <ProblemLine error={tickets.error} />
        {tickets.isSuccess && items.length === 0 && <p className="shop-muted">{t('tickets.none')}</p>}
      </div>
      <ul className="shop-orders" data-testid="my-tickets">
        {items.map((x) => (
          <TicketThread key={x.id} ticket={x} />
        ))}
      </ul>
    </section>
  );
}
