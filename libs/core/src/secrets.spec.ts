import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { entropyBits, purposeKey, SECRET_VARIABLES, secretProblem, SHIPPED_SECRET_VALUES } from './secrets';

const ROOT = resolve(__dirname, '../../..');

/** Every file of the repository that could ship a secret value (sources, docs, config, CI). */
function repositoryFiles(dir = ROOT): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    if (['node_modules', 'dist', '.git', 'screenshots', 'results', 'coverage'].includes(name)) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...repositoryFiles(p));
    else if (/\.(ts|tsx|js|mjs|md|yml|yaml|json|sh)$|^\.env\.example$|^run$|^Dockerfile$/.test(name)) {
      if (!p.endsWith('schema.ts') && !p.endsWith('package-lock.json')) out.push(p);
    }
  }
  return out;
}

/**
 * Literal values assigned to a secret variable in a file: `NAME=value` (.env), `NAME: value` or
 * `NAME: 'value'` (YAML, TypeScript objects), `${NAME:-value}` (compose fallbacks).
 */
function assignedValues(text: string, file: string): { name: string; value: string }[] {
  const found: { name: string; value: string }[] = [];
  const code = /\.(ts|tsx|js|mjs)$/.test(file);
  for (const name of SECRET_VARIABLES) {
    const patterns = [
      new RegExp(`\\b${name}:\\s*'([^'$]+)'`, 'g'),
      new RegExp(`\\b${name}:\\s*"([^"$]+)"`, 'g'),
      new RegExp(`\\$\\{${name}:?-([^}]+)\\}`, 'g'),
      // In code an unquoted value is an expression, not a literal.
      ...(code
        ? []
        : [
            new RegExp(`^\\s*(?:export\\s+)?${name}=([^\\s#'"$][^\\s#]*)`, 'gm'),
            new RegExp(`^\\s*${name}:\\s*([^\\s'"$#{][^\\s#]*)`, 'gm'),
          ]),
    ];
    for (const re of patterns) for (const m of text.matchAll(re)) found.push({ name, value: m[1] });
  }
  return found;
}

describe('SHIPPED_SECRET_VALUES', () => {
  it('holds every secret value written anywhere in the repository (so production refuses them all)', () => {
    const missing: string[] = [];
    let seen = 0;
    for (const file of repositoryFiles()) {
      for (const { name, value } of assignedValues(readFileSync(file, 'utf8'), file)) {
        seen++;
        if (!SHIPPED_SECRET_VALUES.includes(value)) missing.push(`${relative(ROOT, file)}: ${name}=${value}`);
      }
    }
    expect(seen).toBeGreaterThan(5); // the scan finds .env.example and testEnv at least
    expect(missing).toEqual([]);
  });

  it('code that starts the app in production mode draws its secrets (none is written out)', () => {
    const offenders: string[] = [];
    // Specs feed production-mode configs on purpose (to see them refused); running code must not.
    const running = repositoryFiles().filter(
      (f) => /\.(ts|js)$/.test(f) && !/\.spec\.ts$/.test(f) && !relative(ROOT, f).startsWith('test/'),
    );
    for (const file of running) {
      const text = readFileSync(file, 'utf8');
      if (!/NODE_ENV:\s*'production'/.test(text)) continue;
      for (const { name } of assignedValues(text, file)) offenders.push(`${relative(ROOT, file)}: ${name}`);
    }
    expect(offenders).toEqual([]);
  });

  it('includes the development defaults and the test values', () => {
    const example = readFileSync(join(ROOT, '.env.example'), 'utf8');
    const values = assignedValues(example, '.env.example').map((a) => a.value);
    expect(values.length).toBeGreaterThanOrEqual(4);
    for (const v of values) expect(SHIPPED_SECRET_VALUES).toContain(v);
  });
});

describe('entropyBits', () => {
  it.each([
    ['0123456789abcdef'.repeat(4), 256],
    ['c0ffee'.repeat(4), 4 * 4], // repeated pattern: capped by its 4 distinct characters
    ['aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', 4],
  ])('%s → %d bits', (value, bits) => {
    expect(Math.round(entropyBits(value))).toBe(bits);
  });

  it('accepts 32 random bytes in hex or base64 and refuses shorter or human-made secrets', () => {
    expect(entropyBits('9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08')).toBe(256);
    expect(entropyBits('n4bQgYhMfWWaL+qgxVrQFaO/TTI4OzOuP1VZ2gTG0zI=')).toBeGreaterThanOrEqual(256);
    expect(entropyBits('9f86d081884c7d659a2feaa0c55ad015')).toBeLessThan(256);
    expect(entropyBits('my-company-jwt-secret-for-production')).toBeLessThan(256);
  });
});

describe('secretProblem', () => {
  it('names the variable for a shipped value, and for a weak key; accepts a strong one', () => {
    expect(secretProblem('JWT_SECRET', 'dev-only-jwt-secret-change-me-in-production')).toMatch(
      /^JWT_SECRET is a value shipped in this repository/,
    );
    expect(secretProblem('CODES_SECRET', 'x'.repeat(40))).toMatch(/^CODES_SECRET has about 4 bits/);
    expect(secretProblem('JWT_SECRET', 'ab'.repeat(40) + 'cdef0123456789')).toBeNull();
    // Passwords and provider tokens are checked against the repository only.
    expect(secretProblem('ADMIN_PASSWORD', 'admin-demo-password')).toMatch(/ADMIN_PASSWORD/);
    expect(secretProblem('ADMIN_PASSWORD', 'correct horse battery')).toBeNull();
  });
});

describe('purposeKey', () => {
  it('derives a distinct 32-byte key per purpose, stable for one secret, different for another', () => {
    const keys = (['otp-hash', 'pickup-code', 'task-code', 'code-delivery'] as const).map((p) =>
      purposeKey('one-master-secret-0123456789', p).toString('hex'),
    );
    expect(new Set(keys).size).toBe(4);
    for (const k of keys) expect(k).toHaveLength(64);
    expect(purposeKey('one-master-secret-0123456789', 'otp-hash').toString('hex')).toBe(keys[0]);
    expect(purposeKey('another-master-secret-012345', 'otp-hash').toString('hex')).not.toBe(keys[0]);
  });
});
