import { config as loadDotenv } from 'dotenv';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Loads `.env` when present; otherwise, outside production, the development defaults in
 * `.env.example`, so `npm start` works on a fresh clone. Variables already set always win.
 */
export function loadEnvFiles(root = process.cwd()): string | null {
  const env = join(root, '.env');
  if (existsSync(env)) {
    loadDotenv({ path: env, quiet: true });
    return '.env';
  }
  if (process.env.NODE_ENV !== 'production' && existsSync(join(root, '.env.example'))) {
    loadDotenv({ path: join(root, '.env.example'), quiet: true });
    return '.env.example';
  }
  return null;
}

/**
 * Fresh random secrets for a process that runs in production mode but lives for one run (the
 * benchmarks, the OpenAPI document): production refuses any value written in this repository.
 */
export function ephemeralSecrets(): Record<string, string> {
  const hex = () => randomBytes(32).toString('hex');
  return {
    JWT_SECRET: hex(),
    CODES_SECRET: hex(),
    PAYMENT_WEBHOOK_SECRET: hex(),
    ADMIN_PASSWORD: hex(),
    TWILIO_AUTH_TOKEN: randomBytes(16).toString('hex'),
  };
}
