import { Controller, HttpCode, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiNoContentResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { parse as parseCookies } from 'cookie';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AuthService, Ctx, Roles } from '@campus/auth';
import { queueBoardPlugin, QueueRegistry } from '@campus/queue';
import { toProblem } from '../common/problem.filter';
import { AppConfig, ForbiddenError, InjectConfig, RequestContext, UnauthorizedError } from '@campus/core';

/** Where the board lives (outside /api: it is a page, not part of the JSON API). */
export const QUEUE_BOARD_PATH = '/admin/queues';
export const QUEUE_COOKIE = 'campus_queues';
export const QUEUE_SESSION_SECONDS = 15 * 60;
const QUEUE_PURPOSE = 'queue-board';

/**
 * A browser navigation cannot send the Authorization header, so the console trades its bearer token
 * for a short-lived cookie that only the board's paths receive:
 * - issued only by an authenticated POST from an admin (a cross-site page can neither send the bearer
 *   token nor read the answer), so it cannot be planted by CSRF;
 * - HttpOnly (no script reads it), SameSite=Strict (no cross-site request carries it, so the board's
 *   retry/clean buttons cannot be triggered from another site), Path=/admin/queues (the API never
 *   sees it), Secure behind https;
 * - 15 minutes long, and checked on every board request against the account as it is now: switched
 *   off, no longer admin, or its password changed or reset (token version) → refused at once (within
 *   the 5 s principal cache on other replicas).
 * Unsafe methods must also come from the board's own origin (Origin header) — belt and braces.
 */
@ApiTags('operations')
@ApiBearerAuth()
@Controller('admin')
export class QueueSessionController {
  constructor(
    private readonly auth: AuthService,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  @Post('queue-session')
  @Roles('admin')
  @HttpCode(204)
  @ApiOperation({
    summary: `Opens the queue dashboard at ${QUEUE_BOARD_PATH} for ${QUEUE_SESSION_SECONDS / 60} minutes (an HttpOnly cookie)`,
  })
  @ApiNoContentResponse()
  async open(@Ctx() ctx: RequestContext, @Res({ passthrough: true }) reply: FastifyReply): Promise<void> {
    const token = await this.auth.signPurposeToken(QUEUE_PURPOSE, ctx.principal, QUEUE_SESSION_SECONDS);
    const secure = this.config.publicBaseUrl.startsWith('https:') ? '; Secure' : '';
    void reply.header(
      'Set-Cookie',
      `${QUEUE_COOKIE}=${token}; Path=${QUEUE_BOARD_PATH}; Max-Age=${QUEUE_SESSION_SECONDS}; HttpOnly; SameSite=Strict${secure}`,
    );
  }
}

/** Mounts Bull Board at /admin/queues behind the board session (admins only). */
export async function mountQueueBoard(app: NestFastifyApplication): Promise<void> {
  const registry = app.get(QueueRegistry);
  const auth = app.get(AuthService);
  const fastify = app.getHttpAdapter().getInstance() as unknown as FastifyInstance;

  const refuse = (reply: FastifyReply, err: unknown) => {
    const { problem } = toProblem(err);
    return reply
      .status(problem.status)
      .header('Content-Type', 'application/problem+json; charset=utf-8')
      .header('Cache-Control', 'no-store')
      .send(JSON.stringify(problem));
  };

  await fastify.register(async (board) => {
    board.addHook('onRequest', async (req: FastifyRequest, reply: FastifyReply) => {
      const token = parseCookies(req.headers.cookie ?? '')[QUEUE_COOKIE];
      if (!token) return refuse(reply, new UnauthorizedError('Open the queues from the admin console'));
      const principal = await auth.principalForPurposeToken(QUEUE_PURPOSE, token);
      if (!principal) {
        return refuse(
          reply,
          new UnauthorizedError('The queue session has expired or was revoked; open it again'),
        );
      }
      if (principal.role !== 'admin' || principal.mustChangePassword) {
        return refuse(reply, new ForbiddenError('Only admins may open the queues', 'role_not_allowed'));
      }
      if (!['GET', 'HEAD'].includes(req.method) && !sameOrigin(req)) {
        return refuse(reply, new ForbiddenError('Cross-site request refused', 'cross_site_refused'));
      }
      void reply.header('Cache-Control', 'no-store');
    });
    await board.register(queueBoardPlugin(registry, QUEUE_BOARD_PATH), { prefix: QUEUE_BOARD_PATH });
  });
}

function sameOrigin(req: FastifyRequest): boolean {
  const origin = req.headers.origin;
  if (!origin)
    return req.headers['sec-fetch-site'] === undefined || req.headers['sec-fetch-site'] === 'same-origin';
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}
