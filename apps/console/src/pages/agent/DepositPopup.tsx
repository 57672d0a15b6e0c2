import { useState } from 'react';
import { Button, Popup, Selector, Space } from 'antd-mobile';
import { useTranslation } from 'react-i18next';
import { api, ok, type Schemas, type WorkItem } from '../../api/client';
import { useAction } from '../../api/useAction';
import { MobileProblem, POPUP_BODY } from './MobileProblem';
import { agentKeys } from './queries';

type Size = 'S' | 'M' | 'L';

/** Leaving a parcel at its pickup point: a locker (compartment size) or the counter. */
export function DepositPopup({
  item,
  onClose,
  onDone,
}: {
  item: WorkItem;
  onClose: () => void;
  onDone: (o: Schemas['DepositedOrderView']) => void;
}) {
  const { t } = useTranslation();
  const lockers =
    item.destination.type === 'delivery' ? [] : (item.destination as Schemas['PointDestinationView']).lockers;
  const [lockerId, setLockerId] = useState<string | undefined>(lockers[0]?.id);
  const [size, setSize] = useState<Size | undefined>();
  const locker = lockers.find((l) => l.id === lockerId);
  const deposit = useAction(
    () =>
      ok(
        api.POST('/api/orders/{id}/deposit', {
          params: { path: { id: item.order.id } },
          body: { ...(lockerId ? { lockerId } : {}), ...(size ? { size } : {}) },
        }),
      ),
    { invalidate: [agentKeys.all], onSuccess: onDone },
  );
  return (
    <Popup visible onMaskClick={onClose} bodyStyle={POPUP_BODY}>
      <h2 style={{ fontSize: 18 }}>
        {t('agent.deposit')} {item.order.number}
      </h2>
      <MobileProblem problem={deposit.problem} />
      {lockers.length > 0 && (
        <>
          <div id="locker-label">{t('agent.chooseLocker')}</div>
          <Selector
            aria-labelledby="locker-label"
            value={lockerId ? [lockerId] : []}
            onChange={(v) => setLockerId(v[0])}
            options={lockers.map((l) => ({ value: l.id, label: l.code }))}
          />
          <div id="size-label" style={{ marginTop: 12 }}>
            {t('agent.size')}
          </div>
          <Selector
            aria-labelledby="size-label"
            value={size ? [size] : []}
            onChange={(v) => setSize(v[0] as Size | undefined)}
            options={(['S', 'M', 'L'] as const).map((s) => ({
              value: s,
              label: t('agent.free', { size: s, count: locker?.free[s] ?? 0 }),
              disabled: (locker?.free[s] ?? 0) === 0,
            }))}
          />
        </>
      )}
      <Space block direction="vertical" style={{ marginTop: 16 }}>
        <Button
          block
          color="primary"
          size="large"
          loading={deposit.busy}
          onClick={() => deposit.run(undefined)}
        >
          {t('agent.deposit')}
        </Button>
        <Button block onClick={onClose}>
          {t('common.cancel')}
        </Button>
      </Space>
    </Popup>
  );
}
