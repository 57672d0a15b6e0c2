import { useState } from 'react';
import { Button, Card, Col, Form, Input, Popconfirm, Row } from 'antd';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, ok } from '../../api/client';
import { asProblem } from '../../api/problem';
import { ProblemAlert } from '../../components/ProblemAlert';
import { useAction } from '../../api/useAction';
import { parseYuan } from '../../lib/money';
import { shanghaiDay } from '../../lib/time';
import { CashUpDetail } from './CashUpDetail';
import { pickupKeys } from './keys';

/**
 * The counter's daily cash-up for its staff: the day's figures and entries, record cash handed in
 * (amount + note), close the day (the figures are then frozen). Days are Shanghai days; today by default.
 */
export function CashUpPanel({ pointId }: { pointId: string }) {
  const { t } = useTranslation();
  const [day, setDay] = useState(shanghaiDay());
  const [form] = Form.useForm<{ amount: string; note: string }>();
  const [closeNote, setCloseNote] = useState('');
  const [amountError, setAmountError] = useState<string>();
  const cashUp = useQuery({
    queryKey: pickupKeys.cashUp(pointId, day),
    queryFn: ({ signal }) =>
      ok(
        api.GET('/api/pickup-points/{id}/cash-ups/{day}', { params: { path: { id: pointId, day } }, signal }),
      ),
    enabled: /^\d{4}-\d{2}-\d{2}$/.test(day),
  });
  const invalidate = [pickupKeys.cashUp(pointId, day), ['cash-ups']];
  const handIn = useAction(
    (body: { amountCents: number; note: string }) =>
      ok(
        api.POST('/api/pickup-points/{id}/cash-ups/{day}/hand-ins', {
          params: { path: { id: pointId, day } },
          body,
        }),
      ),
    { invalidate, onSuccess: () => form.resetFields() },
  );
  const close = useAction(
    () =>
      ok(
        api.POST('/api/pickup-points/{id}/cash-ups/{day}/close', {
          params: { path: { id: pointId, day } },
          body: closeNote.trim() ? { note: closeNote.trim() } : {},
        }),
      ),
    { invalidate },
  );
  const open = cashUp.data?.status !== 'closed';
  const help = (message?: string) => (message ? { help: message, validateStatus: 'error' as const } : {});
  return (
    <Card title={<h2 style={{ margin: 0, fontSize: 18 }}>{t('desks.cashUp.title', { day })}</h2>}>
      <Form layout="inline" style={{ marginBottom: 16 }}>
        <Form.Item label={t('desks.cashUp.day')} htmlFor="cash-up-day">
          <Input
            id="cash-up-day"
            type="date"
            value={day}
            max={shanghaiDay()}
            onChange={(e) => setDay(e.target.value)}
          />
        </Form.Item>
      </Form>
      <ProblemAlert
        problem={handIn.problem ?? close.problem ?? (cashUp.error ? asProblem(cashUp.error) : null)}
        onClose={() => {
          handIn.reset();
          close.reset();
        }}
      />
      {cashUp.data && <CashUpDetail cashUp={cashUp.data} />}
      {cashUp.data && open && (
        <Row gutter={24} style={{ marginTop: 24 }}>
          <Col xs={24} xl={14}>
            <Form
              form={form}
              layout="vertical"
              onFinish={({ amount, note }) => {
                const cents = parseYuan(amount ?? '');
                if (cents === null || cents <= 0) return setAmountError(t('validation.amount'));
                setAmountError(undefined);
                handIn.run({ amountCents: cents, note: note?.trim() ?? '' });
              }}
            >
              <Form.Item
                name="amount"
                label={t('desks.cashUp.amount')}
                {...help(amountError ?? handIn.fieldError('amountCents'))}
              >
                <Input inputMode="decimal" autoComplete="off" prefix="¥" />
              </Form.Item>
              <Form.Item
                name="note"
                label={t('desks.cashUp.note')}
                rules={[{ required: true, message: t('validation.required') }]}
                {...help(handIn.fieldError('note'))}
              >
                <Input autoComplete="off" maxLength={500} />
              </Form.Item>
              <Button htmlType="submit" loading={handIn.busy}>
                {t('desks.cashUp.recordHandIn')}
              </Button>
            </Form>
          </Col>
          <Col xs={24} xl={10}>
            <Form layout="vertical">
              <Form.Item
                label={t('desks.cashUp.closeNote')}
                htmlFor="close-note"
                {...help(close.fieldError('note'))}
              >
                <Input
                  id="close-note"
                  value={closeNote}
                  maxLength={500}
                  onChange={(e) => setCloseNote(e.target.value)}
                />
              </Form.Item>
              <Popconfirm
                title={t('desks.cashUp.closeConfirm', { day })}
                okText={t('desks.cashUp.close')}
                cancelText={t('common.cancel')}
                onConfirm={() => close.runAsync(undefined).catch(() => undefined)}
              >
                <Button type="primary" danger loading={close.busy}>
                  {t('desks.cashUp.close')}
                </Button>
              </Popconfirm>
            </Form>
          </Col>
        </Row>
      )}
    </Card>
  );
}
