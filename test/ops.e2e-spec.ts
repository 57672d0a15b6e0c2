import { Writable } from 'node:stream';
import request from 'supertest';
import type { Fixtures, TestApp, World } from '@campus/testing';
import { auth, startApp, withAnotherApi } from './support/app';
import { discoverRoutes } from './support/routes';

/** Collects JSON log lines written by an app booted with it as its log destination. */
function logSink(): { stream: Writable; lines: () => Record<string, unknown>[]; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      chunks.push(chunk.toString('utf8'));
      done();
    },
  });
  const text = () => chunks.join('');
  const lines = () =>
    text()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  return { stream, lines, text };
}

interface OpenApi {
  paths: Record<string, Record<string, { parameters?: { name: string; in: string }[] }>>;
  components: { schemas: Record<string, { properties?: Record<string, unknown>; required?: string[] }> };
}

describe('Operations (e2e)', () => {
  let app: TestApp;
  let fx: Fixtures;
  let w: World;

  beforeAll(async () => {
    ({ app, fx } = await startApp());
    w = await fx.world();
  });
  afterAll(() => app?.close());

  describe('GET /api/health', () => {
    it('answers 200 {status: ok, db: up, redis: up} without a token', async () => {
      const res = await app.http().get('/api/health');
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ status: 'ok', db: 'up', redis: 'up' });
      expect(res.body.down).toBeUndefined();
    });

    it('answers 503 naming redis when Redis is unreachable, quickly, and the API keeps serving', async () => {
      const dead = { ...app.config, redisUrl: 'redis://127.0.0.1:1' };
      await withAnotherApi(dead, async (api) => {
        const started = Date.now();
        const res = await request(api.getHttpServer()).get('/api/health');
        expect(Date.now() - started).toBeLessThan(5_000);
        expect(res.status).toBe(503);
        expect(res.body).toMatchObject({ status: 'error', db: 'up', redis: 'down', down: ['redis'] });
        // Orders still need only PostgreSQL: the outbox keeps the events until Redis is back.
        const login = await request(api.getHttpServer())
          .post('/api/auth/login')
          .send({ username: 'admin', password: 'admin-test-password' });
        expect(login.status).toBe(200);
        const product = await request(api.getHttpServer())
          .get(`/api/products/${w.skus.usb}`)
          .set(auth(login.body.accessToken));
        expect(product.status).toBe(200);
      });
    });
  });

  describe('OpenAPI', () => {
    let doc: OpenApi;
    beforeAll(async () => {
      const res = await app.http().get('/api/docs-json');
      expect(res.status).toBe(200);
      doc = res.body as OpenApi;
    });

    it('/api/docs-json lists every route the app serves', () => {
      const documented = new Set(
        Object.entries(doc.paths).flatMap(([path, ops]) =>
          Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`),
        ),
      );
      const routes = discoverRoutes(app.api).map((r) => `${r.method} ${r.path.replace(/:(\w+)/g, '{$1}')}`);
      expect(routes.length).toBeGreaterThan(25);
      expect(routes.filter((r) => !documented.has(r))).toEqual([]);
    });

    it('has DTO schemas, e.g. the order body with its lines, and documents the bearer scheme', () => {
      const schemas = doc.components.schemas;
      const order = schemas.PlaceOrderDto;
      expect(order.properties).toEqual(
        expect.objectContaining({
          lines: expect.objectContaining({
            type: 'array',
            items: { $ref: '#/components/schemas/OrderLineDto' },
          }),
          fulfillment: expect.anything(),
          paymentMethod: expect.objectContaining({ enum: ['online', 'cod', 'counter'] }),
        }),
      );
      expect(order.required).toEqual(expect.arrayContaining(['lines', 'fulfillment', 'paymentMethod']));
      expect(schemas.OrderLineDto.properties).toEqual(
        expect.objectContaining({
          sku: expect.objectContaining({ type: 'string' }),
          quantity: expect.objectContaining({ type: 'integer', minimum: 1 }),
        }),
      );
      for (const dto of [
        'LoginDto',
        'OtpRequestDto',
        'CreateProductDto',
        'CreateLockerDto',
        'CreateUserDto',
      ]) {
        expect(Object.keys(schemas)).toContain(dto);
      }
      const post = doc.paths['/api/orders'].post;
      expect(post.parameters).toEqual(
        expect.arrayContaining([expect.objectContaining({ name: 'Idempotency-Key', in: 'header' })]),
      );
      expect(JSON.stringify(doc)).toContain('"bearer"');
    });

    it('/api/docs serves the UI', async () => {
      const res = await app.http().get('/api/docs').redirects(2);
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/text\/html/);
      expect(res.text).toMatch(/swagger/i);
    });
  });

  describe('request ids', () => {
    it('echoes a given X-Request-Id', async () => {
      const res = await app.http().get('/api/health').set('X-Request-Id', 'trace-abc.123');
      expect(res.headers['x-request-id']).toBe('trace-abc.123');
    });

    it('generates one when none (or a malformed one) is given, also on errors', async () => {
      const plain = await app.http().get('/api/health');
      expect(plain.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
      const bad = await app.http().get('/api/health').set('X-Request-Id', 'has spaces <and> junk');
      expect(bad.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
      const notFound = await app.http().get('/api/nope');
      expect(notFound.status).toBe(404);
      expect(notFound.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(notFound.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
      const unauthorized = await app.http().get('/api/orders').set('X-Request-Id', 'r-401');
      expect(unauthorized.status).toBe(401);
      expect(unauthorized.headers['x-request-id']).toBe('r-401');
    });
  });

  describe('security headers (helmet)', () => {
    it('are set on API answers and errors', async () => {
      for (const res of [await app.http().get('/api/health'), await app.http().get('/api/orders')]) {
        expect(res.headers).toMatchObject({
          'x-content-type-options': 'nosniff',
          'x-frame-options': 'SAMEORIGIN',
          'strict-transport-security': expect.stringContaining('max-age='),
          'content-security-policy': expect.stringContaining("default-src 'self'"),
          'referrer-policy': 'no-referrer',
          'cross-origin-opener-policy': 'same-origin',
        });
        expect(res.headers['x-powered-by']).toBeUndefined();
      }
    });
  });

  describe('logs', () => {
    it('are JSON lines with the request id, and never show a phone number', async () => {
      const sink = logSink();
      await withAnotherApi(
        { ...app.config, logLevel: 'debug' },
        async (api) => {
          const http = () => request(api.getHttpServer());
          const token = (
            await http().post('/api/auth/login').send({ username: 'admin', password: 'admin-test-password' })
          ).body.accessToken as string;
          await http()
            .get('/api/orders')
            .query({ phone: '+8613800138000' })
            .set(auth(token))
            .set('X-Request-Id', 'masked-1');
          await http().get('/api/orders').query({ phone: '13900139000' }).set(auth(token));
          await http().post('/api/auth/otp/request').send({ phone: '13700137000' });
          await http().get('/api/customers/+8613600136000').set(auth(token));
        },
        { logDestination: sink.stream },
      );
      const lines = sink.lines();
      expect(lines.length).toBeGreaterThan(3);
      const traced = lines.filter((l) => (l.req as { id?: string } | undefined)?.id === 'masked-1');
      expect(traced.length).toBeGreaterThan(0);
      expect(traced[0]).toMatchObject({ req: { method: 'GET', url: expect.stringContaining('****') } });
      const text = sink.text();
      for (const digits of ['13800138000', '13900139000', '13700137000', '13600136000']) {
        expect(text).not.toContain(digits);
      }
    });

    it('log an unexpected failure once, with its cause and request id, masked; the caller sees no internals', async () => {
      // A database failure nobody planned for, whose message and parameters carry a phone number.
      await app.sql(`
        CREATE FUNCTION ops_test_boom() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF NEW.phone = '+8613500135000' THEN RAISE EXCEPTION 'storage offline for %', NEW.phone; END IF;
          RETURN NEW;
        END $$`);
      await app.sql(
        `CREATE TRIGGER ops_test_boom BEFORE INSERT ON customers FOR EACH ROW EXECUTE FUNCTION ops_test_boom()`,
      );
      const sink = logSink();
      try {
        await withAnotherApi(
          { ...app.config, logLevel: 'info' },
          async (api) => {
            const res = await request(api.getHttpServer())
              .post('/api/orders')
              .set(auth(w.tokens.callCenter))
              .set('Idempotency-Key', 'ops-boom-1')
              .set('X-Request-Id', 'boom-1')
              .send({
                customer: { phone: '13500135000' },
                lines: [{ sku: w.skus.usb, quantity: 1 }],
                fulfillment: { type: 'locker', pickupPointId: w.pointA1.id },
                paymentMethod: 'cod',
              });
            expect(res.status).toBe(500);
            expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
            expect(res.body).toMatchObject({ code: 'internal_error', status: 500 });
            expect(JSON.stringify(res.body)).not.toMatch(/storage offline|customers|13500135000/);
          },
          { logDestination: sink.stream },
        );
      } finally {
        await app.sql(`DROP TRIGGER ops_test_boom ON customers`);
        await app.sql(`DROP FUNCTION ops_test_boom()`);
      }
      const errors = sink.lines().filter((l) => l.context === 'Errors');
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatchObject({
        level: 50,
        req: { id: 'boom-1' },
        err: {
          type: 'DatabaseError',
          message: expect.stringContaining('storage offline for +86135****5000'),
        },
      });
      expect(sink.text()).not.toContain('13500135000');
    });
  });
});
