import { Alert, Button, Card, Form, Input, Typography } from 'antd';
import { message } from 'antd';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router-dom';
import { api, ok } from '../api/client';
import { homeOf, readSession, type Session } from '../auth/session';
import { ProblemAlert } from '../components/ProblemAlert';
import { useAction } from '../api/useAction';
import { startSession } from './SignInPage';

interface Values {
  currentPassword: string;
  newPassword: string;
  confirm: string;
}

/**
 * Changes the signed-in staff member's password. A reset account lands here and cannot leave until it
 * is done. The change revokes every token of the account, this one included, so the console signs in
 * again with the new password and carries on.
 */
export function ChangePasswordPage({ session }: { session: Session }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [form] = Form.useForm<Values>();
  const change = useAction(
    async (v: Values) => {
      await ok(
        api.POST('/api/auth/password', {
          body: { currentPassword: v.currentPassword, newPassword: v.newPassword },
        }),
      );
      const res = await ok(
        api.POST('/api/auth/login', { body: { username: session.username!, password: v.newPassword } }),
      );
      return startSession({
        ...session,
        token: res.accessToken,
        mustChangePassword: res.user.mustChangePassword,
      });
    },
    {
      form,
      onSuccess: (s) => {
        void message.success(t('password.done'));
        navigate(homeOf(s.role), { replace: true });
      },
    },
  );
  return (
    <Card style={{ maxWidth: 440 }}>
      <Typography.Title level={2} style={{ fontSize: 20 }}>
        {t('password.title')}
      </Typography.Title>
      {readSession()?.mustChangePassword ? (
        <Alert type="warning" showIcon message={t('password.forced')} style={{ marginBottom: 16 }} />
      ) : null}
      <ProblemAlert problem={change.problem} />
      <Form<Values> form={form} layout="vertical" requiredMark={false} onFinish={(v) => change.run(v)}>
        <Form.Item
          name="currentPassword"
          label={t('password.current')}
          rules={[{ required: true, message: t('validation.required') }]}
        >
          <Input.Password autoComplete="current-password" autoFocus />
        </Form.Item>
        <Form.Item
          name="newPassword"
          label={t('password.next')}
          extra={t('password.rules')}
          rules={[{ required: true, message: t('validation.required') }]}
        >
          <Input.Password autoComplete="new-password" />
        </Form.Item>
        <Form.Item
          name="confirm"
          label={t('password.confirm')}
          dependencies={['newPassword']}
          rules={[
            { required: true, message: t('validation.required') },
            ({ getFieldValue }) => ({
              validator: (_, v) =>
                !v || v === getFieldValue('newPassword')
                  ? Promise.resolve()
                  : Promise.reject(new Error(t('password.mismatch'))),
            }),
          ]}
        >
          <Input.Password autoComplete="new-password" />
        </Form.Item>
        <Button type="primary" htmlType="submit" loading={change.busy} data-testid="change-password">
          {t('password.submit')}
        </Button>
      </Form>
    </Card>
  );
}
