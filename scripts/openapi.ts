import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import type { OpenAPIObject } from '@nestjs/swagger';
import { loadConfig } from '@campus/core';
import { AppModule } from '../apps/api/src/app.module';
import { buildOpenApiDocument } from '../apps/api/src/openapi';
import { ephemeralSecrets } from './env';

/**
 * The API's OpenAPI document without a database, Redis or a listening port: Nest's preview mode
 * reads the controllers' metadata and instantiates nothing.
 */
export async function openApiDocument(): Promise<OpenAPIObject> {
  const config = loadConfig({
    NODE_ENV: 'production',
    DATABASE_URL: 'postgres://openapi@127.0.0.1:1/openapi',
    REDIS_URL: 'redis://127.0.0.1:1',
    ...ephemeralSecrets(),
    ADMIN_USERNAME: 'admin',
    PUBLIC_BASE_URL: 'http://localhost',
    LOG_LEVEL: 'silent',
  });
  const app = await NestFactory.create(AppModule.forRoot(config), new FastifyAdapter(), {
    preview: true,
    logger: false,
    abortOnError: false,
  });
  app.setGlobalPrefix('api');
  const document = buildOpenApiDocument(app);
  await app.close();
  return document;
}

/** `node dist/scripts/openapi.js <file>`: writes the document as JSON (stdout without a file). */
async function main(): Promise<void> {
  const json = `${JSON.stringify(await openApiDocument(), null, 2)}\n`;
  const file = process.argv[2];
  if (file) writeFileSync(file, json);
  else process.stdout.write(json);
}

if (require.main === module) void main();
