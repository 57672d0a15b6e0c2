import fastifyStatic from '@fastify/static';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';

/**
 * Where the built console lives: `dist/console` under the repository root, reached both from the
 * TypeScript sources (apps/api/src) and from the compiled API (dist/apps/api/src).
 */
export function findConsoleDir(): string | null {
  const candidates = [resolve(__dirname, '../../../console'), resolve(__dirname, '../../../dist/console')];
  return candidates.find((dir) => existsSync(join(dir, 'index.html'))) ?? null;
}

/**
 * Serves the console's static files at `/`, and index.html for any other GET outside /api so that
 * the single-page app's own routes survive a reload. /api keeps the API's own 404 (problem+json).
 * The build writes a brotli and a gzip copy of every text asset (apps/console/vite.config.ts); the
 * one the browser accepts is sent with its Content-Encoding (and `Vary: Accept-Encoding`), so
 * nothing is compressed per request.
 */
export async function serveConsole(app: NestFastifyApplication, dir: string): Promise<void> {
  await app.register(fastifyStatic, {
    root: dir,
    prefix: '/',
    wildcard: false,
    preCompressed: true,
    setHeaders: (res, path) => {
      // Hashed asset names change with their content; index.html must always be fetched again.
      void res.header(
        'Cache-Control',
        path.includes('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
      );
    },
  });
  const fastify = app.getHttpAdapter().getInstance();
  fastify.get('/*', (req, reply) => {
    if (req.url === '/api' || req.url.startsWith('/api/') || req.url.startsWith('/api?')) {
      return reply.callNotFound();
    }
    void reply.header('Cache-Control', 'no-cache');
    return reply.sendFile('index.html');
  });
}
