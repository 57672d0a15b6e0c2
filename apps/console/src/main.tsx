import React, { lazy, Suspense } from 'react';
import ReactDOM from 'react-dom/client';
import { QueryClientProvider } from '@tanstack/react-query';
import { BrowserRouter, Route, Routes } from 'react-router-dom';
import './i18n';
import './theme.css';
import { makeQueryClient } from './api/query';

const queryClient = makeQueryClient();

// One app, two layouts, each its own chunk: the shop at /shop never downloads the desks' antd,
// ECharts or pages, and the staff console never downloads the shop.
const ShopApp = lazy(() => import('./shop/ShopApp'));
const ConsoleApp = lazy(() => import('./App').then((m) => ({ default: m.App })));

ReactDOM.createRoot(document.getElementById('root')!).render(
  <React.StrictMode>
    <QueryClientProvider client={queryClient}>
      <BrowserRouter>
        <Suspense fallback={null}>
          <Routes>
            <Route path="/shop/*" element={<ShopApp />} />
            <Route path="*" element={<ConsoleApp />} />
          </Routes>
        </Suspense>
      </BrowserRouter>
    </QueryClientProvider>
  </React.StrictMode>,
);
