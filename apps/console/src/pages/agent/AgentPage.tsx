import { useEffect, useRef, useState } from 'react';
import { Button, Tabs } from 'antd-mobile';
import { useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router-dom';
import { clearSession, type Session } from '../../auth/session';
import { setLanguage } from '../../i18n';
import { Deliveries } from './Deliveries';
import { Earnings } from './Earnings';
import { LogOrder } from './LogOrder';
import { MyCode } from './MyCode';
import { MyOrders } from './MyOrders';
import { agentKeys, useMarkSeen, useNews } from './queries';
import { Tasks } from './Tasks';

type Tab = 'deliveries' | 'tasks' | 'new' | 'earnings' | 'me';
/** The lists whose "last seen" the server keeps, by the tab that shows them. */
const SEEN_LIST: Partial<Record<Tab, 'orders' | 'tasks'>> = { deliveries: 'orders', tasks: 'tasks' };

/**
 * Opening a list marks it seen on the server (so every device shows the same badge); the work given
 * since the previous visit stays marked "new" on screen until the list is left.
 */
function useSeenMarking(tab: Tab) {
  const news = useNews();
  const markSeen = useMarkSeen().run;
  const [since, setSince] = useState<{ orders: string | null; tasks: string | null }>({
    orders: null,
    tasks: null,
  });
  const marked = useRef<Tab | null>(null);
  useEffect(() => {
    const list = SEEN_LIST[tab];
    if (!list || !news.data || marked.current === tab) return;
    marked.current = tab;
    const previous = news.data[list].seenAt ?? null;
    setSince((s) => ({ ...s, [list]: previous }));
    if (news.data[list].count === 0 && previous) return;
    markSeen(list);
  }, [tab, news.data, markSeen]);
  useEffect(() => {
    if (marked.current !== tab) marked.current = null;
  }, [tab]);
  return { news: news.data, since };
}

/** The agent's phone screens (375 px first): deliveries, tasks, log an order, earnings, referral code. */
export function AgentPage({ session }: { session: Session }) {
  const { t, i18n } = useTranslation();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [tab, setTab] = useState<Tab>('deliveries');
  const agentId = session.agentId ?? '';
  const { news, since } = useSeenMarking(tab);
  // Dark red under white digits (7:1): the default badge red is too light for small text.
  const badge = (count: number | undefined, list: Tab) =>
    count && tab !== list ? (
      <span
        data-testid={`badge-${list}`}
        title={t('desks.agent.newBadge', { count })}
        style={{
          background: '#a8071a',
          color: '#fff',
          borderRadius: 9,
          padding: '0 6px',
          fontSize: 12,
          marginLeft: 2,
        }}
      >
        {count}
      </span>
    ) : null;
  const english = i18n.language === 'en';
  return (
    <div style={{ maxWidth: 600, margin: '0 auto', minHeight: '100vh', background: '#f5f5f5' }}>
      {/* A plain header: antd-mobile's NavBar makes its left area a control, which would nest the
          language button inside another (axe: nested-interactive). */}
      <header
        style={{
          display: 'flex',
          alignItems: 'center',
          justifyContent: 'space-between',
          height: 45,
          padding: '0 8px',
          background: '#fff',
          borderBottom: '1px solid #eee',
        }}
      >
        {/* The button's name is what it shows: the other language, in that language. */}
        <Button size="mini" fill="none" onClick={() => setLanguage(english ? 'zh-CN' : 'en')}>
          <span lang={english ? 'zh-CN' : 'en'}>{english ? '中文' : 'EN'}</span>
        </Button>
        <h1
          style={{
            fontSize: 17,
            margin: 0,
            overflow: 'hidden',
            textOverflow: 'ellipsis',
            whiteSpace: 'nowrap',
          }}
        >
          {session.name}
        </h1>
        <Button
          size="mini"
          fill="none"
          onClick={() => {
            clearSession();
            queryClient.clear();
            navigate('/sign-in', { replace: true });
          }}
        >
          {t('app.signOut')}
        </Button>
      </header>
      <main>
        <Tabs
          activeKey={tab}
          onChange={(key) => {
            setTab(key as Tab);
            // Whatever was given meanwhile shows up in the tab just opened (and in the badges).
            void queryClient.invalidateQueries({ queryKey: agentKeys.all });
          }}
        >
          <Tabs.Tab
            key="deliveries"
            title={
              <span data-testid="tab-deliveries">
                {t('agent.deliveries')} {badge(news?.orders.count, 'deliveries')}
              </span>
            }
          >
            <Deliveries newSince={since.orders} />
          </Tabs.Tab>
          <Tabs.Tab
            key="tasks"
            title={
              <span data-testid="tab-tasks">
                {t('agent.tasks')} {badge(news?.tasks.count, 'tasks')}
              </span>
            }
          >
            <Tasks newSince={since.tasks} />
          </Tabs.Tab>
          <Tabs.Tab key="new" title={t('desks.agent.tabs.newOrder')}>
            <LogOrder session={session} />
            <MyOrders agentId={agentId} />
          </Tabs.Tab>
          <Tabs.Tab key="earnings" title={t('agent.earnings')}>
            <Earnings agentId={agentId} />
          </Tabs.Tab>
          <Tabs.Tab key="me" title={t('desks.agent.tabs.me')}>
            <MyCode agentId={agentId} />
          </Tabs.Tab>
        </Tabs>
      </main>
    </div>
  );
}
