import { useState } from 'react';
import { Button, Card, Form, Input, Space, Tabs, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router-dom';
import { api, ok } from '../api/client';
import { clearSession, homeOf, writeSession, type Session } from '../auth/session';
import { LanguageSwitch } from '../components/LanguageSwitch';
import { ProblemAlert } from '../components/ProblemAlert';
import { useAction } from '../api/useAction';
import { normalizePhone } from '../lib/phone';

/** Reads the caller's scope (agent id, region, pickup point) once the token is known. */
export async function startSession(base: Session): Promise<Session> {
  writeSession(base);
  const me = await ok(api.GET('/api/auth/me'));
  const session: Session = {
    ...base,
    userId: me.id,
    agentId: me.agentId ?? null,
    regionId: me.regionId ?? null,
    campusId: me.campusId ?? null,
    pickupPointId: me.pickupPointId ?? null,
  };
  writeSession(session);
  return session;
}

function StaffSignIn() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [form] = Form.useForm<{ username: string; password: string }>();
  const signIn = useAction(
    async (values: { username: string; password: string }) => {
      try {
        const res = await ok(api.POST('/api/auth/login', { body: values }));
        return await startSession({
          token: res.accessToken,
          kind: 'user',
          role: res.user.role,
          name: res.user.displayName ?? res.user.username,
          username: res.user.username,
          mustChangePassword: res.user.mustChangePassword,
        });
      } catch (err) {
        clearSession();
        throw err;
      }
    },
    {
      form,
      onSuccess: (s) =>
        navigate(s.mustChangePassword ? '/change-password' : homeOf(s.role), { replace: true }),
    },
  );
  return (
    <Form form={form} layout="vertical" requiredMark={false} onFinish={(values) => signIn.run(values)}>
      <ProblemAlert problem={signIn.problem} />
      <Form.Item
        name="username"
        label={t('signIn.username')}
        rules={[{ required: true, message: t('validation.required') }]}
      >
        <Input autoComplete="username" autoFocus />
      </Form.Item>
      <Form.Item
        name="password"
        label={t('signIn.password')}
        rules={[{ required: true, message: t('validation.required') }]}
      >
        <Input.Password autoComplete="current-password" />
      </Form.Item>
      <Button type="primary" htmlType="submit" loading={signIn.busy} block>
        {t('signIn.submit')}
      </Button>
    </Form>
  );
}

function CustomerSignIn() {
  const { t, i18n } = useTranslation();
  const navigate = useNavigate();
  const [form] = Form.useForm<{ phone: string; code: string }>();
  const [sentTo, setSentTo] = useState<string | null>(null);
  const sendCode = useAction(
    async (e164: string) => {
      await ok(
        api.POST('/api/auth/otp/request', {
          body: { phone: e164, language: i18n.language === 'en' ? 'en' : 'zh-CN' },
        }),
      );
      return e164;
    },
    { form, onSuccess: setSentTo },
  );
  const verify = useAction(
    async (values: { phone: string; code: string }) => {
      try {
        const res = await ok(
          api.POST('/api/auth/otp/verify', {
            body: { phone: normalizePhone(values.phone) ?? values.phone, code: values.code },
          }),
        );
        return await startSession({
          token: res.accessToken,
          kind: 'customer',
          role: 'customer',
          name: res.customer.phone,
        });
      } catch (err) {
        clearSession();
        throw err;
      }
    },
    { form, onSuccess: (s) => navigate(homeOf(s.role), { replace: true }) },
  );
  // The problem of the latest try (sending a code or signing in): starting one clears the other's.
  const problem = verify.problem ?? sendCode.problem;
  const requestCode = async () => {
    const { phone } = await form.validateFields(['phone']).catch(() => ({ phone: null }));
    if (phone === null) return;
    const e164 = normalizePhone(phone);
    if (!e164) {
      form.setFields([{ name: 'phone', errors: [t('validation.phone')] }]);
      return;
    }
    verify.reset();
    sendCode.run(e164);
  };
  return (
    <Form
      form={form}
      layout="vertical"
      requiredMark={false}
      onFinish={(values) => {
        sendCode.reset();
        verify.run(values);
      }}
    >
      <ProblemAlert problem={problem} />
      <Form.Item
        name="phone"
        label={t('signIn.phone')}
        rules={[{ required: true, message: t('validation.required') }]}
      >
        <Input autoComplete="tel" inputMode="tel" />
      </Form.Item>
      <Space direction="vertical" style={{ width: '100%', marginBottom: 16 }}>
        <Button onClick={() => void requestCode()} loading={sendCode.busy} block>
          {t('signIn.sendCode')}
        </Button>
        {sentTo && (
          <Typography.Text type="success">{t('signIn.codeSent', { phone: sentTo })}</Typography.Text>
        )}
      </Space>
      <Form.Item
        name="code"
        label={t('signIn.code')}
        rules={[{ required: true, message: t('validation.required') }]}
      >
        <Input autoComplete="one-time-code" inputMode="numeric" maxLength={6} />
      </Form.Item>
      <Button type="primary" htmlType="submit" loading={verify.busy} block>
        {t('signIn.submit')}
      </Button>
    </Form>
  );
}

export function SignInPage() {
  const { t } = useTranslation();
  return (
    <main
      style={{
        display: 'flex',
        justifyContent: 'center',
        padding: '48px 16px',
        minHeight: '100vh',
        background: '#f3f5f8',
      }}
    >
      <Card
        title={<h1 style={{ fontSize: 20, margin: 0 }}>{`${t('app.title')} · ${t('signIn.title')}`}</h1>}
        extra={<LanguageSwitch />}
        style={{ width: 400, maxWidth: '100%', alignSelf: 'flex-start' }}
      >
        <Tabs
          items={[
            { key: 'staff', label: t('signIn.staff'), children: <StaffSignIn /> },
            { key: 'customer', label: t('signIn.customer'), children: <CustomerSignIn /> },
          ]}
        />
      </Card>
    </main>
  );
}
