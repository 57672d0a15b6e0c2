import type { TestApp, Fixtures } from '@campus/testing';
import { DEMO_PASSWORD, seedDemo } from '../scripts/seed-demo';
import { auth, startApp } from './support/app';

/** A list route's items, whether it answers an array or a page `{items, nextCursor}`. */
type Item = { code?: string; sku?: string; requiresInstallation?: boolean };
const list = (body: Item[] | { items: Item[] }): Item[] => (Array.isArray(body) ? body : body.items);

/** `npm start` seeds this dataset into an empty database (issue 2: the demo a newcomer clicks through). */
describe('demo dataset (e2e)', () => {
  let app: TestApp;
  let fx: Fixtures;
  beforeAll(async () => {
    ({ app, fx } = await startApp());
  });
  afterAll(() => app?.close());

  it('seeds an empty database once: one account per staff role that signs in, the network, products and commission rules', async () => {
    const accounts = await seedDemo(app.api);
    expect(accounts?.map((a) => a.role).sort()).toEqual([
      'agent',
      'agent',
      'call_center',
      'pickup_staff',
      'regional_manager',
    ]);
    for (const a of accounts!) {
      expect(a.password).toBe(DEMO_PASSWORD);
      const me = await app
        .http()
        .get('/api/auth/me')
        .set(auth(await fx.login(a.username, a.password)));
      expect(me.status).toBe(200);
      expect(me.body.role).toBe(a.role);
    }

    const admin = await fx.admin();
    const campuses = await app.http().get('/api/campuses').set(auth(admin));
    expect(
      list(campuses.body)
        .map((c) => c.code)
        .sort(),
    ).toEqual(['PKU', 'THU']);
    const lockers = await app.http().get('/api/lockers').set(auth(admin));
    expect(list(lockers.body)).toHaveLength(2);
    const products = await app.http().get('/api/products').set(auth(admin)).query({ limit: 50 });
    expect(list(products.body)).toHaveLength(7);
    expect(
      list(products.body)
        .filter((p) => p.requiresInstallation)
        .map((p) => p.sku)
        .sort(),
    ).toEqual(['LAPTOP-14', 'PRINTER-LJ', 'ROUTER-AX']);
    const rules = await app.http().get('/api/commission-rules').set(auth(admin));
    expect(rules.status).toBe(200);
    expect(list(rules.body)).toHaveLength(3);

    // A second start on the same (no longer empty) database seeds nothing.
    expect(await seedDemo(app.api)).toBeNull();
    const [{ n }] = await app.sql<{ n: number }>(`SELECT count(*)::int AS n FROM regions`);
    expect(n).toBe(1);
  });
});
