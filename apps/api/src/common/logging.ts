import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { RequestMethod } from '@nestjs/common';
import type { Params } from 'nestjs-pino';
import pino, { DestinationStream } from 'pino';
import type { Options as HttpOptions } from 'pino-http';
import { AppConfig, maskPhonesInText } from '@campus/core';

const REQUEST_ID = /^[\w.:-]{1,100}$/;

/** The request id: the caller's X-Request-Id when it is sane, else a new UUID. */
export function requestIdOf(req: IncomingMessage): string {
  const given = req.headers['x-request-id'];
  const id = Array.isArray(given) ? given[0] : given;
  return id && REQUEST_ID.test(id) ? id : randomUUID();
}

/**
 * A copy of a log value with every phone number masked. Errors are serialized first (message, stack
 * and their own fields, such as a failed query's parameters or a driver error's detail); anything
 * nested deeper than a log record needs is cut off rather than written unmasked.
 */
export function maskDeep(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return maskPhonesInText(value);
  if (value === null || typeof value !== 'object') return value;
  if (depth > 8) return '[nested]';
  if (value instanceof Error) return maskDeep(pino.stdSerializers.err(value), depth + 1);
  if (Array.isArray(value)) return value.map((v) => maskDeep(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = maskDeep(v, depth + 1);
  return out;
}

/**
 * Structured JSON logs with the request id on every line; phone numbers are masked wherever they
 * appear (URLs, messages, fields) and credentials are never written.
 */
export function pinoOptions(config: AppConfig, destination?: DestinationStream): Params {
  const options: HttpOptions = {
    level: config.logLevel,
    genReqId: (req: IncomingMessage & { id?: unknown }) => (req.id ? String(req.id) : requestIdOf(req)),
    customLogLevel: (_req: IncomingMessage, res: ServerResponse, err?: Error) =>
      err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'info' : 'debug',
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers.cookie',
        'req.headers["x-twilio-signature"]',
        'req.headers["x-signature"]',
      ],
      censor: '[redacted]',
    },
    serializers: {
      req: (req: { id: unknown; method: string; url: string; remoteAddress?: string }) => ({
        id: req.id,
        method: req.method,
        url: maskPhonesInText(req.url ?? ''),
      }),
      // pino's own response serializer reports null under Fastify (headersSent is read too early);
      // the raw response knows the status that was sent.
      res: (res: { statusCode: number | null; raw?: { statusCode?: number } }) => ({
        statusCode: res.raw?.statusCode ?? res.statusCode,
      }),
      // pino-http hands this an already serialized error; plain pino the Error itself.
      err: (err: unknown) => maskDeep(err instanceof Error ? pino.stdSerializers.err(err) : err),
    },
    formatters: {
      // `err` is left to its serializer (which masks it), so it is serialized once and keeps its type.
      log: ({ err, ...rest }: Record<string, unknown>) => {
        const masked = maskDeep(rest) as Record<string, unknown>;
        return err === undefined ? masked : { ...masked, err };
      },
    },
    hooks: {
      logMethod(args: unknown[], method: (...a: unknown[]) => void) {
        method.apply(
          this,
          args.map((a) => (typeof a === 'string' ? maskPhonesInText(a) : a)),
        );
      },
    },
  };
  return {
    forRoutes: [{ path: '{*path}', method: RequestMethod.ALL }],
    pinoHttp: destination ? [options, destination] : options,
  };
}
