import fastifyHelmet from '@fastify/helmet';
import type { IncomingMessage } from 'node:http';
import type { DestinationStream } from 'pino';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { UsersService } from '@campus/auth';
import { AppConfig, Clock, RequestContext } from '@campus/core';
import { mountQueueBoard } from './admin/queue-board';
import { AppModule } from './app.module';
import { requestIdOf } from './common/logging';
import { findConsoleDir, serveConsole } from './console-static';
import { buildOpenApiDocument } from './openapi';
import { createValidationPipe } from './common/validation';
import { clientErrorHandler, frameworkErrors, registerPreRouteChecks } from './common/pre-route';

export interface ApiOptions {
  clock?: Clock;
  /** Keep Nest's own bootstrap logs quiet (tests). */
  quiet?: boolean;
  /** Where log lines go (default stdout); tests read them from here. */
  logDestination?: DestinationStream;
  /** The built console to serve at `/` (default: dist/console when it was built; false: none). */
  consoleDir?: string | false;
}

/** Builds the API application (not yet listening): Fastify, security headers, validation, docs. */
export async function createApiApp(
  config: AppConfig,
  opts: ApiOptions = {},
): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    bodyLimit: config.bodyLimitBytes,
    // Only trusted proxies may name the client: a spoofed X-Forwarded-For would dodge per-address limits.
    trustProxy: config.trustProxy,
    genReqId: (req: IncomingMessage) => requestIdOf(req),
    requestIdHeader: false,
    routerOptions: { ignoreTrailingSlash: true },
    // Errors before a route is matched answer problem+json too (issue 17.9).
    frameworkErrors,
    clientErrorHandler,
  });
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.forRoot(config, opts.clock, opts.logDestination),
    adapter,
    {
      rawBody: true,
      bufferLogs: true,
      abortOnError: false,
    },
  );
  app.useLogger(app.get(Logger));
  // Nest flushes buffered logs only in listen(); an app that is not listening (tests, the demo seed)
  // would otherwise keep every log line in memory and never write it.
  app.flushLogs();
  app.setGlobalPrefix('api');
  app.useGlobalPipes(createValidationPipe());
  app.enableShutdownHooks();

  await app.register(fastifyHelmet, {
    // The docs UI needs its inline scripts and styles.
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'", "'unsafe-inline'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        // Upgrading http: subresources only makes sense when the app is served over TLS; on plain
        // http (a campus LAN address) it would make the console's scripts fail to load.
        upgradeInsecureRequests: config.publicBaseUrl.startsWith('https:') ? [] : null,
      },
    },
  });
  const fastify = app.getHttpAdapter().getInstance();
  registerPreRouteChecks(fastify);
  fastify.addHook('onSend', async (req, reply) => {
    void reply.header('X-Request-Id', req.id);
  });

  const document = buildOpenApiDocument(app);
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs-json' });
  // Before the console: its catch-all page route must not shadow the board's.
  await mountQueueBoard(app);
  const consoleDir = opts.consoleDir ?? findConsoleDir();
  if (consoleDir) await serveConsole(app, consoleDir);

  await app.init();
  await app
    .get(UsersService)
    .bootstrapAdmin(RequestContext.system('bootstrap'), config.adminUsername, config.adminPassword);
  return app;
}
