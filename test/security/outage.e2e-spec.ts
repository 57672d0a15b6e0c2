import type { Fixtures, TestApp } from '@campus/testing';
import { eventually, testDbBaseUrl } from '@campus/testing';
import { auth, startApp } from '../support/app';
import { TcpProxy } from '../support/tcp-proxy';

jest.setTimeout(90_000);

/**
 * Issue 17.11: an outage is not a sign-out. The API talks to PostgreSQL through a TCP proxy the test
 * cuts (the shared server keeps running); while it is cut, a request with a valid token gets 503
 * problem+json with Retry-After — never 401, which would make every client drop its session — and
 * once the database is back the same token works.
 */
describe('PostgreSQL unreachable (e2e)', () => {
  let proxy: TcpProxy;
  let app: TestApp;
  let fx: Fixtures;

  beforeAll(async () => {
    proxy = await TcpProxy.forUrl(testDbBaseUrl()).start();
    ({ app, fx } = await startApp({ databaseUrl: (url) => proxy.url(url) }));
  });
  afterAll(async () => {
    await app?.close();
    await proxy?.stop();
  });

  const expect503 = (res: { status: number; headers: Record<string, string>; body: { code?: string } }) => {
    expect(res.status).toBe(503);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.code).toBe('service_unavailable');
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
  };

  it('a valid token gets 503 (retryable), never 401, while the database is unreachable; it works again after', async () => {
    const admin = await fx.admin();
    // A staff account whose token has not been used yet: its first request must ask the database.
    const staff = await fx.user({ username: `cc.outage.${Date.now()}`, role: 'call_center' });
    expect((await app.http().get('/api/orders').set(auth(admin))).status).toBe(200);

    proxy.drop();
    try {
      // The token check itself cannot reach the database: 503, not "Missing or invalid credentials".
      const me = await app.http().get('/api/auth/me').set(auth(staff.token));
      expect503(me);
      // A token already checked a moment ago: the route's own query fails, 503 as well.
      expect503(await app.http().get('/api/orders').set(auth(admin)));
      expect503(await app.http().get('/api/regions').set(auth(staff.token)));
      // Signing in cannot tell a wrong password from an outage: 503, not 401.
      expect503(
        await app.http().post('/api/auth/login').send({ username: 'admin', password: 'admin-test-password' }),
      );
      // A token that is really invalid is still 401 (it fails before the database is asked).
      expect((await app.http().get('/api/auth/me').set(auth('not.a.token'))).status).toBe(401);
    } finally {
      proxy.restore();
    }

    // Back: the same tokens work, nobody had to sign in again.
    const back = await eventually(async () => {
      const res = await app.http().get('/api/auth/me').set(auth(staff.token));
      return res.status === 200 ? res : null;
    }, 30_000);
    expect(back.body).toMatchObject({ id: staff.id, role: 'call_center' });
    expect((await app.http().get('/api/orders').set(auth(admin))).status).toBe(200);
  });
});
