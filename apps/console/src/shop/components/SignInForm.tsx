import { useState } from 'react';
import { Button, Form, Input } from 'antd-mobile';
import { useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, ok } from '../../api/client';
import { useAction } from '../../api/useAction';
import { clearSession, writeSession } from '../../auth/session';
import { normalizePhone } from '../../lib/phone';
import { fieldProblems } from '../problems';
import { notifySessionChanged, useCustomer } from '../store';
import { ProblemLine } from './ProblemLine';

/**
 * Signing in with a texted code, where the shop needs it (at checkout, for "my orders"), never
 * before browsing. The token is kept like the console's session (this tab only).
 */
export function SignInForm() {
  const { t, i18n } = useTranslation();
  const queryClient = useQueryClient();
  const [form] = Form.useForm<{ phone: string; code: string }>();
  const [sentTo, setSentTo] = useState<string | null>(null);
  const show = (err: unknown) => {
    const fields = fieldProblems(err, t).filter((f) => f.name[0] === 'phone' || f.name[0] === 'code');
    if (fields.length) form.setFields(fields as never);
  };
  const request = useAction(
    (phone: string) =>
      ok(
        api.POST('/api/auth/otp/request', {
          body: { phone, language: i18n.language === 'en' ? 'en' : 'zh-CN' },
        }),
      ),
    {
      onSuccess: (_, phone) => setSentTo(phone),
      onError: show,
    },
  );
  const verify = useAction(
    (v: { phone: string; code: string }) => ok(api.POST('/api/auth/otp/verify', { body: v })),
    {
      onSuccess: (res) => {
        writeSession({
          token: res.accessToken,
          kind: 'customer',
          role: 'customer',
          name: res.customer.phone,
        });
        notifySessionChanged();
        void queryClient.invalidateQueries({ queryKey: ['me'] });
        void queryClient.invalidateQueries({ queryKey: ['orders'] });
      },
      onError: show,
    },
  );
  const phoneOf = (value: string | undefined): string | null => normalizePhone(value ?? '');
  const sendCode = async () => {
    const { phone } = await form.validateFields(['phone']).catch(() => ({ phone: null }));
    const e164 = phone ? phoneOf(phone) : null;
    if (e164) request.run(e164);
  };
  const phoneRule = {
    validator: async (_: unknown, value: string | undefined) => {
      if (!value) throw new Error(t('validation.required'));
      if (!phoneOf(value)) throw new Error(t('validation.phone'));
    },
  };
  return (
    <section className="shop-section" aria-labelledby="sign-in-title">
      <h2 id="sign-in-title">{t('shop.signIn.title')}</h2>
      <p className="shop-muted">{t('shop.signIn.why')}</p>
      <Form
        form={form}
        name="signin"
        layout="vertical"
        requiredMarkStyle="none"
        onFinish={(v) => verify.run({ phone: phoneOf(v.phone) ?? v.phone, code: v.code.trim() })}
        footer={
          <Button block type="submit" color="primary" size="large" loading={verify.busy}>
            {t('shop.signIn.submit')}
          </Button>
        }
      >
        <Form.Item
          name="phone"
          label={t('shop.signIn.phone')}
          rules={[phoneRule]}
          extra={
            <Button size="small" onClick={() => void sendCode()} loading={request.busy}>
              {sentTo ? t('shop.signIn.resend') : t('shop.signIn.sendCode')}
            </Button>
          }
        >
          <Input type="tel" inputMode="tel" autoComplete="tel" placeholder="138 0013 8000" />
        </Form.Item>
        {sentTo && (
          <p className="shop-muted" role="status" style={{ padding: '0 16px' }}>
            {t('shop.signIn.sent', { phone: sentTo })}
          </p>
        )}
        <Form.Item
          name="code"
          label={t('shop.signIn.code')}
          rules={[{ required: true, message: t('validation.required') }]}
        >
          <Input inputMode="numeric" autoComplete="one-time-code" maxLength={6} />
        </Form.Item>
      </Form>
      <ProblemLine error={request.problem ?? verify.problem} />
    </section>
  );
}

/** Who is signed in, with a way out. */
export function SignedInAs() {
  const { t } = useTranslation();
  const customer = useCustomer();
  const queryClient = useQueryClient();
  if (!customer) return null;
  return (
    <p className="shop-muted" data-testid="signed-in-as">
      {t('shop.signIn.signedInAs', { phone: customer.name })}{' '}
      <button
        type="button"
        className="shop-link-button"
        onClick={() => {
          clearSession();
          notifySessionChanged();
          queryClient.removeQueries({ queryKey: ['me'] });
          queryClient.removeQueries({ queryKey: ['orders'] });
        }}
      >
        {t('shop.signIn.signOut')}
      </button>
    </p>
  );
}
