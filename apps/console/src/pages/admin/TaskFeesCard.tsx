import { useEffect } from 'react';
import { Button, Card, Form, Input, message, Space } from 'antd';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, ok } from '../../api/client';
import type { components } from '../../api/schema';
import { ProblemAlert } from '../../components/ProblemAlert';
import { useAction } from '../../api/useAction';
import { centsToInput, formatCents, parseYuan } from '../../lib/money';

type Fee = components['schemas']['TaskFeeResponse'];

/** One after-sales task kind's fee: the yuan field, saved on Enter (keyboard-first). */
function FeeRow({ fee, admin }: { fee: Fee; admin: boolean }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [form] = Form.useForm<{ fee: string }>();
  useEffect(() => form.setFieldsValue({ fee: centsToInput(fee.feeCents) }), [fee.feeCents, form]);
  const save = useAction(
    (feeCents: number) =>
      ok(api.PUT('/api/task-fees/{kind}', { params: { path: { kind: fee.kind } }, body: { feeCents } })),
    {
      invalidate: [['task-fees'], ['audit']],
      onSuccess: () => void message.success(t('training.saved')),
    },
  );
  const serverError = save.fieldError('feeCents');
  return (
    <Form
      form={form}
      layout="inline"
      onFinish={({ fee: input }) => {
        const cents = parseYuan(input ?? '');
        if (cents === null || cents < 0) {
          form.setFields([{ name: 'fee', errors: [t('validation.required')] }]);
          return;
        }
        save.run(cents);
        void qc.invalidateQueries({ queryKey: ['task-fees'] });
      }}
      style={{ marginBottom: 8 }}
      data-testid={`task-fee-${fee.kind}`}
    >
      <Form.Item
        name="fee"
        label={t(`training.feeOf.${fee.kind}`)}
        {...(serverError ? { help: serverError, validateStatus: 'error' as const } : {})}
      >
        {admin ? (
          <Input inputMode="decimal" prefix="¥" style={{ width: 140 }} />
        ) : (
          <span>{formatCents(fee.feeCents)}</span>
        )}
      </Form.Item>
      {admin && (
        <Button htmlType="submit" loading={save.busy}>
          {t('training.save')}
        </Button>
      )}
      <ProblemAlert problem={save.problem && !serverError ? save.problem : null} />
    </Form>
  );
}

/** What agents earn per training and per repair return (admin sets; managers read). */
export function TaskFeesCard({ admin }: { admin: boolean }) {
  const { t } = useTranslation();
  const fees = useQuery({
    queryKey: ['task-fees'],
    queryFn: ({ signal }) => ok(api.GET('/api/task-fees', { signal })),
  });
  return (
    <Card size="small" title={t('training.fees')}>
      <p style={{ marginTop: 0 }}>{t('training.feesHint')}</p>
      <Space direction="vertical">
        {(fees.data ?? []).map((f) => (
          <FeeRow key={f.kind} fee={f} admin={admin} />
        ))}
      </Space>
    </Card>
  );
}
