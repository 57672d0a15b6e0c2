import { useTranslation } from 'react-i18next';
import { ToneTag, type Tone } from './ToneTag';

const STATUS_TONES: Record<string, Tone> = {
  pending_payment: 'gold',
  confirmed: 'blue',
  assigned: 'geekblue',
  out_for_delivery: 'purple',
  awaiting_pickup: 'cyan',
  delivered: 'green',
  completed: 'green',
  cancelled: 'default',
  returned: 'volcano',
};

export function OrderStatusTag({ status }: { status: string }) {
  const { t } = useTranslation();
  return <ToneTag tone={STATUS_TONES[status] ?? 'default'}>{t(`order.statuses.${status}`, status)}</ToneTag>;
}
