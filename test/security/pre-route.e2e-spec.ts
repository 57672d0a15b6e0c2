import { randomUUID } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Fixtures, TestApp, World } from '@campus/testing';
import { auth, startApp } from '../support/app';

/**
 * Issue 17.9: every error is problem+json, including the ones raised before a route is matched —
 * malformed percent-encoding, a URI too long (414), a request head too large (431), an unsupported
 * media type or a JSON body in another charset (415) — and phone numbers that cannot exist are 400
 * naming the field, with nothing written.
 */
describe('errors before a route is matched (e2e)', () => {
  let app: TestApp;
  let fx: Fixtures;
  let w: World;
  let base: string;

  beforeAll(async () => {
    ({ app, fx } = await startApp());
    w = await fx.world();
    await app.api.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(app.api.getHttpServer().address() as AddressInfo).port}`;
  });
  afterAll(() => app?.close());

  const expectProblem = (
    res: { status: number; headers: Record<string, unknown>; body: unknown; text?: string },
    status: number,
    code: string,
  ) => {
    expect(res.status).toBe(status);
    expect(String(res.headers['content-type'])).toMatch(/^application\/problem\+json/);
    const body = (
      typeof res.body === 'object' && res.body && Object.keys(res.body).length
        ? res.body
        : JSON.parse(res.text ?? '{}')
    ) as { status: number; code: string; title: string; type: string };
    expect(body).toMatchObject({ status, code, type: expect.stringMatching(/^https:\/\//) });
    expect(body.title).toEqual(expect.any(String));
  };

  /** A raw request through a socket, as a client would send it (no client-side URL encoding). */
  const raw = (path: string, headers: Record<string, string> = {}) =>
    new Promise<{ status: number; headers: Record<string, unknown>; body: unknown; text: string }>(
      (resolve, reject) => {
        const req = httpRequest(`${base}${path}`, { method: 'GET', headers }, (res) => {
          let text = '';
          res.on('data', (c: Buffer) => (text += c.toString('utf8')));
          res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: {}, text }));
        });
        req.on('error', reject);
        req.end();
      },
    );

  it('malformed percent-encoding in the path is 400 problem+json', async () => {
    expectProblem(await raw('/api/orders/%E0%A4%A'), 400, 'malformed_url');
    expectProblem(await raw('/api/products/%'), 400, 'malformed_url');
  });

  it('a URI longer than 8 KiB is 414; a request head beyond what Node reads is 431, both problem+json', async () => {
    expectProblem(await raw(`/api/products?q=${'a'.repeat(9_000)}`), 414, 'uri_too_long');
    expectProblem(await raw(`/api/${'b'.repeat(9_000)}`), 414, 'uri_too_long');
    expectProblem(await raw(`/api/products?q=${'c'.repeat(20_000)}`), 431, 'headers_too_large');
  });

  it('an unsupported media type, or JSON declared in a charset other than UTF-8, is 415 problem+json', async () => {
    const login = (type: string, body: string) =>
      app.http().post('/api/auth/login').set('Content-Type', type).send(body);
    expectProblem(await login('application/xml', '<login/>'), 415, 'unsupported_media_type');
    expectProblem(await login('text/plain', 'admin'), 415, 'unsupported_media_type');
    for (const charset of ['latin1', 'ISO-8859-1', 'utf-16', '"gbk"']) {
      expectProblem(
        await login(`application/json; charset=${charset}`, '{"username":"admin","password":"x"}'),
        415,
        'unsupported_charset',
      );
    }
    // UTF-8 (any spelling) is fine.
    const ok = await login(
      'application/json; charset=UTF-8',
      '{"username":"nobody","password":"wrong-password"}',
    );
    expect(ok.status).toBe(401);
    // An order body in latin1 is refused before anything is read or written.
    const before = await app.sql<{ n: number }>(`SELECT count(*)::int AS n FROM orders`);
    const order = await app
      .http()
      .post('/api/orders')
      .set(auth(w.tokens.callCenter))
      .set('Idempotency-Key', randomUUID())
      .set('Content-Type', 'application/json; charset=latin1')
      .send(JSON.stringify({ customer: { phone: '+8613800138000' } }));
    expectProblem(order, 415, 'unsupported_charset');
    expect(await app.sql(`SELECT count(*)::int AS n FROM orders`)).toEqual(before);
  });

  it.each([
    ['+0000000000', 'no country code 0'],
    ['+861380013800', 'a Chinese mobile one digit short'],
    ['+8613800138000123', 'too long for China'],
    ['+12345', 'too short for anywhere'],
    ['13800', 'a local number too short'],
  ])('phone %s (%s) is 400 naming the field, with nothing written', async (phone) => {
    const otp = await app.http().post('/api/auth/otp/request').send({ phone });
    expectProblem(otp, 400, 'validation_failed');
    expect(otp.body.errors).toEqual([expect.objectContaining({ field: 'phone' })]);

    const placed = await app
      .http()
      .post('/api/orders')
      .set(auth(w.tokens.callCenter))
      .set('Idempotency-Key', randomUUID())
      .send({
        customer: { phone, name: 'Nobody' },
        lines: [{ sku: w.skus.pen, quantity: 1 }],
        fulfillment: { type: 'locker', pickupPointId: w.pointA1.id },
        paymentMethod: 'cod',
      });
    expectProblem(placed, 400, 'validation_failed');
    expect(placed.body.errors).toEqual([expect.objectContaining({ field: 'customer.phone' })]);
    for (const table of ['customers', 'otp_codes', 'notifications']) {
      const column = table === 'notifications' ? 'to_phone' : 'phone';
      expect(await app.sql(`SELECT 1 FROM ${table} WHERE ${column} = $1`, [phone])).toEqual([]);
    }
  });
});
