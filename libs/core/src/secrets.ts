import { hkdfSync } from 'node:crypto';

/**
 * Every secret value that appears anywhere in this repository (`.env.example`, `docker-compose.yml`,
 * the docs, the tests' `testEnv`, the bench and script environments). Production refuses to start
 * when a secret equals one of them: whoever can read the repository knows these. The list cannot
 * drift from the files: `secrets.spec.ts` reads every file that assigns a secret variable and fails
 * when a value found there is missing here.
 */
export const SHIPPED_SECRET_VALUES: readonly string[] = [
  // .env.example (development defaults)
  'dev-only-jwt-secret-change-me-in-production',
  'dev-only-codes-secret-change-me-in-production',
  'dev-only-payment-webhook-secret',
  'dev-twilio-auth-token',
  'admin-demo-password',
  // the tests' testEnv (libs/testing/src/test-app.ts) and unit specs
  'test-jwt-secret-0123456789',
  'test-codes-secret-0123456789abcdef',
  'test-payment-secret-0123456789',
  'test-twilio-auth-token',
  'admin-test-password',
  'a-very-long-secret-value',
  'another-long-secret',
  'admin-password',
  'short',
  'token',
  'codes-secret-0123456789',
  // docker-compose.yml before it took secrets from the environment only
  'compose-only-jwt-secret-change-me',
  'compose-twilio-auth-token',
  'compose-only-payment-secret',
  // benchmarks and the OpenAPI script before they drew random secrets
  'bench-jwt-secret-0123456789',
  'bench-admin-password',
  'bench-twilio-token',
  'bench-payment-secret-0123456789',
  'openapi-document-only-0123456789',
  'openapi-document-only',
  // demo accounts (scripts/seed-demo.ts)
  'campus-demo-2026',
];

/** The variables that hold secrets: production checks each against the rules below. */
export const SECRET_VARIABLES = [
  'JWT_SECRET',
  'CODES_SECRET',
  'PAYMENT_WEBHOOK_SECRET',
  'TWILIO_AUTH_TOKEN',
  'ADMIN_PASSWORD',
] as const;

/** Keys (not passwords or provider tokens): production wants at least this much entropy in them. */
export const KEY_VARIABLES = ['JWT_SECRET', 'CODES_SECRET', 'PAYMENT_WEBHOOK_SECRET'] as const;

export const MIN_KEY_ENTROPY_BITS = 256;

/**
 * An estimate of the entropy of a secret, in bits: its length times log2 of the alphabet it is drawn
 * from. Hex (only 0-9a-f) counts 4 bits a character; base64/base64url (upper case, lower case and
 * digits all present, `=` padding not counted) 6 bits; anything else the sum of the classes it uses —
 * digits 10, lower case 26, upper case 26, each distinct other character 1, non-ASCII 128. A value
 * with fewer than 12 distinct characters gets at most 4 bits per distinct character (catches "aaaa…"
 * and short repeated patterns). `openssl rand -hex 32` (64 hex digits) and `openssl rand -base64 32`
 * (43 symbols + "=") reach 256 bits; a lower-case phrase with dashes needs 56 characters.
 */
export function entropyBits(value: string): number {
  const v = value.replace(/=+$/, '');
  if (v.length === 0) return 0;
  const has = (re: RegExp) => re.test(v);
  let bitsPerChar: number;
  if (/^[0-9a-fA-F]+$/.test(v) && !(has(/[a-f]/) && has(/[A-F]/))) bitsPerChar = 4;
  else if (/^[A-Za-z0-9+/_-]+$/.test(v) && has(/[a-z]/) && has(/[A-Z]/) && has(/[0-9]/)) bitsPerChar = 6;
  else {
    let alphabet = 0;
    if (has(/[0-9]/)) alphabet += 10;
    if (has(/[a-z]/)) alphabet += 26;
    if (has(/[A-Z]/)) alphabet += 26;
    alphabet += new Set(v.replace(/[0-9a-zA-Z]/g, '').replace(/[^\x20-\x7e]/g, '')).size;
    if (has(/[^\x20-\x7e]/)) alphabet += 128;
    bitsPerChar = Math.log2(Math.max(alphabet, 2));
  }
  const bits = v.length * bitsPerChar;
  const distinct = new Set(v).size;
  return distinct < 12 ? Math.min(bits, distinct * 4) : bits;
}

/**
 * What production refuses about one secret variable (null when fine): a value shipped in the
 * repository, and, for keys, less than MIN_KEY_ENTROPY_BITS of estimated entropy.
 */
export function secretProblem(name: string, value: string | undefined): string | null {
  if (value === undefined || value === '') return null;
  if (SHIPPED_SECRET_VALUES.includes(value)) {
    return `${name} is a value shipped in this repository (.env.example, docker-compose.yml, the docs or the tests); generate a new one, e.g. \`openssl rand -hex 32\``;
  }
  if ((KEY_VARIABLES as readonly string[]).includes(name) && entropyBits(value) < MIN_KEY_ENTROPY_BITS) {
    return `${name} has about ${Math.floor(entropyBits(value))} bits of entropy; production needs at least ${MIN_KEY_ENTROPY_BITS} (32 random bytes, e.g. \`openssl rand -hex 32\`)`;
  }
  return null;
}

/**
 * The purposes one-time codes are keyed for. Each gets its own 32-byte key, derived with HKDF-SHA256
 * from CODES_SECRET, so a key used (and perhaps leaked) for one purpose says nothing about another,
 * and the token-signing key (JWT_SECRET) is not among them: rotating it signs everyone out and
 * leaves every texted code valid.
 */
export type CodePurpose = 'otp-hash' | 'pickup-code' | 'task-code' | 'code-delivery';

const derived = new Map<string, Buffer>();

/** The key of one purpose, derived from the codes master secret (HKDF-SHA256, cached per process). */
export function purposeKey(codesSecret: string, purpose: CodePurpose): Buffer {
  const cacheKey = `${purpose}\u0000${codesSecret}`;
  let key = derived.get(cacheKey);
  if (!key) {
    key = Buffer.from(
      hkdfSync('sha256', Buffer.from(codesSecret, 'utf8'), 'campus-orders', `${purpose}/v1`, 32),
    );
    if (derived.size > 64) derived.clear();
    derived.set(cacheKey, key);
  }
  return key;
}
