import { useState } from 'react';
import { Button, Form, Input, Popup, Radio, Space } from 'antd-mobile';
import { useTranslation } from 'react-i18next';
import { api, ok, type Schemas, type WorkItem } from '../../api/client';
import { useAction } from '../../api/useAction';
import { MobileProblem, POPUP_BODY } from './MobileProblem';
import { agentKeys } from './queries';

type Reason = Schemas['FailedAttemptDto']['reason'];
const REASONS: Reason[] = ['unreachable', 'refused', 'wrong_address', 'other'];

/**
 * At the door, the customer cannot be reached: the agent records the failed attempt; after the
 * second, a COD order may be cancelled (its stock goes back, the customer is texted).
 */
export function FailedAttemptPopup({
  item,
  onClose,
  onCancelled,
}: {
  item: WorkItem;
  onClose: () => void;
  onCancelled: (number: string) => void;
}) {
  const { t } = useTranslation();
  const [reason, setReason] = useState<Reason>('unreachable');
  const [note, setNote] = useState('');
  const [cancelReason, setCancelReason] = useState('');
  const [attempts, setAttempts] = useState<Schemas['FailedAttemptsResponse'] | null>(null);
  const record = useAction(
    () =>
      ok(
        api.POST('/api/orders/{id}/failed-attempts', {
          params: { path: { id: item.order.id } },
          body: note.trim() ? { reason, note: note.trim() } : { reason },
        }),
      ),
    { invalidate: [agentKeys.all], onSuccess: setAttempts },
  );
  const cancel = useAction(
    () =>
      ok(
        api.POST('/api/orders/{id}/cancel-undeliverable', {
          params: { path: { id: item.order.id } },
          body: { reason: cancelReason.trim() || t(`attempts.reasons.${reason}`) },
        }),
      ),
    { invalidate: [agentKeys.all], onSuccess: (o) => onCancelled(o.number) },
  );
  return (
    <Popup visible onMaskClick={onClose} bodyStyle={POPUP_BODY}>
      <h2 style={{ fontSize: 18 }}>{t('attempts.title', { number: item.order.number })}</h2>
      <MobileProblem problem={record.problem ?? cancel.problem} />
      {attempts && (
        <p data-testid="attempt-count" role="status">
          {t('attempts.count', { n: attempts.attempts.length })}
        </p>
      )}
      <Form layout="vertical">
        <Form.Item label={t('attempts.reason')} help={record.fieldError('reason')}>
          <Radio.Group value={reason} onChange={(v) => setReason(v as Reason)}>
            <Space direction="vertical">
              {REASONS.map((r) => (
                <Radio key={r} value={r}>
                  {t(`attempts.reasons.${r}`)}
                </Radio>
              ))}
            </Space>
          </Radio.Group>
        </Form.Item>
        <Form.Item
          label={<label htmlFor="attempt-note">{t('attempts.note')}</label>}
          help={record.fieldError('note')}
        >
          <Input id="attempt-note" value={note} onChange={setNote} />
        </Form.Item>
      </Form>
      <Space block direction="vertical">
        <Button
          block
          color="warning"
          size="large"
          loading={record.busy}
          onClick={() => record.run(undefined)}
          data-testid="record-attempt"
        >
          {t('attempts.record')}
        </Button>
        {attempts?.mayCancel && (
          <>
            <Form layout="vertical">
              <Form.Item
                label={<label htmlFor="cancel-reason">{t('attempts.cancelReason')}</label>}
                help={cancel.fieldError('reason')}
              >
                <Input id="cancel-reason" value={cancelReason} onChange={setCancelReason} />
              </Form.Item>
            </Form>
            <Button
              block
              color="danger"
              loading={cancel.busy}
              onClick={() => cancel.run(undefined)}
              data-testid="cancel-undeliverable"
            >
              {t('attempts.cancel')}
            </Button>
          </>
        )}
        <Button block onClick={onClose}>
          {t('common.cancel')}
        </Button>
      </Space>
    </Popup>
  );
}
