import { Tag } from 'antd';
import { useTranslation } from 'react-i18next';

const STATUS_COLOURS: Record<string, string> = {
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
  return <Tag color={STATUS_COLOURS[status]}>{t(`order.statuses.${status}`, status)}</Tag>;
}
