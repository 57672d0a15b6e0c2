import { useEffect, useRef } from 'react';
import { Button } from 'antd-mobile';
import { useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useAction } from '../../api/useAction';
import { formatCents } from '../../lib/money';
import { keys, type Order } from '../api';
import { channelFor } from '../channel';
import {
  alipayMethodFor,
  chooseCod,
  startPayment,
  usePaymentMethods,
  type PaymentMethodName,
} from '../payments';
import { ProblemLine } from './ProblemLine';

/**
 * An unpaid online order: pay now at Alipay's cashier (the layout's cashier: WAP on a phone, the
 * desktop page on a desk), or pay cash on delivery instead. When Alipay cannot be reached the reader
 * is told so and may try again or choose cash. `autoStart` opens the cashier at once (straight after
 * checkout).
 */
export function PayPanel({ order, autoStart }: { order: Order; autoStart: PaymentMethodName | null }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const methods = usePaymentMethods();
  const method = alipayMethodFor(channelFor(window.innerWidth));
  const offered = (methods.data ?? []).includes(method);
  const pay = useAction((m: PaymentMethodName) => startPayment(order.id, m), {
    onSuccess: (attempt) => {
      if (attempt.redirectUrl) window.location.assign(attempt.redirectUrl);
    },
  });
  const cod = useAction(() => chooseCod(order.id), {
    onSuccess: (updated) => {
      queryClient.setQueryData(keys.order(order.id), updated);
      void queryClient.invalidateQueries({ queryKey: keys.myOrders });
    },
  });
  const started = useRef(false);
  useEffect(() => {
    if (autoStart && !started.current) {
      started.current = true;
      pay.run(autoStart);
    }
  }, [autoStart, pay]);
  return (
    <div className="shop-pay" data-testid="pay-panel">
      <div className="shop-actions">
        {offered && (
          <Button
            color="primary"
            loading={pay.busy || pay.done}
            onClick={() => pay.run(method)}
            data-testid="pay-now"
          >
            {t('shop.order.payNow')} · {formatCents(order.totalCents)}
          </Button>
        )}
        <Button fill="outline" loading={cod.busy} onClick={() => cod.run()} data-testid="choose-cod">
          {t('shop.order.chooseCod')}
        </Button>
      </div>
      <ProblemLine error={pay.problem ?? cod.problem} />
    </div>
  );
}
