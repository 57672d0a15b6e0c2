import { Card, Tabs } from 'antd';
import { useTranslation } from 'react-i18next';
import { useNavigate, useParams } from 'react-router-dom';
import type { Session } from '../../auth/session';
import { AuditTab } from './AuditTab';
import { CommissionsTab } from './CommissionsTab';
import { MessagesTab } from './MessagesTab';
import { NetworkTab } from './NetworkTab';
import { PayoutsTab } from './PayoutsTab';
import { ProductsTab } from './ProductsTab';
import { PromotionsTab } from './PromotionsTab';
import { QueuesTab } from './QueuesTab';
import { UsersTab } from './UsersTab';
import ReturnsPanel from '../ReturnsPanel';

/**
 * The admin console (desk layout, keyboard first: every control is a tab stop, forms submit on
 * Enter). Admins see every section; a regional manager the ones API.md opens to them, for their
 * region (the API scopes the data: network, users, tiers, audit).
 */
export default function AdminPage({ session }: { session: Session }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const { '*': tab } = useParams();
  const admin = session.role === 'admin';
  const items = [
    admin && { key: 'products', label: t('admin.tabs.products'), children: <ProductsTab /> },
    { key: 'network', label: t('admin.tabs.network'), children: <NetworkTab session={session} /> },
    { key: 'users', label: t('admin.tabs.users'), children: <UsersTab session={session} /> },
    {
      key: 'commissions',
      label: t('admin.tabs.commissions'),
      children: <CommissionsTab session={session} />,
    },
    { key: 'promotions', label: t('promotions.tab'), children: <PromotionsTab session={session} /> },
    admin && { key: 'settlements', label: t('admin.tabs.settlements'), children: <PayoutsTab /> },
    admin && { key: 'messages', label: t('admin.tabs.messages'), children: <MessagesTab /> },
    admin && { key: 'returns', label: t('deskReturns.tab'), children: <ReturnsPanel /> },
    { key: 'audit', label: t('admin.tabs.audit'), children: <AuditTab /> },
    // Not "queues": the server mounts the board itself at /admin/queues (outside this app).
    admin && { key: 'jobs', label: t('admin.tabs.queues'), children: <QueuesTab /> },
  ].filter((x): x is { key: string; label: string; children: JSX.Element } => Boolean(x));
  const active = items.some((i) => i.key === tab) ? tab! : items[0].key;
  return (
    <Card>
      <Tabs
        activeKey={active}
        destroyInactiveTabPane
        onChange={(key) => navigate(`/admin/${key}`)}
        items={items}
      />
    </Card>
  );
}
