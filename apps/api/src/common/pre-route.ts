import type { Socket } from 'node:net';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** Longer request targets are refused with 414 (Node refuses whole request heads over 16 KiB). */
export const MAX_URL_LENGTH = 8 * 1024;

function problem(status: number, code: string, title: string, detail: string, instance?: string) {
  return {
    type: `https://campus-orders.dev/problems/${code.replace(/_/g, '-')}`,
    title,
    status,
    detail,
    code,
    ...(instance !== undefined ? { instance: instance.slice(0, 200) } : {}),
  };
}

function send(reply: FastifyReply, status: number, body: ReturnType<typeof problem>): void {
  void reply
    .status(status)
    .header('Content-Type', 'application/problem+json; charset=utf-8')
    .send(JSON.stringify(body));
}

/**
 * Errors Fastify raises before a route is matched (a URL that is not valid percent-encoding): the
 * same problem+json as every other error, not Fastify's own JSON.
 */
export function frameworkErrors(
  error: Error & { code?: string },
  req: FastifyRequest,
  reply: FastifyReply,
): void {
  if (error.code === 'FST_ERR_BAD_URL') {
    send(reply, 400, problem(400, 'malformed_url', 'Invalid input', 'The URL is not valid percent-encoding'));
    return;
  }
  send(reply, 400, problem(400, 'bad_request', 'Invalid input', 'The request could not be routed', req.url));
}

/**
 * Requests Node's HTTP parser refuses before Fastify sees them (a request head over 16 KiB, a broken
 * request line): a problem+json answer on the raw socket, then the connection is closed.
 */
export function clientErrorHandler(error: Error & { code?: string }, socket: Socket): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const tooLarge = error.code === 'HPE_HEADER_OVERFLOW';
  const status = tooLarge ? 431 : 400;
  const body = JSON.stringify(
    tooLarge
      ? problem(
          431,
          'headers_too_large',
          'Request header fields too large',
          'The URL or the headers are too long',
        )
      : problem(400, 'bad_request', 'Invalid input', 'The request is not valid HTTP'),
  );
  socket.end(
    `HTTP/1.1 ${status} ${tooLarge ? 'Request Header Fields Too Large' : 'Bad Request'}\r\n` +
      'Content-Type: application/problem+json; charset=utf-8\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

/** JSON bodies are UTF-8 (RFC 8259); a JSON body declared in another charset is 415. */
const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;
const CHARSET = /;\s*charset\s*=\s*"?([^";\s]+)"?/i;

/**
 * Checks every request before its body is read: the URL is at most MAX_URL_LENGTH (414), and a JSON
 * body declares no charset other than UTF-8 (415). Both answer problem+json like any other error.
 */
export function registerPreRouteChecks(fastify: FastifyInstance): void {
  // This API reads JSON (and, for Twilio, forms): a text/plain body is 415, not a string to validate.
  fastify.removeContentTypeParser('text/plain');
  fastify.addHook('onRequest', async (req: FastifyRequest, reply: FastifyReply) => {
    if (req.url.length > MAX_URL_LENGTH) {
      send(
        reply,
        414,
        problem(414, 'uri_too_long', 'URI too long', `The URL is longer than ${MAX_URL_LENGTH} characters`),
      );
      return reply;
    }
    const type = req.headers['content-type'];
    if (typeof type === 'string' && JSON_TYPE.test(type)) {
      const charset = CHARSET.exec(type)?.[1]?.toLowerCase();
      if (charset && charset !== 'utf-8' && charset !== 'utf8') {
        send(
          reply,
          415,
          problem(
            415,
            'unsupported_charset',
            'Unsupported media type',
            `JSON bodies are UTF-8; this one is declared ${charset}`,
            req.url,
          ),
        );
        return reply;
      }
    }
    return undefined;
  });
}
