import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'dotenv';
import { configOrExit, loadConfig, SECRET_VARIABLES } from '@campus/core';

const ROOT = join(__dirname, '../..');
const example = parse(readFileSync(join(ROOT, '.env.example')));

/** A production environment that passes every rule: fresh random keys, a password of its own. */
const production: Record<string, string> = {
  ...example,
  NODE_ENV: 'production',
  JWT_SECRET: randomBytes(32).toString('hex'),
  CODES_SECRET: randomBytes(32).toString('base64'),
  PAYMENT_WEBHOOK_SECRET: randomBytes(32).toString('hex'),
  ADMIN_PASSWORD: randomBytes(12).toString('base64url'),
  TWILIO_AUTH_TOKEN: randomBytes(16).toString('hex'),
  DEMO_DATA: 'false',
};

/** Runs the entry points' config step and returns what it printed and the exit code. */
function boot(env: Record<string, string>): { out: string; code: number | null } {
  let out = '';
  let code: number | null = null;
  try {
    configOrExit(env, {
      write: (t) => (out += t),
      exit: (c) => {
        code = c;
        throw new Error('exited');
      },
    });
  } catch (err) {
    if ((err as Error).message !== 'exited') throw err;
  }
  return { out, code };
}

describe('production refuses unsafe configuration (issue 17.1)', () => {
  it('starts with strong secrets of its own', () => {
    const { out, code } = boot(production);
    expect(code).toBeNull();
    expect(out).toBe('');
  });

  it('stops, naming each variable, when run with the values shipped in .env.example (no stack trace)', () => {
    const { out, code } = boot({ ...example, NODE_ENV: 'production' });
    expect(code).toBe(78);
    for (const name of ['JWT_SECRET', 'CODES_SECRET', 'PAYMENT_WEBHOOK_SECRET', 'ADMIN_PASSWORD']) {
      expect(out).toContain(`${name} is a value shipped in this repository`);
    }
    expect(out).toContain('TWILIO_AUTH_TOKEN is a value shipped in this repository');
    expect(out).toContain('DEMO_DATA must be false in production');
    expect(out).not.toMatch(/\n\s+at /); // no stack frames
    expect(out.split('\n')[0]).toBe('Invalid configuration:');
  });

  it.each(['JWT_SECRET', 'CODES_SECRET', 'PAYMENT_WEBHOOK_SECRET'])(
    'refuses %s with less than 32 bytes of entropy',
    (name) => {
      const { out, code } = boot({ ...production, [name]: 'a-secret-someone-typed-in-2026' });
      expect(code).toBe(78);
      expect(out).toMatch(
        new RegExp(`${name} has about \\d+ bits of entropy; production needs at least 256`),
      );
      expect(boot({ ...production, [name]: 'ab12'.repeat(8) }).code).toBe(78); // 32 chars, 8 distinct
    },
  );

  it('refuses every value the test environment and the compose file used to ship', () => {
    for (const [name, value] of [
      ['JWT_SECRET', 'test-jwt-secret-0123456789'],
      ['CODES_SECRET', 'test-codes-secret-0123456789abcdef'],
      ['JWT_SECRET', 'compose-only-jwt-secret-change-me'],
      ['PAYMENT_WEBHOOK_SECRET', 'compose-only-payment-secret'],
      ['ADMIN_PASSWORD', 'campus-demo-2026'],
    ]) {
      const { out, code } = boot({ ...production, [name]: value });
      expect(code).toBe(78);
      expect(out).toContain(`${name} is a value shipped in this repository`);
    }
  });

  it('needs CODES_SECRET of its own in production, and DEMO_DATA off (off by default there)', () => {
    const { CODES_SECRET: _, ...without } = production;
    expect(boot(without).out).toContain('CODES_SECRET is required');
    expect(boot({ ...production, DEMO_DATA: 'true' }).out).toContain('DEMO_DATA must be false in production');
    const { DEMO_DATA: __, ...noDemoFlag } = production;
    expect(loadConfig(noDemoFlag).demoData).toBe(false);
  });

  it('keeps the development start working with .env.example', () => {
    const c = loadConfig(example);
    expect(c.nodeEnv).toBe('development');
    expect(c.demoData).toBe(true);
    expect(c.codesSecret).toBe(example.CODES_SECRET);
  });

  it("the compose file's app service takes every secret from the environment, with no fallback", () => {
    const compose = readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8');
    const app = compose.slice(compose.indexOf('\n  app:'));
    for (const name of SECRET_VARIABLES) {
      const line = app.split('\n').find((l) => l.trim().startsWith(`${name}:`));
      expect(line).toBeDefined();
      expect(line!.trim()).toBe(`${name}: \${${name}:-}`);
    }
    expect(app).toMatch(/NODE_ENV: production/);
    expect(app).toMatch(/DEMO_DATA: 'false'/);
  });
});
