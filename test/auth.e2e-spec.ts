import { randomUUID } from 'node:crypto';
import { JwtService } from '@nestjs/jwt';
import request, { type Response } from 'supertest';
import type { Fixtures, TestApp, World } from '@campus/testing';
import { STAFF_PASSWORD, TEST_ADMIN } from '@campus/testing';
import { auth, startApp, withAnotherApi } from './support/app';

/** Each test signs in from its own address, so per-address limits of one test do not leak into the next. */
let ipSeq = 0;
const nextIp = () => `198.51.100.${++ipSeq}`;

function expectProblem(res: Response, status: number, code?: string): void {
  expect(res.status).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(res.body).toMatchObject({
    type: expect.any(String),
    title: expect.any(String),
    status,
    detail: expect.any(String),
  });
  if (code) expect(res.body.code).toBe(code);
}

describe('Auth (e2e)', () => {
  let app: TestApp;
  let fx: Fixtures;
  let w: World;

  beforeAll(async () => {
    ({ app, fx } = await startApp());
    w = await fx.world();
  });
  afterAll(() => app?.close());

  const login = (body: object, ip = nextIp()) =>
    app.http().post('/api/auth/login').set('X-Forwarded-For', ip).send(body);
  const otpRequest = (phone: string, ip = nextIp()) =>
    app.http().post('/api/auth/otp/request').set('X-Forwarded-For', ip).send({ phone, language: 'en' });
  const otpVerify = (phone: string, code: string, ip = nextIp()) =>
    app.http().post('/api/auth/otp/verify').set('X-Forwarded-For', ip).send({ phone, code });
  const me = (token: string) => app.http().get('/api/auth/me').set(auth(token));
  /** A code that is not `code` (still six digits). */
  const wrong = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, '0');
  let phoneSeq = 0;
  const newPhone = () => `+86137${String(20_000_000 + ++phoneSeq).slice(-8)}`;

  describe('admin bootstrap', () => {
    it('the first start of an empty database creates the admin from ADMIN_USERNAME / ADMIN_PASSWORD', async () => {
      const admins = await app.sql<{ username: string; password_hash: string }>(
        `SELECT username, password_hash FROM users WHERE role = 'admin'`,
      );
      expect(admins).toHaveLength(1);
      expect(admins[0].username).toBe(TEST_ADMIN.username);
      expect(admins[0].password_hash).toMatch(/^\$argon2id\$/);
      expect(admins[0].password_hash).not.toContain(TEST_ADMIN.password);
      const res = await login({ username: TEST_ADMIN.username, password: TEST_ADMIN.password });
      expect(res.status).toBe(200);
      expect(res.body.user.role).toBe('admin');
    });

    it('a second boot on the same database creates no second admin, whatever the environment says', async () => {
      await withAnotherApi(
        { ...app.config, adminUsername: 'another-admin', adminPassword: 'another-admin-password' },
        async () => undefined,
      );
      const admins = await app.sql<{ username: string }>(`SELECT username FROM users WHERE role = 'admin'`);
      expect(admins.map((a) => a.username)).toEqual([TEST_ADMIN.username]);
      const res = await login({ username: 'another-admin', password: 'another-admin-password' });
      expectProblem(res, 401, 'bad_credentials');
    });
  });

  describe('staff login', () => {
    it('answers 200 with the token and the user (API.md shape)', async () => {
      const res = await login({ username: TEST_ADMIN.username, password: TEST_ADMIN.password });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        accessToken: expect.stringMatching(/^[\w-]+\.[\w-]+\.[\w-]+$/),
        user: {
          id: expect.stringMatching(/^[0-9a-f-]{36}$/),
          role: 'admin',
          username: TEST_ADMIN.username,
          displayName: expect.anything(),
          mustChangePassword: false,
        },
      });
      expect(res.body).not.toHaveProperty('user.passwordHash');
      expect((await me(res.body.accessToken)).status).toBe(200);
    });

    it('usernames are case-insensitive', async () => {
      const res = await login({ username: TEST_ADMIN.username.toUpperCase(), password: TEST_ADMIN.password });
      expect(res.status).toBe(200);
    });

    it('a wrong password and an unknown user get the same 401', async () => {
      const wrongPassword = await login({ username: TEST_ADMIN.username, password: 'not-the-password' });
      const unknownUser = await login({ username: `nobody-${randomUUID()}`, password: 'not-the-password' });
      expectProblem(wrongPassword, 401, 'bad_credentials');
      expectProblem(unknownUser, 401, 'bad_credentials');
      const strip = (b: Record<string, unknown>) => ({ ...b, instance: undefined });
      expect(strip(unknownUser.body)).toEqual(strip(wrongPassword.body));
      expect(wrongPassword.body.detail).not.toMatch(/password is wrong|no such user|unknown user/i);
    });

    it('a disabled user cannot sign in (same 401) and their token stops working', async () => {
      const username = `disabled.${randomUUID().slice(0, 8)}`;
      const u = await fx.user({ username, role: 'call_center' });
      expect((await me(u.token)).status).toBe(200);
      // There is no API to disable a staff account yet; the column is what an operator would flip.
      await app.sql(`UPDATE users SET active = false WHERE id = $1`, [u.id]);
      const res = await login({ username, password: STAFF_PASSWORD });
      expectProblem(res, 401, 'bad_credentials');
      // Principals are cached for a few seconds per replica.
      const deadline = Date.now() + 10_000;
      let status = 200;
      while (status === 200 && Date.now() < deadline) {
        status = (await me(u.token)).status;
        if (status === 200) await new Promise((r) => setTimeout(r, 250));
      }
      expect(status).toBe(401);
    });

    it('validates the body (400 naming the fields)', async () => {
      const res = await login({ username: '', password: 42 });
      expectProblem(res, 400);
      expect(res.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['password', 'username']);
    });
  });

  describe('GET /api/auth/me', () => {
    it('answers the staff caller with role and scope', async () => {
      const res = await me(w.tokens.managerA);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        kind: 'user',
        role: 'regional_manager',
        regionId: w.regionA.id,
        username: expect.stringMatching(/^mgr\.a\./),
      });
      const agent = await me(w.agentA1.token);
      expect(agent.body).toMatchObject({
        role: 'agent',
        id: w.agentA1.id,
        agentId: w.agentA1.id,
        campusId: w.campusA1.id,
        regionId: w.regionA.id,
      });
      const pickup = await me(w.tokens.pickupA1);
      expect(pickup.body).toMatchObject({ role: 'pickup_staff', pickupPointId: w.shopA1.id });
    });

    it('answers the customer caller', async () => {
      const c = await fx.customer('13700001111');
      const res = await me(c.token);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        kind: 'customer',
        role: 'customer',
        id: c.id,
        phone: '+8613700001111',
      });
    });

    it('is 401 problem+json without a token', async () => {
      expectProblem(await app.http().get('/api/auth/me'), 401);
    });
  });

  describe('customer OTP sign-in', () => {
    it('request → the code is texted (read from the notification log) → verify → the token works', async () => {
      const phone = newPhone();
      const req = await otpRequest(phone.replace('+86', '')); // a local number is fine
      expect(req.status).toBe(202);
      const code = await fx.latestCode(phone);
      expect(code).toMatch(/^\d{6}$/);
      const log = await app
        .http()
        .get('/api/notifications')
        .query({ to: phone, type: 'otp' })
        .set(auth(w.tokens.admin));
      expect(log.body.items).toHaveLength(1);
      expect(log.body.items[0]).toMatchObject({ to: phone, template: 'otp' });

      const res = await otpVerify(phone, code);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        accessToken: expect.any(String),
        customer: { id: expect.stringMatching(/^[0-9a-f-]{36}$/), phone },
      });
      const who = await me(res.body.accessToken);
      expect(who.body).toMatchObject({ role: 'customer', id: res.body.customer.id, phone });
      const orders = await app.http().get('/api/orders').set(auth(res.body.accessToken));
      expect(orders.status).toBe(200);
      expect(orders.body.items).toEqual([]);

      // A code works once.
      expectProblem(await otpVerify(phone, code), 401, 'otp_expired');
      // Signing in again finds the same customer.
      await new Promise((r) => setTimeout(r, 0));
      await app.sql(`UPDATE otp_codes SET created_at = created_at - interval '1 minute' WHERE phone = $1`, [
        phone,
      ]);
      expect((await otpRequest(phone)).status).toBe(202);
      const again = await otpVerify(phone, await fx.latestCode(phone));
      expect(again.body.customer.id).toBe(res.body.customer.id);
      const customers = await app.sql(`SELECT 1 FROM customers WHERE phone = $1`, [phone]);
      expect(customers).toHaveLength(1);
    });

    it('a wrong code is 401 otp_wrong; the right code still works afterwards', async () => {
      const phone = newPhone();
      await otpRequest(phone).expect(202);
      const code = await fx.latestCode(phone);
      expectProblem(await otpVerify(phone, wrong(code)), 401, 'otp_wrong');
      expect((await otpVerify(phone, code)).status).toBe(200);
    });

    it('five wrong tries use the code up (otp_exhausted), even for the right code', async () => {
      const phone = newPhone();
      await otpRequest(phone).expect(202);
      const code = await fx.latestCode(phone);
      const answers: string[] = [];
      for (let i = 0; i < 5; i++) answers.push((await otpVerify(phone, wrong(code))).body.code);
      expect(answers).toEqual(['otp_wrong', 'otp_wrong', 'otp_wrong', 'otp_wrong', 'otp_exhausted']);
      expectProblem(await otpVerify(phone, code), 401, 'otp_exhausted');
      const rows = await app.sql<{ attempts: number }>(`SELECT attempts FROM otp_codes WHERE phone = $1`, [
        phone,
      ]);
      expect(rows).toEqual([{ attempts: 5 }]);
    });

    it('an expired code is 401 otp_expired (codes live 5 minutes)', async () => {
      const phone = newPhone();
      await otpRequest(phone).expect(202);
      const code = await fx.latestCode(phone);
      const [row] = await app.sql<{ ttl: number }>(
        `SELECT extract(epoch FROM expires_at - created_at)::int AS ttl FROM otp_codes WHERE phone = $1`,
        [phone],
      );
      expect(row.ttl).toBe(300);
      await app.sql(`UPDATE otp_codes SET expires_at = now() - interval '1 second' WHERE phone = $1`, [
        phone,
      ]);
      expectProblem(await otpVerify(phone, code), 401, 'otp_expired');
    });

    it('a phone that never asked for a code gets the same answer as an expired code', async () => {
      expectProblem(await otpVerify(newPhone(), '123456'), 401, 'otp_expired');
    });

    it('a new code replaces the previous one', async () => {
      const phone = newPhone();
      await otpRequest(phone).expect(202);
      const first = await fx.latestCode(phone);
      await app.sql(`UPDATE otp_codes SET created_at = created_at - interval '1 minute' WHERE phone = $1`, [
        phone,
      ]);
      await otpRequest(phone).expect(202);
      const second = await fx.latestCode(phone);
      if (first !== second) expectProblem(await otpVerify(phone, first), 401, 'otp_wrong');
      expect((await otpVerify(phone, second)).status).toBe(200);
    });

    it('stores codes hashed: no table but the outbound message log ever holds the plain code', async () => {
      const phone = newPhone();
      await otpRequest(phone).expect(202);
      const code = await fx.latestCode(phone);
      const [row] = await app.sql<{ code_hash: string }>(`SELECT code_hash FROM otp_codes WHERE phone = $1`, [
        phone,
      ]);
      expect(row.code_hash).toMatch(/^[0-9a-f]{64}$/);
      expect(row.code_hash).not.toContain(code);
      const columns = await app.sql<{ table_name: string; column_name: string }>(
        `SELECT c.table_name, c.column_name FROM information_schema.columns c
           JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
          WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE'
            AND c.data_type IN ('text', 'character varying', 'jsonb', 'json')
            AND c.table_name <> 'notifications'`,
      );
      expect(columns.length).toBeGreaterThan(10);
      const hits: string[] = [];
      for (const c of columns) {
        const found = await app.sql(
          `SELECT 1 FROM "${c.table_name}" WHERE "${c.column_name}"::text ~ $1 LIMIT 1`,
          [`(^|[^0-9a-f])${code}([^0-9a-f]|$)`],
        );
        if (found.length) hits.push(`${c.table_name}.${c.column_name}`);
      }
      expect(hits).toEqual([]);
      expect((await otpVerify(phone, code)).status).toBe(200);
    });
  });

  describe('OTP rate limits', () => {
    it('a second request for one phone within 30 s is 429 with Retry-After', async () => {
      const phone = newPhone();
      await otpRequest(phone).expect(202);
      const res = await otpRequest(phone);
      expectProblem(res, 429, 'otp_too_soon');
      const retryAfter = Number(res.headers['retry-after']);
      expect(retryAfter).toBeGreaterThan(0);
      expect(retryAfter).toBeLessThanOrEqual(30);
      expect(await app.sql(`SELECT 1 FROM otp_codes WHERE phone = $1`, [phone])).toHaveLength(1);
    });

    it('at most 3 codes per phone per 15 minutes (429 with Retry-After), from any address', async () => {
      const phone = newPhone();
      for (let i = 0; i < 3; i++) {
        await otpRequest(phone).expect(202);
        // Step past the 30-second resend interval without waiting for it.
        await app.sql(`UPDATE otp_codes SET created_at = created_at - interval '1 minute' WHERE phone = $1`, [
          phone,
        ]);
      }
      const res = await otpRequest(phone);
      expectProblem(res, 429, 'otp_rate_limited');
      expect(Number(res.headers['retry-after'])).toBeGreaterThan(30);
      const texts = await app.sql(`SELECT 1 FROM notifications WHERE to_phone = $1`, [phone]);
      expect(texts).toHaveLength(3);
      // Another number is not affected.
      await otpRequest(newPhone()).expect(202);
    });

    it('requests are limited per address too (429 with Retry-After)', async () => {
      const ip = nextIp();
      const statuses: number[] = [];
      for (let i = 0; i < 31; i++) statuses.push((await otpRequest(newPhone(), ip)).status);
      expect(statuses.slice(0, 30).every((s) => s === 202)).toBe(true);
      expect(statuses[30]).toBe(429);
      const res = await otpRequest(newPhone(), ip);
      expectProblem(res, 429, 'rate_limited');
      expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
      expect((await otpRequest(newPhone(), nextIp())).status).toBe(202);
    });

    it('verification is limited per address (429), so codes cannot be guessed across phones', async () => {
      const ip = nextIp();
      const statuses: number[] = [];
      for (let i = 0; i < 11; i++) statuses.push((await otpVerify(newPhone(), '000000', ip)).status);
      expect(statuses.slice(0, 10).every((s) => s === 401)).toBe(true);
      expect(statuses[10]).toBe(429);
    });
  });

  describe('login rate limit', () => {
    it('the 11th try in a minute for one address and username is 429 with Retry-After', async () => {
      const ip = nextIp();
      const statuses: number[] = [];
      for (let i = 0; i < 10; i++) {
        statuses.push((await login({ username: TEST_ADMIN.username, password: `wrong-${i}` }, ip)).status);
      }
      expect(statuses).toEqual(Array(10).fill(401));
      const blocked = await login({ username: TEST_ADMIN.username, password: TEST_ADMIN.password }, ip);
      expectProblem(blocked, 429, 'rate_limited');
      expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
      expect(Number(blocked.headers['retry-after'])).toBeLessThanOrEqual(60);
      // The right password does not get through while blocked, and other accounts are unaffected.
      expect(blocked.body).not.toHaveProperty('accessToken');
      expect((await login({ username: TEST_ADMIN.username, password: TEST_ADMIN.password })).status).toBe(
        200,
      );
    });

    it('a client that is not a trusted proxy cannot dodge the limit with X-Forwarded-For', async () => {
      const username = `nobody.${randomUUID().slice(0, 8)}`;
      const statuses = await withAnotherApi({ ...app.config, trustProxy: false }, async (api) => {
        const out: number[] = [];
        for (let i = 0; i < 11; i++) {
          const res = await request(api.getHttpServer())
            .post('/api/auth/login')
            .set('X-Forwarded-For', nextIp())
            .send({ username, password: 'wrong-password' });
          out.push(res.status);
        }
        return out;
      });
      expect(statuses).toEqual([...Array(10).fill(401), 429]);
    });
  });

  describe('tokens', () => {
    const secret = () => app.config.jwtSecret;
    const adminId = async () =>
      (await app.sql<{ id: string }>(`SELECT id FROM users WHERE username = $1`, [TEST_ADMIN.username]))[0]
        .id;

    it.each([
      ['no token', undefined],
      ['an empty bearer', 'Bearer '],
      ['garbage', 'Bearer not-a-jwt'],
      ['three garbage segments', 'Bearer aaa.bbb.ccc'],
      ['another scheme', `Basic ${Buffer.from('admin:admin').toString('base64')}`],
      ['unicode junk', 'Bearer \u00e9\u00e8'],
    ])('%s → 401 problem+json', async (_label, header) => {
      const req = app.http().get('/api/orders');
      if (header !== undefined) req.set('Authorization', header);
      expectProblem(await req, 401);
    });

    it('a token signed with another secret → 401', async () => {
      const token = new JwtService({ secret: 'some-other-secret-0123456789' }).sign({
        sub: await adminId(),
        kind: 'user',
        role: 'admin',
      });
      expectProblem(await app.http().get('/api/orders').set(auth(token)), 401);
    });

    it('an expired token → 401', async () => {
      const token = new JwtService({ secret: secret() }).sign({
        sub: await adminId(),
        kind: 'user',
        role: 'admin',
        exp: Math.floor(Date.now() / 1000) - 60,
      });
      expectProblem(await app.http().get('/api/orders').set(auth(token)), 401);
    });

    it('an unsigned ("alg: none") token → 401', async () => {
      const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
      const token = `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ sub: await adminId(), kind: 'user', role: 'admin' })}.`;
      expectProblem(await app.http().get('/api/orders').set(auth(token)), 401);
    });

    it('a validly signed token with odd claims → 401, never 500', async () => {
      const jwt = new JwtService({ secret: secret() });
      for (const claims of [
        { sub: 'not-a-uuid', kind: 'user', role: 'admin' },
        { sub: randomUUID(), kind: 'user', role: 'admin' },
        { sub: randomUUID(), kind: 'customer', role: 'customer' },
        { sub: await adminId(), kind: 'robot', role: 'admin' },
        { kind: 'user', role: 'admin' },
        { sub: { $ne: null }, kind: 'user' },
      ]) {
        const res = await app
          .http()
          .get('/api/orders')
          .set(auth(jwt.sign(claims)));
        expectProblem(res, 401);
      }
    });

    it('the role in a token is not trusted: the stored role decides', async () => {
      const u = await fx.user({ username: `cc.role.${randomUUID().slice(0, 8)}`, role: 'call_center' });
      const forged = new JwtService({ secret: secret() }).sign({ sub: u.id, kind: 'user', role: 'admin' });
      const res = await app
        .http()
        .post('/api/regions')
        .set(auth(forged))
        .send({ code: `X${randomUUID().slice(0, 6)}`, name: 'X' });
      expectProblem(res, 403);
    });
  });
});
