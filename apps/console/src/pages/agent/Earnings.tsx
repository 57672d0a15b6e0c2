import { Card } from 'antd-mobile';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, ok } from '../../api/client';
import { asProblem } from '../../api/problem';
import { formatCents } from '../../lib/money';
import { formatTime, shanghaiPeriod } from '../../lib/time';
import { MobileProblem } from './MobileProblem';
import { agentKeys } from './queries';

/** This month's earnings by kind, with the COD cash still held and the net; the COD entries. */
export function Earnings({ agentId }: { agentId: string }) {
  const { t } = useTranslation();
  const period = shanghaiPeriod();
  const earnings = useQuery({
    queryKey: agentKeys.earnings(agentId, period),
    queryFn: ({ signal }) =>
      ok(
        api.GET('/api/agents/{id}/earnings', {
          params: { path: { id: agentId }, query: { period } },
          signal,
        }),
      ),
  });
  const cod = useQuery({
    queryKey: agentKeys.cod(agentId),
    queryFn: ({ signal }) =>
      ok(
        api.GET('/api/agents/{id}/cod', { params: { path: { id: agentId }, query: { limit: 20 } }, signal }),
      ),
  });
  const e = earnings.data;
  const row = (label: string, cents: number | undefined, testId?: string) => (
    <div style={{ display: 'flex', justifyContent: 'space-between', padding: '4px 0' }}>
      <span>{label}</span>
      <span data-testid={testId}>{cents === undefined ? '—' : formatCents(cents)}</span>
    </div>
  );
  const error = earnings.error ?? cod.error;
  return (
    <div style={{ padding: 12 }}>
      <MobileProblem problem={error ? asProblem(error) : null} />
      <Card title={`${t('agent.thisMonth')} ${period}`} style={{ marginBottom: 12 }}>
        <div style={{ fontSize: 13, color: '#4a4a4a' }}>{t('agent.net')}</div>
        <div style={{ fontSize: 32, fontWeight: 700 }} data-testid="earnings-net">
          {e ? formatCents(e.netCents) : '—'}
        </div>
        {row(t('settlement.commission'), e?.commissionCents, 'earnings-commission')}
        {row(t('settlement.reversal'), e?.reversalCents)}
        {row(t('settlement.installFee'), e?.installFeeCents)}
        {row(t('settlement.adjustment'), e?.adjustmentCents)}
        {row(t('agent.codHeld'), e?.codHeldCents, 'cod-held')}
      </Card>
      <Card title={t('agent.codEntries')}>
        {cod.data?.items.map((c) => (
          <div key={c.id} style={{ display: 'flex', justifyContent: 'space-between' }}>
            <span>{c.orderNumber}</span>
            <span>{formatCents(c.amountCents)}</span>
            <span>{formatTime(c.recordedAt)}</span>
          </div>
        ))}
      </Card>
    </div>
  );
}
