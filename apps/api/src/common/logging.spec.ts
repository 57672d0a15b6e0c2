import { Writable } from 'node:stream';
import pino, { LoggerOptions } from 'pino';
import { loadConfig } from '@campus/core';
import { pinoOptions, requestIdOf } from './logging';

const config = loadConfig({
  DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/x',
  REDIS_URL: 'redis://127.0.0.1:6379',
  JWT_SECRET: 'a-very-long-secret-value',
  ADMIN_USERNAME: 'admin',
  ADMIN_PASSWORD: 'admin-password',
  PUBLIC_BASE_URL: 'http://localhost:3000',
  PAYMENT_WEBHOOK_SECRET: 'another-long-secret',
  LOG_LEVEL: 'debug',
});

/** A pino logger built from the API's options, writing JSON lines into `lines`. */
function capture(): { log: pino.Logger; lines: () => Record<string, unknown>[]; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      chunks.push(chunk.toString('utf8'));
      done();
    },
  });
  const opts = pinoOptions(config).pinoHttp as LoggerOptions;
  const log = pino(opts, stream);
  const text = () => chunks.join('');
  return {
    log,
    text,
    lines: () =>
      text()
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

const PHONES = ['+8613800138000', '13800138000', '+14155550123'];

describe('pinoOptions', () => {
  it('masks phone numbers in messages', () => {
    const sut = capture();
    sut.log.info(`texted ${PHONES[0]} and ${PHONES[1]}`);
    expect(sut.lines()[0].msg).toBe('texted +86138****8000 and 138****8000');
  });

  it('masks phone numbers in logged objects, however deep', () => {
    const sut = capture();
    sut.log.info({ to: PHONES[0], order: { customer: { phone: PHONES[1] } }, list: [PHONES[2]] }, 'sent');
    const out = sut.text();
    for (const p of PHONES) expect(out).not.toContain(p);
    expect(sut.lines()[0]).toMatchObject({ to: '+86138****8000', list: ['+141****0123'] });
  });

  it('masks phone numbers in request URLs and keeps only method, url and id of a request', () => {
    const sut = capture();
    sut.log.info({
      req: {
        id: 'r-1',
        method: 'GET',
        url: `/api/orders?phone=${encodeURIComponent(PHONES[0])}&other=${PHONES[1]}`,
        headers: { authorization: 'Bearer secret' },
      },
    });
    const out = sut.text();
    expect(out).not.toContain('13800138000');
    expect(out).not.toContain('secret');
    expect(sut.lines()[0].req).toEqual({ id: 'r-1', method: 'GET', url: expect.stringContaining('****') });
  });

  it('masks phone numbers inside logged errors (message, stack and extra fields)', () => {
    const sut = capture();
    const err = Object.assign(new Error(`duplicate customer ${PHONES[0]}`), {
      parameters: [PHONES[1], 'x'],
    });
    sut.log.error({ err }, 'unexpected error');
    const out = sut.text();
    for (const p of PHONES.slice(0, 2)) expect(out).not.toContain(p);
    expect(sut.lines()[0]).toMatchObject({
      err: { type: 'Error', message: 'duplicate customer +86138****8000', parameters: ['138****8000', 'x'] },
    });
  });

  it('masks errors nested anywhere (a driver error inside a query error, an error under another key)', () => {
    const sut = capture();
    const driverError = Object.assign(new Error('duplicate key'), {
      detail: `Key (phone)=(${PHONES[0]}) already exists.`,
    });
    class QueryFailedError extends Error {}
    const err = Object.assign(new QueryFailedError('insert failed'), { driverError });
    sut.log.error({ err, cause: new Error(`for ${PHONES[1]}`) }, 'unexpected error');
    const out = sut.text();
    for (const p of PHONES.slice(0, 2)) expect(out).not.toContain(p);
    expect(sut.lines()[0]).toMatchObject({
      err: {
        type: 'QueryFailedError',
        driverError: { detail: 'Key (phone)=(+86138****8000) already exists.' },
      },
      cause: { message: 'for 138****8000' },
    });
  });

  it('never writes credentials of a request', () => {
    const sut = capture();
    sut.log.info({
      req: { headers: { authorization: 'Bearer abc', 'x-signature': 'sig' } },
      res: { statusCode: 200 },
    });
    expect(sut.text()).not.toMatch(/Bearer abc|"sig"/);
  });
});

describe('requestIdOf', () => {
  it('keeps a sane X-Request-Id and replaces anything else with a UUID', () => {
    const of = (v?: string) =>
      requestIdOf({ headers: v === undefined ? {} : { 'x-request-id': v } } as never);
    expect(of('abc-123.x:y_z')).toBe('abc-123.x:y_z');
    for (const bad of [undefined, '', 'has space', 'x'.repeat(101), 'new\nline', '<script>']) {
      expect(of(bad)).toMatch(/^[0-9a-f-]{36}$/);
    }
  });
});
