import { Reflector } from '@nestjs/core';
import type { Response } from 'supertest';
import { RolesGuard } from '@campus/auth';
import { ROLES, Role } from '@campus/core';
import type { TestApp, World } from '@campus/testing';
import { auth, startApp } from './support/app';
import { concretePath, discoverRoutes, RouteInfo } from './support/routes';

const ALL: Role[] = [...ROLES];
const STAFF_READ: Role[] = ['admin', 'regional_manager', 'call_center', 'agent', 'pickup_staff'];

/**
 * Who may call each foundation route (API.md). A route whose @Roles differ from this table fails, so
 * a widened or narrowed policy is a deliberate, reviewed change. Routes added later are not listed
 * here but are still checked by the generic rules below.
 */
const EXPECTED: Record<string, Role[] | 'public'> = {
  'POST /api/auth/login': 'public',
  'POST /api/auth/otp/request': 'public',
  'POST /api/auth/otp/verify': 'public',
  'GET /api/auth/me': ALL,
  'POST /api/auth/password': STAFF_READ,
  'GET /api/users': ['admin', 'regional_manager'],
  'POST /api/users/:id/password-reset': ['admin', 'regional_manager'],
  'GET /api/audit': ['admin', 'regional_manager'],
  'POST /api/admin/queue-session': ['admin'],
  'PATCH /api/regions/:id': ['admin'],
  'PATCH /api/campuses/:id': ['admin', 'regional_manager'],
  'PATCH /api/pickup-points/:id': ['admin', 'regional_manager'],
  'GET /api/products/:sku/stock-movements': ['admin'],
  'GET /api/health': 'public',
  'GET /api/health/details': ['admin'],
  'GET /api/admin/dead-letters': ['admin'],
  'POST /api/admin/dead-letters/:queue/:jobId/rerun': ['admin'],
  'POST /api/regions': ['admin'],
  'GET /api/regions': ['admin', 'regional_manager', 'call_center'],
  'POST /api/campuses': ['admin', 'regional_manager'],
  'GET /api/campuses': STAFF_READ,
  'POST /api/pickup-points': ['admin', 'regional_manager'],
  'GET /api/pickup-points': ALL,
  'POST /api/lockers': ['admin', 'regional_manager'],
  'GET /api/lockers': STAFF_READ,
  'GET /api/lockers/:id': STAFF_READ,
  'POST /api/users': ['admin', 'regional_manager'],
  'PATCH /api/users/:id': ['admin', 'regional_manager'],
  'POST /api/agents': ['admin', 'regional_manager'],
  'PATCH /api/agents/:id': ['admin', 'regional_manager'],
  'GET /api/agents': ['admin', 'regional_manager', 'call_center'],
  'GET /api/agents/:id': ['admin', 'regional_manager', 'call_center', 'agent'],
  'POST /api/products': ['admin'],
  'GET /api/products': ALL,
  'GET /api/products/:sku': ALL,
  'PATCH /api/products/:sku': ['admin'],
  'POST /api/products/:sku/stock-adjustments': ['admin'],
  'POST /api/orders': ['customer', 'call_center', 'agent', 'pickup_staff'],
  'GET /api/orders': ALL,
  'GET /api/orders/:id': ALL,
  'GET /api/orders/:id/events': ALL,
  'POST /api/orders/:id/cancel': ['customer', 'call_center', 'regional_manager', 'admin'],
  'POST /api/orders/:id/complete': ['regional_manager', 'admin'],
  'POST /api/orders/:id/return': ['regional_manager', 'admin'],
  'POST /api/payments/notify': 'public',
  'POST /api/payments/alipay/notify': 'public',
  'GET /api/payments/methods': 'public',
  'POST /api/orders/:id/payments': ['customer', 'agent'],
  'GET /api/orders/:id/payments': ALL,
  'POST /api/orders/:id/payments/sync': ['customer', 'agent', 'call_center', 'regional_manager', 'admin'],
  'POST /api/orders/:id/payment-method': ['customer'],
  'GET /api/refunds': ['admin', 'regional_manager'],
  'POST /api/refunds/:id/paid-out': ['admin', 'regional_manager'],
  'POST /api/refunds/:id/retry': ['admin'],
  'POST /api/channels/sms/twilio': 'public',
  'POST /api/channels/sms/twilio/status': 'public',
  'GET /api/notifications': ['admin'],
  'GET /api/tasks': ['admin', 'regional_manager', 'call_center', 'agent'],
  'POST /api/tasks': ['call_center', 'regional_manager', 'admin'],
  'GET /api/tasks/:id': ['admin', 'regional_manager', 'call_center', 'agent'],
  'GET /api/tasks/:id/events': ['admin', 'regional_manager', 'call_center', 'agent'],
  'POST /api/tasks/:id/assign': ['regional_manager', 'admin'],
  'POST /api/tasks/:id/schedule': ['agent', 'call_center'],
  'POST /api/tasks/:id/start': ['agent'],
  'POST /api/tasks/:id/complete': ['agent'],
  'POST /api/tasks/:id/fail': ['agent'],
  'GET /api/reports/channels': ['regional_manager', 'admin'],
  'GET /api/reports/agents': ['regional_manager', 'admin'],
  'GET /api/reports/customers': ['regional_manager', 'admin'],
  'POST /api/commission-rules': ['admin'],
  'GET /api/commission-rules': ['admin', 'regional_manager'],
  'POST /api/commission-tiers': ['admin', 'regional_manager'],
  'GET /api/commission-tiers': ['admin', 'regional_manager'],
  'GET /api/commissions/entries': ['admin', 'regional_manager', 'agent'],
  'POST /api/commissions/adjustments': ['admin'],
  'GET /api/commissions/integrity': ['admin'],
  'GET /api/agents/:id/earnings': ['admin', 'regional_manager', 'agent'],
  'POST /api/settlements': ['regional_manager', 'admin'],
  'GET /api/settlements': ['regional_manager', 'admin'],
  'GET /api/settlements/:id': ['regional_manager', 'admin'],
  'POST /api/settlements/:id/approve': ['regional_manager', 'admin'],
  'DELETE /api/settlements/:id': ['regional_manager', 'admin'],
  'POST /api/settlements/:id/mark-paid': ['admin'],
  'GET /api/settlements/:id/export.csv': ['regional_manager', 'admin'],
  'GET /api/settlements/:id/statements/:agentId': ['regional_manager', 'admin', 'agent'],
  // Issue 17 (hardening)
  'POST /api/tasks/:id/new-code': ['call_center', 'regional_manager', 'admin'],
  'POST /api/orders/:id/failed-attempts': ['agent'],
  'GET /api/orders/:id/failed-attempts': ['agent', 'regional_manager', 'admin', 'call_center'],
  'POST /api/orders/:id/cancel-undeliverable': ['agent', 'regional_manager', 'admin'],
  'GET /api/fulfilment/unclaimed-cod': ['regional_manager', 'admin', 'call_center'],
  'POST /api/promotions': ['admin', 'regional_manager'],
  'GET /api/promotions': ['admin', 'regional_manager'],
  'GET /api/promotions/:id': ['admin', 'regional_manager'],
  'PATCH /api/promotions/:id': ['admin', 'regional_manager'],
  'POST /api/promotions/:id/coupons': ['admin', 'regional_manager'],
  'GET /api/promotions/:id/coupons': ['admin', 'regional_manager'],
  'POST /api/promotions/:id/coupons/send': ['admin', 'regional_manager'],
  'POST /api/flash-sales': ['admin', 'regional_manager'],
  'GET /api/flash-sales': ALL,
  'PATCH /api/flash-sales/:id': ['admin', 'regional_manager'],
  'GET /api/reports/promotions': ['regional_manager', 'admin'],
  // Desks (issue 15): pickup desk, call centre, agents' badge, staff alerts.
  'GET /api/lockers/:id/parcels': ['admin', 'regional_manager', 'pickup_staff', 'agent'],
  'GET /api/pickup-points/:id/parcels': ['admin', 'regional_manager', 'pickup_staff'],
  'POST /api/parcels/:orderId/resend-code': ['pickup_staff', 'call_center', 'customer'],
  'GET /api/cash-ups': ['admin', 'regional_manager', 'pickup_staff'],
  'GET /api/pickup-points/:id/cash-ups/:day': ['admin', 'regional_manager', 'pickup_staff'],
  'POST /api/pickup-points/:id/cash-ups/:day/hand-ins': ['pickup_staff'],
  'POST /api/pickup-points/:id/cash-ups/:day/close': ['pickup_staff'],
  'GET /api/fulfilment/work': ['agent'],
  'GET /api/fulfilment/work/news': ['agent'],
  'POST /api/fulfilment/work/seen': ['agent'],
  'GET /api/alerts': STAFF_READ,
  'POST /api/alerts/:id/ack': STAFF_READ,
  // The shop (issue 14): the public catalogue and the customer's address book.
  'GET /api/shop/campuses': 'public',
  'GET /api/shop/categories': 'public',
  'GET /api/shop/products': 'public',
  'GET /api/shop/products/:sku': 'public',
  'GET /api/shop/pickup-points': 'public',
  'GET /api/me/addresses': ['customer'],
  'POST /api/me/addresses': ['customer'],
  'PATCH /api/me/addresses/:id': ['customer'],
  'DELETE /api/me/addresses/:id': ['customer'],
};

const key = (r: RouteInfo) => `${r.method} ${r.path}`;

describe('Access matrix: every route, every role (e2e)', () => {
  let app: TestApp;
  let w: World;
  let routes: RouteInfo[];
  const tokens = {} as Record<Role, string>;

  beforeAll(async () => {
    let fx;
    ({ app, fx } = await startApp());
    w = await fx.world();
    tokens.admin = w.tokens.admin;
    tokens.regional_manager = w.tokens.managerA;
    tokens.call_center = w.tokens.callCenter;
    tokens.agent = w.agentA1.token;
    tokens.pickup_staff = w.tokens.pickupA1;
    tokens.customer = (await fx.customer('+8613755550000')).token;
    routes = discoverRoutes(app.api);
  });
  afterAll(() => app?.close());

  const call = (r: RouteInfo, token?: string): Promise<Response> => {
    const method = r.method.toLowerCase() as 'get' | 'post' | 'patch' | 'put' | 'delete';
    let req = app.http()[method](concretePath(r.path, { sku: w.skus.usb }));
    if (token) req = req.set(auth(token));
    return method === 'get' || method === 'delete' ? req : req.send({});
  };

  it('discovers the routes the app really serves', async () => {
    expect(routes.length).toBeGreaterThanOrEqual(Object.keys(EXPECTED).length);
    const fastify = app.api.getHttpAdapter().getInstance() as {
      hasRoute: (o: { method: string; url: string }) => boolean;
    };
    const unknown = routes.filter((r) => !fastify.hasRoute({ method: r.method, url: r.path }));
    expect(unknown.map(key)).toEqual([]);
    expect(new Set(routes.map(key)).size).toBe(routes.length);
  });

  it('every route has @Roles (with at least one role) or @Public, never both', () => {
    const bad = routes
      .filter((r) => r.isPublic === (r.roles !== undefined) || (r.roles && r.roles.length === 0))
      .map((r) => `${key(r)} (${r.controller}.${r.handler})`);
    expect(bad).toEqual([]);
    const unknownRoles = routes.flatMap((r) => (r.roles ?? []).filter((role) => !ALL.includes(role)));
    expect(unknownRoles).toEqual([]);
  });

  it('the foundation routes exist with the roles API.md gives them', () => {
    const actual = Object.fromEntries(
      routes
        .filter((r) => key(r) in EXPECTED)
        .map((r) => [key(r), r.isPublic ? 'public' : [...(r.roles ?? [])].sort()]),
    );
    const expected = Object.fromEntries(
      Object.entries(EXPECTED).map(([k, v]) => [k, v === 'public' ? v : [...v].sort()]),
    );
    expect(actual).toEqual(expected);
  });

  it('anonymous callers get 401 problem+json on every route that is not @Public', async () => {
    const wrong: string[] = [];
    for (const r of routes.filter((x) => !x.isPublic)) {
      const res = await call(r);
      if (res.status !== 401 || !/^application\/problem\+json/.test(res.headers['content-type'] ?? '')) {
        wrong.push(`${key(r)} → ${res.status}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('each role not named in @Roles gets 403 on every route; each role named gets past the guard', async () => {
    const wrong: string[] = [];
    let checked = 0;
    for (const r of routes.filter((x) => !x.isPublic)) {
      for (const role of ALL) {
        const res = await call(r, tokens[role]);
        checked++;
        const allowed = r.roles!.includes(role);
        const refusedByRole = res.status === 403 && res.body.code === 'role_not_allowed';
        if (!allowed && !refusedByRole) wrong.push(`${key(r)} as ${role}: expected 403, got ${res.status}`);
        if (allowed && (refusedByRole || res.status === 401)) {
          wrong.push(`${key(r)} as ${role}: allowed by @Roles but got ${res.status}`);
        }
        if (res.status >= 500) wrong.push(`${key(r)} as ${role}: ${res.status}`);
      }
    }
    expect(wrong).toEqual([]);
    expect(checked).toBe(routes.filter((x) => !x.isPublic).length * ALL.length);
  });

  it('a route without a policy would be refused to everyone (deny by default)', () => {
    // The guard itself: a token-holding admin calling a route whose metadata was stripped.
    const guard = new RolesGuard(new Reflector());
    const ctx = {
      getType: () => 'http',
      getHandler: () => function noPolicy() {},
      getClass: () => class NoPolicyController {},
      switchToHttp: () => ({ getRequest: () => ({ user: { role: 'admin' } }) }),
    };
    expect(() => guard.canActivate(ctx as never)).toThrow(/no role policy/);
  });
});
