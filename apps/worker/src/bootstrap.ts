import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { AppConfig, Clock } from '@campus/core';
import { WorkerModule } from './worker.module';

export interface WorkerOptions {
  clock?: Clock;
  backoffMs?: number;
  attempts?: number;
}

/** Builds and starts the worker (relay + consumers). */
export async function createWorkerApp(
  config: AppConfig,
  opts: WorkerOptions = {},
): Promise<INestApplicationContext> {
  const app = await NestFactory.createApplicationContext(
    WorkerModule.forRoot(config, opts.clock, { backoffMs: opts.backoffMs, attempts: opts.attempts }),
    { bufferLogs: true, abortOnError: false },
  );
  app.useLogger(app.get(Logger));
  app.enableShutdownHooks();
  await app.init();
  return app;
}
