import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import { ThrottlerException } from '@nestjs/throttler';
import { DomainError, FieldError, RateLimitedError, ServiceUnavailableError } from '@campus/core';
import { isDatabaseUnavailable, pgErrorCode, QUERY_CANCELED } from '@campus/database';
import type { FastifyReply, FastifyRequest } from 'fastify';

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  errors?: FieldError[];
  instance?: string;
  [extra: string]: unknown;
}

const TITLES: Record<number, string> = {
  400: 'Invalid input',
  401: 'Not signed in',
  403: 'Not allowed',
  404: 'Not found',
  405: 'Method not allowed',
  409: 'Conflict',
  413: 'Request body too large',
  415: 'Unsupported media type',
  422: 'Refused by a business rule',
  429: 'Too many requests',
  500: 'Internal error',
  503: 'Service unavailable',
};

/** PostgreSQL errors that mean "bad input" rather than "bug", should one slip past validation. */
const PG_AS_HTTP: Record<string, [number, string]> = {
  '22P02': [400, 'invalid_value'],
  '22003': [400, 'value_out_of_range'],
  '22001': [400, 'value_too_long'],
  '22007': [400, 'invalid_datetime'],
  '22008': [400, 'invalid_datetime'],
  '22021': [400, 'invalid_text'],
  '22P05': [400, 'invalid_text'],
  '23505': [409, 'already_exists'],
  '23503': [404, 'referenced_not_found'],
  '23514': [409, 'constraint_violated'],
  '40001': [409, 'concurrent_update'],
  '40P01': [409, 'concurrent_update'],
};

function problemType(code: string): string {
  return `https://campus-orders.dev/problems/${code.replace(/_/g, '-')}`;
}

/** Maps anything thrown while serving a request to RFC 9457 problem+json, in one place. */
export function toProblem(err: unknown): { problem: Problem; unexpected: boolean; retryAfter?: number } {
  // The database is unreachable (an outage, a failover): retryable, not a bug.
  if (!(err instanceof DomainError) && isDatabaseUnavailable(err)) err = new ServiceUnavailableError();
  // A statement cancelled by its class's statement_timeout (DB_STATEMENT_TIMEOUT_MS): the database is
  // too busy for this request right now; retryable, never a 500 (issue 17.8).
  if (!(err instanceof DomainError) && pgErrorCode(err) === QUERY_CANCELED) {
    err = new ServiceUnavailableError(
      'The request took too long in the database; try again shortly',
      5,
      'statement_timeout',
    );
  }
  if (err instanceof DomainError) {
    return {
      problem: {
        // Extras come first: they may add members, never replace the standard ones.
        ...err.extra,
        type: problemType(err.code),
        title: err.title,
        status: err.status,
        detail: err.detail,
        code: err.code,
      },
      unexpected: false,
      retryAfter:
        err instanceof RateLimitedError || err instanceof ServiceUnavailableError
          ? err.retryAfterSeconds
          : undefined,
    };
  }
  if (err instanceof ThrottlerException) {
    return {
      problem: {
        type: problemType('rate_limited'),
        title: TITLES[429],
        status: 429,
        detail: 'Too many requests; slow down and try again shortly',
        code: 'rate_limited',
      },
      unexpected: false,
      retryAfter: 60,
    };
  }
  if (err instanceof HttpException) {
    const status = err.getStatus();
    const body = err.getResponse();
    const message =
      typeof body === 'string' ? body : ((body as { message?: string | string[] }).message ?? err.message);
    const detail = Array.isArray(message) ? message.join('; ') : String(message);
    const code = status === 404 ? 'route_not_found' : (HttpStatus[status] ?? 'error').toLowerCase();
    return {
      problem: { type: problemType(code), title: TITLES[status] ?? err.name, status, detail, code },
      unexpected: status >= 500,
    };
  }
  const fastifyCode = (err as { code?: string; statusCode?: number })?.code;
  const fastifyStatus = (err as { statusCode?: number })?.statusCode;
  if (
    typeof fastifyCode === 'string' &&
    fastifyCode.startsWith('FST_') &&
    fastifyStatus &&
    fastifyStatus < 500
  ) {
    const code = fastifyCode === 'FST_ERR_CTP_BODY_TOO_LARGE' ? 'body_too_large' : fastifyCode.toLowerCase();
    const detail =
      fastifyCode === 'FST_ERR_CTP_BODY_TOO_LARGE'
        ? 'The request body is larger than this API accepts'
        : fastifyCode === 'FST_ERR_CTP_INVALID_MEDIA_TYPE'
          ? 'Send JSON (application/json)'
          : `The request body could not be read: ${(err as Error).message}`;
    return {
      problem: {
        type: problemType(code),
        title: TITLES[fastifyStatus] ?? 'Bad request',
        status: fastifyStatus,
        detail,
        code,
      },
      unexpected: false,
    };
  }
  if (err instanceof SyntaxError || (err as { type?: string })?.type === 'entity.parse.failed') {
    return {
      problem: {
        type: problemType('malformed_body'),
        title: TITLES[400],
        status: 400,
        detail: 'The request body is not valid JSON',
        code: 'malformed_body',
      },
      unexpected: false,
    };
  }
  const pg = pgErrorCode(err);
  if (pg && PG_AS_HTTP[pg]) {
    const [status, code] = PG_AS_HTTP[pg];
    return {
      problem: {
        type: problemType(code),
        title: TITLES[status],
        status,
        detail:
          status === 400
            ? 'The request holds a value that cannot be stored'
            : status === 404
              ? 'The request refers to something that does not exist'
              : 'The request conflicts with stored data',
        code,
      },
      unexpected: status >= 500,
    };
  }
  return {
    problem: {
      type: problemType('internal_error'),
      title: TITLES[500],
      status: 500,
      detail: 'Something went wrong on our side; it has been logged',
      code: 'internal_error',
    },
    unexpected: true,
  };
}

@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly log = new Logger('Errors');

  catch(err: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const req = host.switchToHttp().getRequest<FastifyRequest>();
    const { problem, unexpected, retryAfter } = toProblem(err);
    if (unexpected) {
      this.log.error({ err, reqId: req?.id, url: req?.url }, 'unexpected error');
    }
    // The throttler already set the exact wait; keep it rather than the generic one.
    if (retryAfter && !reply.getHeader('Retry-After')) void reply.header('Retry-After', String(retryAfter));
    void reply
      .status(problem.status)
      .header('Content-Type', 'application/problem+json; charset=utf-8')
      .send(JSON.stringify({ ...problem, instance: req?.url }));
  }
}
