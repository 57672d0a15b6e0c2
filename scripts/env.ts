import { config as loadDotenv } from 'dotenv';
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
