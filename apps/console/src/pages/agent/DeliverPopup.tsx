import { useState } from 'react';
import { Button, Form, Input, Popup, Space } from 'antd-mobile';
import { useTranslation } from 'react-i18next';
import { api, ok, type Order, type WorkItem } from '../../api/client';
import { useAction } from '../../api/useAction';
import { centsToInput, parseYuan } from '../../lib/money';
import { MobileProblem, POPUP_BODY } from './MobileProblem';
import { agentKeys } from './queries';

/** Door delivery: the COD amount comes pre-filled with the total; the API checks it again. */
export function DeliverPopup({
  item,
  onClose,
  onDone,
}: {
  item: WorkItem;
  onClose: () => void;
  onDone: (o: Order) => void;
}) {
  const { t } = useTranslation();
  const cod = item.order.paymentMethod === 'cod' && item.collectCents > 0; // 0: paid by Alipay QR
  const [amount, setAmount] = useState(centsToInput(item.collectCents));
  const [amountError, setAmountError] = useState<string>();
  const deliver = useAction(
    (codCollectedCents: number | null) =>
      ok(
        api.POST('/api/orders/{id}/deliver', {
          params: { path: { id: item.order.id } },
          body: codCollectedCents === null ? {} : { codCollectedCents },
        }),
      ),
    { invalidate: [agentKeys.all], onSuccess: onDone },
  );
  const submit = () => {
    const cents = cod ? parseYuan(amount) : null;
    if (cod && cents === null) return setAmountError(t('validation.amount'));
    setAmountError(undefined);
    deliver.run(cents);
  };
  return (
    <Popup visible onMaskClick={onClose} bodyStyle={POPUP_BODY}>
      <h2 style={{ fontSize: 18 }}>
        {t('agent.confirmDeliver')} {item.order.number}
      </h2>
      <MobileProblem problem={deliver.problem} />
      {cod && (
        <Form layout="vertical">
          <Form.Item
            label={<label htmlFor="cod-amount">{t('agent.codCollected')}</label>}
            help={amountError ?? deliver.fieldError('codCollectedCents')}
          >
            <Input id="cod-amount" inputMode="decimal" value={amount} onChange={setAmount} clearable />
          </Form.Item>
        </Form>
      )}
      <Space block direction="vertical">
        <Button
          block
          color="primary"
          size="large"
          loading={deliver.busy}
          onClick={submit}
          data-testid="confirm-deliver"
        >
          {t('agent.confirmDeliver')}
        </Button>
        <Button block onClick={onClose}>
          {t('common.cancel')}
        </Button>
      </Space>
    </Popup>
  );
}
