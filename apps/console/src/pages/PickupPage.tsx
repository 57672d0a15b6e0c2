import { useEffect, useState } from 'react';
import { Alert, Button, Card, Col, Form, Input, Row, Select } from 'antd';
import { useTranslation } from 'react-i18next';
import { api, ok, type Schemas } from '../api/client';
import type { Session } from '../auth/session';
import { OrderForm } from '../components/OrderForm';
import { ProblemAlert } from '../components/ProblemAlert';
import { useProblemForm } from '../components/useProblemForm';
import { parseYuan } from '../lib/money';
import { normalizePhone } from '../lib/phone';

const COUNTER = 'counter';

/** Pickup staff: key a counter sale, hand a waiting parcel out against its code. */
export function PickupPage({ session }: { session: Session }) {
  const { t } = useTranslation();
  const { form, problem, setProblem, showProblem, busy, setBusy } = useProblemForm<{
    lockerId: string;
    code: string;
    phone?: string;
    codCollectedCents?: string;
  }>();
  const [lockers, setLockers] = useState<Schemas['LockerSummaryView'][]>([]);
  const [handedOut, setHandedOut] = useState<Schemas['PickedUpView'] | null>(null);
  const pointId = session.pickupPointId;

  useEffect(() => {
    if (!pointId) return;
    void ok(api.GET('/api/lockers', { params: { query: { pickupPointId: pointId } } })).then(
      setLockers,
      showProblem,
    );
  }, [pointId, showProblem]);

  return (
    <Row gutter={24}>
      <Col xs={24} xl={14}>
        <OrderForm
          paymentMethods={['counter', 'cod']}
          defaultFulfilment={pointId ? { type: 'counter', pickupPointId: pointId } : undefined}
        />
      </Col>
      <Col xs={24} xl={10}>
        <Card title={<h2 style={{ margin: 0, fontSize: 18 }}>{t('pickup.handOut')}</h2>}>
          <ProblemAlert problem={problem} />
          {handedOut && (
            <Alert
              type="success"
              showIcon
              role="status"
              style={{ marginBottom: 16 }}
              message={t('pickup.handedOut', { number: handedOut.number })}
              description={
                handedOut.compartment ? (
                  <span style={{ fontSize: 24, fontWeight: 700 }}>
                    {t('pickup.openCompartment', { label: handedOut.compartment.label })}
                  </span>
                ) : undefined
              }
            />
          )}
          <Form
            form={form}
            layout="vertical"
            initialValues={{ lockerId: COUNTER }}
            onFinish={async ({ lockerId, code, phone, codCollectedCents: cash }) => {
              if (!pointId) return;
              const cents = cash ? parseYuan(cash) : null;
              if (cash && cents === null) {
                form.setFields([{ name: 'codCollectedCents', errors: [t('validation.amount')] }]);
                return;
              }
              setBusy(true);
              setHandedOut(null);
              setProblem(null);
              const body = {
                code: code.trim(),
                ...(phone ? { phone: normalizePhone(phone) ?? phone } : {}),
                ...(cents !== null ? { codCollectedCents: cents } : {}),
              };
              try {
                const order =
                  lockerId === COUNTER
                    ? await ok(
                        api.POST('/api/pickup-points/{id}/pickup', {
                          params: { path: { id: pointId } },
                          body,
                        }),
                      )
                    : await ok(
                        api.POST('/api/lockers/{id}/pickup', { params: { path: { id: lockerId } }, body }),
                      );
                setHandedOut(order);
                form.resetFields(['code', 'phone', 'codCollectedCents']);
              } catch (err) {
                showProblem(err);
              } finally {
                setBusy(false);
              }
            }}
          >
            <Form.Item name="lockerId" label={t('pickup.locker')}>
              <Select
                options={[
                  { value: COUNTER, label: t('pickup.counterShelf') },
                  ...lockers.map((l) => ({ value: l.id, label: l.code })),
                ]}
              />
            </Form.Item>
            <Form.Item
              name="code"
              label={t('pickup.code')}
              rules={[{ required: true, message: t('validation.required') }]}
            >
              <Input inputMode="numeric" autoComplete="off" />
            </Form.Item>
            <Form.Item name="phone" label={t('pickup.customerPhone')}>
              <Input inputMode="tel" autoComplete="off" />
            </Form.Item>
            <Form.Item name="codCollectedCents" label={t('pickup.codCollected')}>
              <Input inputMode="decimal" autoComplete="off" prefix="¥" />
            </Form.Item>
            <Button type="primary" htmlType="submit" loading={busy}>
              {t('pickup.handOutButton')}
            </Button>
          </Form>
        </Card>
      </Col>
    </Row>
  );
}
