import { randomUUID } from 'node:crypto';
import type { Response } from 'supertest';
import type { Fixtures, TestApp, World } from '@campus/testing';
import { phoneOrder } from '@campus/testing';
import { auth, startApp } from './support/app';

/**
 * The sweep: a few hundred generated malformed requests at the order and login endpoints (and
 * a few other writes). Nothing may answer 5xx; every error is problem+json; validation errors name
 * their fields; and no partial rows are left behind.
 */

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Values of the wrong type for any field. */
const WRONG_TYPES: Json[] = [
  null,
  true,
  false,
  0,
  -1,
  1.5,
  -0.0001,
  1e308,
  -1e308,
  2 ** 53 + 1,
  [],
  [1, 2],
  ['a'],
  {},
  { a: 1 },
  [[[[]]]],
  { nested: { deeper: { deepest: [{}] } } },
];

/** Strings no field accepts: empty, blank, huge, NUL bytes, control characters. */
const BAD_STRINGS: string[] = [
  '',
  '   ',
  '\t\n',
  'x'.repeat(5_000),
  '\u0000',
  'Li\u0000Lei',
  '\u0007\u0008\u001b[31m',
];

/** Strings that are unusual but well-formed: fine as free text, wrong for codes, ids, enums, phones. */
const ODD_STRINGS: string[] = [
  '💥🔥'.repeat(3),
  '𝔘𝔫𝔦𝔠𝔬𝔡𝔢',
  '\uD800',
  '\uFEFFbom',
  'ｆｕｌｌｗｉｄｔｈ１２３',
  "' OR 1=1 --",
  '"; DROP TABLE orders; --',
  '<script>alert(1)</script>',
  '${jndi:ldap://x/a}',
  '../../etc/passwd',
  '%00',
  'null',
  'NaN',
  '-0',
  '1e3',
  '\u202Eevil',
];

interface Case {
  label: string;
  /** JSON value to send, or raw text when `raw` is set. */
  body?: Json;
  raw?: string;
  contentType?: string;
  headers?: Record<string, string>;
}

function clone<T extends Json>(v: T): T {
  return JSON.parse(JSON.stringify(v)) as T;
}

/** Every leaf path of a JSON object, e.g. ['lines', 0, 'quantity']. */
function leafPaths(v: Json, prefix: (string | number)[] = []): (string | number)[][] {
  if (Array.isArray(v)) return v.flatMap((x, i) => leafPaths(x, [...prefix, i]));
  if (v && typeof v === 'object') return Object.entries(v).flatMap(([k, x]) => leafPaths(x, [...prefix, k]));
  return [prefix];
}

function setPath(root: Json, path: (string | number)[], value: Json | undefined): Json {
  const copy = clone(root);
  let node = copy as Record<string | number, Json>;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, Json>;
  const last = path[path.length - 1];
  if (value === undefined) delete node[last];
  else node[last] = value;
  return copy;
}

const show = (path: (string | number)[]) => path.join('.');

/**
 * Field-level mutations of a valid body: wrong types and bad strings everywhere, odd strings where the
 * field is not free text, and each key removed when `required` says so.
 */
function fieldCases(
  valid: Json,
  opts: { freeText: string[]; required: string[]; optional: string[] },
): Case[] {
  const cases: Case[] = [];
  for (const path of leafPaths(valid)) {
    const name = show(path);
    const free = opts.freeText.includes(name);
    const optional = opts.optional.includes(name);
    const values: Json[] = [
      ...WRONG_TYPES.filter((v) => !(optional && v === null)),
      ...BAD_STRINGS,
      ...(free ? [] : ODD_STRINGS),
    ];
    for (const v of values) {
      cases.push({ label: `${name} = ${JSON.stringify(v).slice(0, 40)}`, body: setPath(valid, path, v) });
    }
  }
  for (const key of opts.required) {
    cases.push({ label: `without ${key}`, body: setPath(valid, key.split('.'), undefined) });
  }
  return cases;
}

/** Malformed requests that do not depend on the endpoint's fields. */
function structuralCases(valid: Json): Case[] {
  const deep = (n: number) => '['.repeat(n) + ']'.repeat(n);
  const deepObject = (n: number) => '{"a":'.repeat(n) + '1' + '}'.repeat(n);
  const validText = JSON.stringify(valid);
  return [
    { label: 'no body', raw: '' },
    { label: 'null body', body: null },
    { label: 'a number', body: 42 },
    { label: 'a string', body: 'order please' },
    { label: 'an empty array', body: [] },
    { label: 'an array of the valid body', body: [valid] },
    { label: 'an empty object', body: {} },
    { label: 'an unknown field', body: { ...(valid as object), isAdmin: true } },
    { label: 'a unicode field name', body: { ...(valid as object), 'ⓤⓝⓘ': 1 } },
    { label: 'an empty field name', body: { ...(valid as object), '': 1 } },
    { label: '__proto__ key', raw: validText.replace(/^\{/, '{"__proto__":{"isAdmin":true},') },
    {
      label: 'constructor.prototype key',
      raw: validText.replace(/^\{/, '{"constructor":{"prototype":{"x":1}},'),
    },
    ...(/":\{/.test(validText)
      ? [{ label: 'nested __proto__', raw: validText.replace(/":\{/, '":{"__proto__":{"x":1},') }]
      : []),
    { label: 'deeply nested arrays', raw: `{"lines":${deep(5_000)}}` },
    { label: 'deeply nested objects', raw: deepObject(3_000) },
    {
      label: 'moderately nested arrays in every field',
      raw: validText.replace(/:("[^"]*"|\d+)/g, `:${deep(40)}`),
    },
    { label: 'truncated JSON', raw: validText.slice(0, -7) },
    { label: 'a lone brace', raw: '{' },
    { label: 'single quotes', raw: "{'lines': []}" },
    { label: 'a trailing comma', raw: validText.replace(/\}$/, ',}') },
    { label: 'NaN literal', raw: '{"quantity": NaN}' },
    { label: 'a number beyond double', raw: validText.replace(/^\{/, '{"n":1e400,') },
    { label: 'two JSON documents', raw: `${validText}${validText}` },
    { label: 'binary junk', raw: Buffer.from([0xff, 0xfe, 0x00, 0x81, 0xc3, 0x28]).toString('latin1') },
    { label: 'invalid UTF-8 inside a string', raw: validText.replace(/"([a-z])/, '"\udcff$1') },
    { label: 'a JSON body sent as text/plain', raw: validText, contentType: 'text/plain' },
    { label: 'form-encoded', raw: 'lines=1&sku=USB', contentType: 'application/x-www-form-urlencoded' },
    { label: 'multipart', raw: '--x\r\n\r\nhi\r\n--x--', contentType: 'multipart/form-data; boundary=x' },
    { label: 'XML', raw: '<order><sku>USB</sku></order>', contentType: 'application/xml' },
    { label: 'a made-up content type', raw: validText, contentType: 'application/vnd.evil+json; charset=x' },
  ];
}

describe('Malformed input sweep (e2e)', () => {
  let app: TestApp;
  let fx: Fixtures;
  let w: World;
  let customerToken: string;
  const counted = ['orders', 'order_lines', 'order_events', 'idempotency_keys', 'outbox', 'customers'];
  let before: Record<string, number>;
  const seen = { requests: 0, byStatus: new Map<number, number>() };

  beforeAll(async () => {
    ({ app, fx } = await startApp());
    w = await fx.world();
    customerToken = (await fx.customer('+8613711110000')).token;
    before = await counts();
  });
  afterAll(async () => {
    // Reported so a reader can see how many requests the sweep threw, and what came back.
    console.info(
      `malformed sweep: ${seen.requests} requests; statuses ${JSON.stringify(Object.fromEntries(seen.byStatus))}`,
    );
    await app?.close();
  });

  async function counts(): Promise<Record<string, number>> {
    const out: Record<string, number> = {};
    for (const t of counted) {
      out[t] = (await app.sql<{ n: number }>(`SELECT count(*)::int AS n FROM ${t}`))[0].n;
    }
    return out;
  }

  let ipSeq = 0;
  async function send(
    method: 'post' | 'patch',
    path: string,
    token: string | null,
    c: Case,
    extraHeaders: Record<string, string> = {},
  ): Promise<Response> {
    let req = app.http()[method](path);
    if (token) req = req.set(auth(token));
    // A distinct address per request: this sweep is about validation, not rate limits.
    req = req.set('X-Forwarded-For', `203.0.113.${(ipSeq++ % 250) + 1}`);
    for (const [k, v] of Object.entries({ ...extraHeaders, ...c.headers })) req = req.set(k, v);
    if (c.raw !== undefined) {
      req = req.set('Content-Type', c.contentType ?? 'application/json');
      return c.raw === '' ? req : req.send(c.raw);
    }
    return req.set('Content-Type', c.contentType ?? 'application/json').send(JSON.stringify(c.body));
  }

  function check(label: string, res: Response, opts: { allowSuccess?: boolean } = {}): void {
    seen.requests++;
    seen.byStatus.set(res.status, (seen.byStatus.get(res.status) ?? 0) + 1);
    const where = `${label} → ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`;
    expect({ where, serverError: res.status >= 500 }).toEqual({ where, serverError: false });
    if (res.status < 400) {
      if (process.env.SWEEP_DEBUG) console.log(`success: ${label} → ${res.status}`);
      expect({ where, success: true }).toEqual({ where, success: opts.allowSuccess === true });
      return;
    }
    expect({
      where,
      contentType: /^application\/problem\+json/.test(res.headers['content-type'] ?? ''),
    }).toEqual({ where, contentType: true });
    const b = res.body as Record<string, unknown>;
    const shape = {
      type: typeof b.type,
      title: typeof b.title,
      status: b.status,
      detail: typeof b.detail,
    };
    expect({ where, shape }).toEqual({
      where,
      shape: { type: 'string', title: 'string', status: res.status, detail: 'string' },
    });
    if (res.status === 400 && (b.code === 'validation_failed' || Array.isArray(b.errors))) {
      const errors = b.errors as { field?: unknown; message?: unknown }[];
      const ok =
        Array.isArray(errors) &&
        errors.length > 0 &&
        errors.every(
          (e) => typeof e.field === 'string' && e.field.length > 0 && typeof e.message === 'string',
        );
      expect({ where, namedFields: ok }).toEqual({ where, namedFields: true });
    }
  }

  describe('POST /api/orders', () => {
    const staffBody = (): Json => ({
      ...(phoneOrder(w, { agentCode: w.agentA1.referralCode }) as { [k: string]: Json }),
      note: 'after 6pm',
    });
    const customerBody = (): Json => ({
      channel: 'wap',
      lines: [{ sku: w.skus.pen, quantity: 1 }],
      fulfillment: { type: 'locker', pickupPointId: w.pointA1.id },
      paymentMethod: 'cod',
      note: 'ring twice',
    });
    const place = (token: string, c: Case) =>
      send('post', '/api/orders', token, c, { 'Idempotency-Key': randomUUID() });

    it('the valid bodies the sweep starts from are accepted (so the mutations are what fails)', async () => {
      // Placed under one key each, then rolled out of the counts: these are the only rows allowed.
      const staff = await place(w.tokens.callCenter, { label: 'valid', body: staffBody() });
      const cust = await place(customerToken, { label: 'valid', body: customerBody() });
      expect([staff.status, cust.status]).toEqual([201, 201]);
      before = await counts();
    });

    it('call-centre orders: field mutations and structural junk', async () => {
      const valid = staffBody();
      const cases: Case[] = [
        ...fieldCases(valid, {
          freeText: ['customer.name', 'note'],
          required: [
            'customer',
            'customer.phone',
            'lines',
            'fulfillment',
            'fulfillment.type',
            'paymentMethod',
          ],
          optional: ['customer.name', 'note', 'agentCode'],
        }),
        ...structuralCases(valid),
        { label: 'no lines', body: { ...(valid as object), lines: [] } },
        { label: 'a null line', body: { ...(valid as object), lines: [null] } },
        { label: 'an empty line', body: { ...(valid as object), lines: [{}] } },
        {
          label: 'lines as an object',
          body: { ...(valid as object), lines: { 0: { sku: w.skus.usb, quantity: 1 } } },
        },
        {
          label: '51 lines',
          body: {
            ...(valid as object),
            lines: Array.from({ length: 51 }, () => ({ sku: w.skus.usb, quantity: 1 })),
          },
        },
        {
          label: 'customer as an array',
          body: { ...(valid as object), customer: [{ phone: '+8613800138000' }] },
        },
        { label: 'fulfillment as a string', body: { ...(valid as object), fulfillment: 'locker' } },
        {
          label: 'delivery without address',
          body: { ...(valid as object), fulfillment: { type: 'delivery', campusId: w.campusA1.id } },
        },
        { label: 'quantity above stock', body: setPath(valid, ['lines', 0, 'quantity'], 999) },
        {
          label: 'unknown pickup point',
          body: setPath(valid, ['fulfillment', 'pickupPointId'], randomUUID()),
        },
        { label: 'unknown agent code', body: setPath(valid, ['agentCode'], 'ZZZZZZ') },
        { label: 'a channel the role may not use', body: setPath(valid, ['channel'], 'web') },
        { label: 'counter payment from the call centre', body: setPath(valid, ['paymentMethod'], 'counter') },
        { label: 'oversized body', body: { ...(valid as object), note: 'x'.repeat(200_000) } },
      ];
      expect(cases.length).toBeGreaterThan(250);
      for (const c of cases) check(`call centre: ${c.label}`, await place(w.tokens.callCenter, c));
      const big = await place(w.tokens.callCenter, {
        label: 'oversized',
        raw: JSON.stringify({ pad: 'x'.repeat(70_000) }),
      });
      expect(big.status).toBe(413);
      check('oversized', big);
    });

    it('customer orders: field mutations', async () => {
      const cases = fieldCases(customerBody(), {
        freeText: ['note'],
        required: ['lines', 'fulfillment', 'paymentMethod'],
        optional: ['note', 'channel'],
      });
      cases.push({
        label: 'a customer block naming someone else',
        body: { ...(customerBody() as object), customer: { phone: 12 } },
      });
      for (const c of cases) check(`customer: ${c.label}`, await place(customerToken, c));
    });

    it('malformed Idempotency-Key headers', async () => {
      for (const key of [' ', 'x'.repeat(256), 'a b', 'clé']) {
        const res = await app
          .http()
          .post('/api/orders')
          .set(auth(w.tokens.callCenter))
          .set('Idempotency-Key', key)
          .send(staffBody() as object);
        check(`Idempotency-Key ${JSON.stringify(key).slice(0, 20)}`, res);
        expect(res.status).toBe(400);
        expect(res.body.errors[0].field).toBe('Idempotency-Key');
      }
    });

    it('left no partial rows behind', async () => {
      expect(await counts()).toEqual(before);
    });
  });

  describe('POST /api/auth/login', () => {
    it('field mutations and structural junk never answer 5xx', async () => {
      const valid: Json = { username: 'admin', password: 'not-the-password' };
      const cases = [
        ...fieldCases(valid, {
          freeText: ['username', 'password'],
          required: ['username', 'password'],
          optional: [],
        }),
        ...structuralCases(valid),
        ...ODD_STRINGS.map((s) => ({
          label: `username ${JSON.stringify(s)}`,
          body: { username: s, password: 'x' },
        })),
        ...ODD_STRINGS.map((s) => ({
          label: `password ${JSON.stringify(s)}`,
          body: { username: 'admin', password: s },
        })),
        { label: 'password of 201 characters', body: { username: 'admin', password: 'x'.repeat(201) } },
      ];
      expect(cases.length).toBeGreaterThan(100);
      for (const c of cases) check(`login: ${c.label}`, await send('post', '/api/auth/login', null, c));
      expect(await counts()).toEqual(before);
    });
  });

  describe('other write endpoints', () => {
    interface Endpoint {
      path: string;
      method: 'post' | 'patch';
      token: () => string;
      valid: Json;
      freeText: string[];
      optional?: string[];
    }
    const endpoints = (): Endpoint[] => [
      {
        path: '/api/auth/otp/request',
        method: 'post',
        token: () => '',
        valid: { phone: '+8613800000000', language: 'en' },
        freeText: [],
        optional: ['language'],
      },
      {
        path: '/api/auth/otp/verify',
        method: 'post',
        token: () => '',
        valid: { phone: '+8613800000000', code: '123456' },
        freeText: [],
      },
      {
        path: '/api/products',
        method: 'post',
        token: () => w.tokens.admin,
        valid: {
          sku: 'JUNK-1',
          name: 'Junk',
          category: 'junk',
          priceCents: 100,
          stock: 1,
          lowStockThreshold: 0,
        },
        freeText: ['name', 'category'],
      },
      {
        path: `/api/products/${w.skus.usb}/stock-adjustments`,
        method: 'post',
        token: () => w.tokens.admin,
        valid: { delta: 5, reason: 'count' },
        freeText: ['reason'],
      },
      {
        path: '/api/users',
        method: 'post',
        token: () => w.tokens.admin,
        valid: {
          username: 'junk.user',
          password: 'junk-password',
          role: 'pickup_staff',
          pickupPointId: w.pointA1.id,
        },
        freeText: ['username', 'password'],
      },
      {
        path: '/api/lockers',
        method: 'post',
        token: () => w.tokens.admin,
        valid: { code: 'JUNK-L', pickupPointId: w.pointA1.id, compartments: { S: 1, M: 1 } },
        freeText: [],
      },
      {
        path: `/api/agents/${w.agentA1.id}`,
        method: 'patch',
        token: () => w.tokens.admin,
        valid: { status: 'active', campusId: w.campusA1.id },
        freeText: [],
      },
      {
        path: '/api/regions',
        method: 'post',
        token: () => w.tokens.admin,
        valid: { code: 'JUNK', name: 'Junk' },
        freeText: ['name'],
      },
    ];

    it('field mutations and structural junk never answer 5xx', async () => {
      for (const e of endpoints()) {
        const cases = [
          ...fieldCases(e.valid, { freeText: e.freeText, required: [], optional: e.optional ?? [] }),
          ...structuralCases(e.valid),
        ];
        for (const c of cases) {
          const res = await send(e.method, e.path, e.token() || null, c);
          // Some mutations are valid here (a stock delta of -1, a SKU called "NULL"): only errors are judged.
          check(`${e.method.toUpperCase()} ${e.path}: ${c.label}`, res, { allowSuccess: true });
        }
      }
    });

    it('malformed query strings on list endpoints answer 400, never 5xx', async () => {
      const queries = [
        'limit=abc',
        'limit=0',
        'limit=201',
        'limit=1e3',
        'limit=-1',
        'limit[]=1',
        'status[]=confirmed&status[]=cancelled',
        'status=__proto__',
        'cursor=%00',
        'cursor=' + 'A'.repeat(600),
        'cursor=' + Buffer.from('[1,2]').toString('base64url'),
        'from=yesterday',
        'from=2024-02-30',
        'from=0000-01-01',
        'to=99999-01-01T00:00:00Z',
        'campusId=not-a-uuid',
        'agentId=%F0%9F%92%A5',
        'phone=12',
        'unassigned=maybe',
        '__proto__[x]=1',
        'constructor[prototype][x]=1',
      ];
      for (const q of queries) {
        const res = await app.http().get(`/api/orders?${q}`).set(auth(w.tokens.admin));
        check(`GET /api/orders?${q}`, res);
        expect({ q, status: res.status }).toEqual({ q, status: 400 });
      }
      for (const q of ['limit=x', 'cursor=%E0%A4%A', 'q=%00', 'category=' + 'c'.repeat(100)]) {
        check(`GET /api/products?${q}`, await app.http().get(`/api/products?${q}`).set(auth(w.tokens.admin)));
      }
      for (const path of [
        '/api/orders/not-a-uuid',
        '/api/orders/%00',
        `/api/products/${'%F0%9F%92%A5'}`,
        '/api/lockers/1',
      ]) {
        check(`GET ${path}`, await app.http().get(path).set(auth(w.tokens.admin)));
      }
    });

    it('left no partial order rows behind', async () => {
      expect(await counts()).toEqual(before);
    });
  });
});
