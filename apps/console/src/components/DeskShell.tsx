import type { ReactNode } from 'react';
import { Button, Layout, Space, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router-dom';
import { clearSession, type Session } from '../auth/session';
import { LanguageSwitch } from './LanguageSwitch';

/** The desk screens' frame: title, who is signed in, language, sign out. */
export function DeskShell({ session, children }: { session: Session; children: ReactNode }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Layout.Header
        style={{
          display: 'flex',
          alignItems: 'center',
          justifyContent: 'space-between',
          background: '#10253f',
        }}
      >
        <Typography.Title level={4} style={{ color: '#fff', margin: 0 }}>
          {t('app.title')}
        </Typography.Title>
        <Space>
          <Typography.Text style={{ color: '#cfd8e3' }} data-testid="signed-in-as">
            {session.name}
          </Typography.Text>
          <LanguageSwitch />
          <Button
            onClick={() => {
              clearSession();
              navigate('/sign-in', { replace: true });
            }}
          >
            {t('app.signOut')}
          </Button>
        </Space>
      </Layout.Header>
      <Layout.Content style={{ padding: 24 }}>
        <main>{children}</main>
      </Layout.Content>
    </Layout>
  );
}
