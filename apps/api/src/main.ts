import 'reflect-metadata';
import { config as loadDotenv } from 'dotenv';
import { configOrExit } from '@campus/core';
import { Logger } from 'nestjs-pino';
import { createApiApp } from './bootstrap';

async function main(): Promise<void> {
  loadDotenv({ quiet: true });
  const config = configOrExit();
  const app = await createApiApp(config);
  await app.listen({ port: config.port, host: '0.0.0.0' });
  app.get(Logger).log(`API listening on :${config.port}`, 'Bootstrap');
}

void main();
