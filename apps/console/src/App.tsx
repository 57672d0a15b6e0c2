import { lazy, Suspense, useEffect, useState } from 'react';
import { ConfigProvider, Spin } from 'antd';
import antdEn from 'antd/locale/en_US';
import antdZh from 'antd/locale/zh_CN';
import { ConfigProvider as MobileConfigProvider } from 'antd-mobile';
import mobileEn from 'antd-mobile/es/locales/en-US';
import mobileZh from 'antd-mobile/es/locales/zh-CN';
import { useTranslation } from 'react-i18next';
import { Navigate, Route, Routes, useNavigate } from 'react-router-dom';
import { setUnauthorizedHandler } from './api/client';
import './locales/desk-strings';
import { homeOf, readSession, type Session } from './auth/session';
import { DeskShell } from './components/DeskShell';
import { AgentPage } from './pages/agent/AgentPage';
import { CallCentrePage } from './pages/callcentre/CallCentrePage';
import { CustomerPage } from './pages/CustomerPage';
import { ManagerPage } from './pages/ManagerPage';
import { PickupPage } from './pages/pickup/PickupPage';
import { ChangePasswordPage } from './pages/ChangePasswordPage';
import { SignInPage } from './pages/SignInPage';

// The admin console is only for admins and managers: loaded when first opened.
const AdminPage = lazy(() => import('./pages/admin/AdminPage'));

function RequireRole({ roles, children }: { roles: string[]; children: (s: Session) => JSX.Element }) {
  const session = readSession();
  if (!session) return <Navigate to="/sign-in" replace />;
  if (!roles.includes(session.role)) return <Navigate to={homeOf(session.role)} replace />;
  // A temporary password must be changed before anything else (the API answers 403 until then).
  if (session.mustChangePassword) return <Navigate to="/change-password" replace />;
  return children(session);
}

export function App() {
  const { i18n } = useTranslation();
  const navigate = useNavigate();
  const [, setVersion] = useState(0);
  useEffect(() => {
    // Any 401 (expired or revoked token) ends the session and returns to sign-in.
    setUnauthorizedHandler(() => {
      setVersion((v) => v + 1);
      navigate('/sign-in', { replace: true });
    });
  }, [navigate]);
  const zh = i18n.language !== 'en';
  const session = readSession();
  return (
    <ConfigProvider
      locale={zh ? antdZh : antdEn}
      theme={{
        token: {
          // 5.4:1 on the desks' grey background (#1f6feb was 4.3:1 there: their active tabs failed AA).
          colorPrimary: '#1a5fd0',
          // Darker than antd's defaults, so hints, empty states and danger text meet WCAG AA (4.5:1).
          colorError: '#cf1322',
          colorTextDescription: '#595959',
          colorTextTertiary: '#595959',
          colorTextPlaceholder: '#6b6b6b',
          colorTextDisabled: '#6b6b6b',
        },
      }}
      // No space between two Chinese characters: a button's accessible name stays its label.
      button={{ autoInsertSpace: false }}
    >
      <MobileConfigProvider locale={zh ? mobileZh : mobileEn}>
        <Routes>
          <Route path="/sign-in" element={<SignInPage />} />
          <Route
            path="/change-password"
            element={
              session && session.kind === 'user' ? (
                <DeskShell session={session}>
                  <ChangePasswordPage session={session} />
                </DeskShell>
              ) : (
                <Navigate to="/sign-in" replace />
              )
            }
          />
          <Route
            path="/admin/*"
            element={
              <RequireRole roles={['regional_manager', 'admin']}>
                {(s) => (
                  <DeskShell session={s}>
                    <Suspense fallback={<Spin />}>
                      <AdminPage session={s} />
                    </Suspense>
                  </DeskShell>
                )}
              </RequireRole>
            }
          />
          <Route
            path="/call-centre"
            element={
              <RequireRole roles={['call_center']}>
                {(s) => (
                  <DeskShell session={s}>
                    <CallCentrePage />
                  </DeskShell>
                )}
              </RequireRole>
            }
          />
          <Route
            path="/pickup"
            element={
              <RequireRole roles={['pickup_staff']}>
                {(s) => (
                  <DeskShell session={s}>
                    <PickupPage session={s} />
                  </DeskShell>
                )}
              </RequireRole>
            }
          />
          <Route
            path="/manager/*"
            element={
              <RequireRole roles={['regional_manager', 'admin']}>
                {(s) => (
                  <DeskShell session={s}>
                    <ManagerPage session={s} />
                  </DeskShell>
                )}
              </RequireRole>
            }
          />
          <Route
            path="/agent/*"
            element={<RequireRole roles={['agent']}>{(s) => <AgentPage session={s} />}</RequireRole>}
          />
          <Route
            path="/my-orders"
            element={
              <RequireRole roles={['customer']}>
                {(s) => (
                  <DeskShell session={s}>
                    <CustomerPage />
                  </DeskShell>
                )}
              </RequireRole>
            }
          />
          <Route path="*" element={<Navigate to={session ? homeOf(session.role) : '/sign-in'} replace />} />
        </Routes>
      </MobileConfigProvider>
    </ConfigProvider>
  );
}
