import type { ReactNode } from 'react';
import { Button, Layout, Space, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link, useLocation, useNavigate } from 'react-router-dom';
import { clearSession, type Session } from '../auth/session';
import { LanguageSwitch } from './LanguageSwitch';

/**
 * The desk screens' frame: the app's name as the page's one h1, the sections the role may open, who
 * is signed in, language, password, sign out. Layout.Content is the page's one `main` landmark (the
 * pages inside never add another).
 */
export function DeskShell({ session, children }: { session: Session; children: ReactNode }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const { pathname } = useLocation();
  const desks =
    session.role === 'admin' || session.role === 'regional_manager'
      ? [
          { to: '/manager', label: t('admin.dispatch') },
          { to: '/admin', label: t('admin.title') },
        ]
      : [];
  const linkStyle = (to: string) => ({
    color: '#fff',
    fontWeight: pathname.startsWith(to) ? 600 : 400,
    textDecoration: pathname.startsWith(to) ? 'underline' : 'none',
  });
  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Layout.Header
        style={{
          display: 'flex',
          alignItems: 'center',
          justifyContent: 'space-between',
          background: '#10253f',
          gap: 16,
        }}
      >
        <Space size="large">
          <Typography.Title level={1} style={{ color: '#fff', margin: 0, fontSize: 20 }}>
            {t('app.title')}
          </Typography.Title>
          {desks.length ? (
            <nav aria-label={t('admin.nav')}>
              <Space size="middle">
                {desks.map((d) => (
                  <Link
                    key={d.to}
                    to={d.to}
                    style={linkStyle(d.to)}
                    aria-current={pathname.startsWith(d.to) ? 'page' : undefined}
                  >
                    {d.label}
                  </Link>
                ))}
              </Space>
            </nav>
          ) : null}
        </Space>
        <Space>
          <Typography.Text style={{ color: '#e6edf5' }} data-testid="signed-in-as">
            {session.name}
          </Typography.Text>
          <LanguageSwitch />
          {session.kind === 'user' ? (
            <Link to="/change-password" style={{ color: '#fff' }}>
              {t('password.link')}
            </Link>
          ) : null}
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
      <Layout.Content style={{ padding: 24 }}>{children}</Layout.Content>
    </Layout>
  );
}
