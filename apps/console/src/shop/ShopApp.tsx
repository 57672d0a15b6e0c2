import { useEffect, useSyncExternalStore, type ReactNode } from 'react';
import { ConfigProvider, TabBar, Toast } from 'antd-mobile';
import enUS from 'antd-mobile/es/locales/en-US';
import zhCN from 'antd-mobile/es/locales/zh-CN';
import { useTranslation } from 'react-i18next';
import { Link, Route, Routes, useLocation, useNavigate } from 'react-router-dom';
import { setUnauthorizedHandler } from '../api/client';
import { setLanguage } from '../i18n';
import { cartCount } from './cart';
import { DESK_MEDIA } from './channel';
import { CartPanel } from './components/CartPanel';
import { CartIcon, OrdersIcon, ShopIcon } from './components/icons';
import { CampusPage } from './pages/CampusPage';
import { CartPage } from './pages/CartPage';
import { CataloguePage } from './pages/CataloguePage';
import { CheckoutPage } from './pages/CheckoutPage';
import { OrderPage } from './pages/OrderPage';
import { OrdersPage } from './pages/OrdersPage';
import { ProductPage } from './pages/ProductPage';
import { TicketsPage } from './pages/TicketsPage';
import { agentStore, notifySessionChanged, useCampus, useCart } from './store';
import './shop.css';

function subscribeDesk(onChange: () => void): () => void {
  const mq = window.matchMedia(DESK_MEDIA);
  mq.addEventListener('change', onChange);
  return () => mq.removeEventListener('change', onChange);
}

/** Whether the desk (two-column) layout is showing: the same breakpoint decides the order's channel. */
export function useDeskLayout(): boolean {
  return useSyncExternalStore(subscribeDesk, () => window.matchMedia(DESK_MEDIA).matches);
}

function LanguageToggle() {
  const { i18n, t } = useTranslation();
  const en = i18n.language === 'en';
  return (
    <button type="button" className="shop-lang" onClick={() => setLanguage(en ? 'zh-CN' : 'en')}>
      <span className="sr-only">{t('shop.language')}: </span>
      <span lang={en ? 'zh-CN' : 'en'}>{en ? '中文' : 'EN'}</span>
    </button>
  );
}

function Header({ desk }: { desk: boolean }) {
  const { t } = useTranslation();
  const [campus] = useCampus();
  const [cart] = useCart();
  const count = cartCount(cart);
  return (
    <header className="shop-header">
      <div className="shop-header-row">
        <Link to="/shop" className="shop-brand">
          <h1>{t('shop.title')}</h1>
        </Link>
        {desk && (
          <nav aria-label={t('shop.nav.main')} className="shop-desk-nav">
            <Link to="/shop">{t('shop.nav.catalogue')}</Link>
            <Link to="/shop/cart">
              {t('shop.nav.cart')}
              {count > 0 && <span className="shop-count">{count}</span>}
            </Link>
            <Link to="/shop/orders">{t('shop.nav.orders')}</Link>
          </nav>
        )}
        <LanguageToggle />
      </div>
      {campus && (
        <Link to="/shop/campus" className="shop-campus-link" data-testid="campus-link">
          {t('shop.campus.change', { name: campus.name })}
        </Link>
      )}
    </header>
  );
}

function BottomTabs() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const { pathname } = useLocation();
  const [cart] = useCart();
  const count = cartCount(cart);
  const active =
    pathname.startsWith('/shop/cart') || pathname.startsWith('/shop/checkout')
      ? '/shop/cart'
      : pathname.startsWith('/shop/orders') || pathname.startsWith('/shop/tickets')
        ? '/shop/orders'
        : '/shop';
  return (
    <nav aria-label={t('shop.nav.main')} className="shop-tabs">
      <TabBar activeKey={active} onChange={(key) => navigate(key)} safeArea>
        <TabBar.Item key="/shop" icon={<ShopIcon />} title={t('shop.nav.catalogue')} />
        <TabBar.Item
          key="/shop/cart"
          icon={<CartIcon />}
          title={t('shop.nav.cart')}
          badge={count > 0 ? String(count) : undefined}
        />
        <TabBar.Item key="/shop/orders" icon={<OrdersIcon />} title={t('shop.nav.orders')} />
      </TabBar>
    </nav>
  );
}

function Frame({ children }: { children: ReactNode }) {
  const desk = useDeskLayout();
  const { pathname } = useLocation();
  // The desk layout keeps the cart beside whatever is shown, except where the cart is the page.
  const aside = desk && !/^\/shop\/(cart|checkout|campus)/.test(pathname);
  return (
    <div className={desk ? 'shop shop-desk' : 'shop shop-phone'} data-layout={desk ? 'desk' : 'phone'}>
      <Header desk={desk} />
      <div className="shop-body">
        <main className="shop-main">{children}</main>
        {aside && (
          <aside className="shop-aside">
            <CartPanel />
          </aside>
        )}
      </div>
      {/* Checkout is a flow of its own: its last button is not hidden behind the tabs. */}
      {!desk && !pathname.startsWith('/shop/checkout') && <BottomTabs />}
    </div>
  );
}

/**
 * The shop at /shop: its own layout (antd-mobile, phone first; two columns on a desktop-wide
 * screen), loaded as its own chunk so it never downloads the desks' antd or ECharts.
 */
export default function ShopApp() {
  const { i18n, t } = useTranslation();
  const navigate = useNavigate();
  const { search } = useLocation();

  // An agent's share link (/shop?agent=CODE) is remembered for this visit.
  useEffect(() => {
    const code = new URLSearchParams(search).get('agent');
    if (code) agentStore.set(code);
  }, [search]);

  useEffect(() => {
    // A 401 (expired token) signs the customer out of the shop, not into the staff sign-in page.
    setUnauthorizedHandler(() => {
      notifySessionChanged();
      Toast.show({ content: t('shop.signIn.again') });
    });
  }, [navigate, t]);

  useEffect(() => {
    document.documentElement.classList.add('shop-page');
    return () => document.documentElement.classList.remove('shop-page');
  }, []);

  useEffect(() => {
    document.documentElement.lang = i18n.language === 'en' ? 'en' : 'zh-CN';
    document.title = t('shop.title');
  }, [i18n.language, t]);

  return (
    <ConfigProvider locale={i18n.language === 'en' ? enUS : zhCN}>
      <Frame>
        <Routes>
          <Route index element={<CataloguePage />} />
          <Route path="campus" element={<CampusPage />} />
          <Route path="products/:sku" element={<ProductPage />} />
          <Route path="cart" element={<CartPage />} />
          <Route path="checkout" element={<CheckoutPage />} />
          <Route path="orders" element={<OrdersPage />} />
          <Route path="orders/:id" element={<OrderPage />} />
          <Route path="tickets" element={<TicketsPage />} />
          <Route path="*" element={<CataloguePage />} />
        </Routes>
      </Frame>
    </ConfigProvider>
  );
}
