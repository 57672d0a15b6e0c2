import { useState } from 'react';
import { Col, Row, Tabs } from 'antd';
import { useTranslation } from 'react-i18next';
import type { Session } from '../../auth/session';
import { OrderForm } from '../../components/OrderForm';
import { CashUpPanel } from './CashUpPanel';
import { HandOutCard, type HandOutPrefill } from './HandOutCard';
import { WaitingParcels } from './WaitingParcels';

/** Pickup staff: the parcels waiting here and handing them out, counter sales, the day's cash-up. */
export function PickupPage({ session }: { session: Session }) {
  const { t } = useTranslation();
  const pointId = session.pickupPointId ?? '';
  const [prefill, setPrefill] = useState<HandOutPrefill | null>(null);
  return (
    <Tabs
      items={[
        {
          key: 'parcels',
          label: t('desks.pickup.tabs.parcels'),
          children: (
            <Row gutter={24}>
              <Col xs={24} xl={9}>
                <HandOutCard pointId={pointId} prefill={prefill} />
              </Col>
              <Col xs={24} xl={15}>
                <WaitingParcels
                  pointId={pointId}
                  onHandOut={(p) =>
                    setPrefill({ lockerId: p.lockerId, collectCents: p.collectCents, at: Date.now() })
                  }
                />
              </Col>
            </Row>
          ),
        },
        {
          key: 'counter',
          label: t('desks.pickup.tabs.counterOrder'),
          children: (
            <OrderForm
              paymentMethods={['counter', 'cod']}
              defaultFulfilment={pointId ? { type: 'counter', pickupPointId: pointId } : undefined}
            />
          ),
        },
        { key: 'cash-up', label: t('desks.pickup.tabs.cashUp'), children: <CashUpPanel pointId={pointId} /> },
      ]}
    />
  );
}
