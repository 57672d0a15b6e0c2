import { useEffect, useRef, useState } from 'react';
import { Alert, Button, Card, Form, Input, type InputRef, Select } from 'antd';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, ok, type Schemas } from '../../api/client';
import { ProblemAlert } from '../../components/ProblemAlert';
import { useAction } from '../../api/useAction';
import { centsToInput, parseYuan } from '../../lib/money';
import { normalizePhone } from '../../lib/phone';
import { pickupKeys } from './keys';

export const COUNTER = 'counter';

export interface HandOutPrefill {
  lockerId: string | null;
  collectCents: number;
  /** Changes on every pick, so picking the same parcel twice still fills the form. */
  at: number;
}

interface Values {
  lockerId: string;
  code: string;
  phone?: string;
  codCollectedCents?: string;
}

/**
 * Hands a waiting parcel out against its code (locker or counter shelf), with the cash taken for an
 * unpaid COD parcel. Picking a parcel in the list fills the place and the cash, and puts the cursor
 * on the code.
 */
export function HandOutCard({ pointId, prefill }: { pointId: string; prefill: HandOutPrefill | null }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<Values>();
  const codeInput = useRef<InputRef>(null);
  const [amountError, setAmountError] = useState<string>();
  const lockers = useQuery({
    queryKey: ['lockers', pointId],
    queryFn: ({ signal }) =>
      ok(api.GET('/api/lockers', { params: { query: { pickupPointId: pointId } }, signal })),
  });
  const handOut = useAction(
    ({ lockerId, body }: { lockerId: string; body: Schemas['PickupDto'] }) =>
      lockerId === COUNTER
        ? ok(api.POST('/api/pickup-points/{id}/pickup', { params: { path: { id: pointId } }, body }))
        : ok(api.POST('/api/lockers/{id}/pickup', { params: { path: { id: lockerId } }, body })),
    {
      invalidate: [pickupKeys.parcels(pointId), ['cash-up', pointId]],
      onSuccess: () => form.resetFields(['code', 'phone', 'codCollectedCents']),
    },
  );
  const [done, setDone] = useState<Schemas['PickedUpView'] | null>(null);

  useEffect(() => {
    if (!prefill) return;
    form.setFieldsValue({
      lockerId: prefill.lockerId ?? COUNTER,
      codCollectedCents: prefill.collectCents ? centsToInput(prefill.collectCents) : '',
    });
    codeInput.current?.focus();
  }, [prefill, form]);

  const fieldHelp = (field: string) => {
    const message =
      field === 'codCollectedCents' ? (amountError ?? handOut.fieldError(field)) : handOut.fieldError(field);
    return message ? { help: message, validateStatus: 'error' as const } : {};
  };

  return (
    <Card title={<h2 style={{ margin: 0, fontSize: 18 }}>{t('pickup.handOut')}</h2>}>
      <ProblemAlert problem={handOut.problem} onClose={handOut.reset} />
      {done && !handOut.problem && (
        <Alert
          type="success"
          showIcon
          role="status"
          style={{ marginBottom: 16 }}
          message={t('pickup.handedOut', { number: done.number })}
          description={
            done.compartment ? (
              <span style={{ fontSize: 24, fontWeight: 700 }}>
                {t('pickup.openCompartment', { label: done.compartment.label })}
              </span>
            ) : undefined
          }
        />
      )}
      <Form
        form={form}
        layout="vertical"
        initialValues={{ lockerId: COUNTER }}
        onFinish={({ lockerId, code, phone, codCollectedCents: cash }) => {
          const cents = cash ? parseYuan(cash) : null;
          if (cash && cents === null) return setAmountError(t('validation.amount'));
          setAmountError(undefined);
          setDone(null);
          handOut.run(
            {
              lockerId,
              body: {
                code: code.trim(),
                ...(phone ? { phone: normalizePhone(phone) ?? phone } : {}),
                ...(cents !== null ? { codCollectedCents: cents } : {}),
              },
            },
            { onSuccess: (order) => setDone(order) },
          );
        }}
      >
        <Form.Item name="lockerId" label={t('pickup.locker')}>
          <Select
            options={[
              { value: COUNTER, label: t('pickup.counterShelf') },
              ...(lockers.data ?? []).map((l) => ({ value: l.id, label: l.code })),
            ]}
          />
        </Form.Item>
        <Form.Item
          name="code"
          label={t('pickup.code')}
          rules={[{ required: true, message: t('validation.required') }]}
          {...fieldHelp('code')}
        >
          <Input ref={codeInput} inputMode="numeric" autoComplete="off" />
        </Form.Item>
        <Form.Item name="phone" label={t('pickup.customerPhone')} {...fieldHelp('phone')}>
          <Input inputMode="tel" autoComplete="off" />
        </Form.Item>
        <Form.Item
          name="codCollectedCents"
          label={t('pickup.codCollected')}
          {...fieldHelp('codCollectedCents')}
        >
          <Input inputMode="decimal" autoComplete="off" prefix="¥" />
        </Form.Item>
        <Button type="primary" htmlType="submit" loading={handOut.busy}>
          {t('pickup.handOutButton')}
        </Button>
      </Form>
    </Card>
  );
}
